/**
 * The command table names each command without loading it (so that `jcgraph --help` and every command
 * start without loading the modules of the others): its summary must be the command's own.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command, LazyCommand } from '../../src/cli/command.ts';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { cli, ROOT } from './run.ts';

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('lists %s with the summary and name its module gives', async (_name, entry) => {
    const command = await entry.load();
    expect(command.name).toBe(entry.name);
    expect(command.summary).toBe(entry.summary);
    expect(command.help.length).toBeGreaterThan(0);
  });

  it('prints the global help without loading any command, and loads only the one that runs', async () => {
    const loaded: string[] = [];
    const table: LazyCommand[] = COMMANDS.map((c) => ({
      name: c.name,
      summary: c.summary,
      load: async (): Promise<Command> => {
        loaded.push(c.name);
        return c.load();
      },
    }));
    const help = await cli(['--help'], { commands: table });
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`${c.name}  `);
    expect(loaded).toEqual([]);
    const whyHelp = await cli(['why', '--help'], { commands: table });
    expect(whyHelp.code).toBe(0);
    expect(loaded).toEqual(['why']);
  });
});

/** The modules a module loads when imported: its static imports that are not type-only, transitively. */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)';/gms)) {
      const specifier = m[2]!;
      if (!specifier.startsWith('.')) {
        if (!specifier.startsWith('node:')) seen.add(specifier);
        continue;
      }
      visit(resolve(dirname(file), specifier));
    }
  };
  visit(entry);
  return seen;
}

describe('jcgraph --help', () => {
  it('loads only the entry point, its output set-up, the command table and the errors: no command, no engine, no package', () => {
    const loaded = [...staticImports(join(ROOT, 'src/cli/main.ts'))].map((f) => relative(ROOT, f)).sort();
    expect(loaded).toEqual([
      'src/cli/api-key.ts',
      'src/cli/blocking-stdio.ts',
      'src/cli/command.ts',
      'src/cli/commands/index.ts',
      'src/cli/main.ts',
      'src/cli/safe-text.ts',
      'src/common/safe-text.ts',
      'src/errors.ts',
    ]);
  });
});
