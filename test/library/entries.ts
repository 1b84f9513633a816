/**
 * The package's entries as a user's editor reads them: the declarations each `exports` entry of
 * package.json names (dist/, built by the global setup), in one TypeScript program.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../cli/run.ts';

export interface Export {
  readonly name: string;
  /** The exported symbol, aliases resolved. */
  readonly symbol: ts.Symbol;
}

export interface Entry {
  /** The import specifier: `jcgraph`, `jcgraph/report`, … */
  readonly name: string;
  readonly file: string;
  readonly exports: readonly Export[];
}

/** Every entry of package.json's `exports` but ./package.json, with its declarations file. */
export function entryFiles(): { name: string; file: string }[] {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types: string }>;
  };
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target !== 'string')
    .map(([key, target]) => ({
      name: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
      file: resolve(ROOT, (target as { types: string }).types),
    }));
}

/** The entries' declarations in one program, with each entry's exports. */
export function readEntries(): { program: ts.Program; checker: ts.TypeChecker; entries: Entry[] } {
  const files = entryFiles();
  const program = ts.createProgram(
    files.map((f) => f.file),
    {
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
    },
  );
  const checker = program.getTypeChecker();
  const entries = files.map(({ name, file }) => {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is missing: the global setup builds dist/`);
    const module = checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file} is not a module`);
    const exports = checker.getExportsOfModule(module).map((e) => ({
      name: e.name,
      symbol: e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e,
    }));
    return { name, file, exports };
  });
  return { program, checker, entries };
}
