/**
 * Every type the public declarations reach is exported: read the declarations of every entry (dist/,
 * built by the global setup) with the TypeScript compiler and walk each export's declaration, and the
 * declarations of the named types it refers to, in turn. A type of the package met in a signature that no
 * entry exports (a user could not name it in their own code) fails the test, with the way it was reached.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.ts';
import { readEntries, unexportedReachable, type Entry } from './entries.ts';

const scratch = mkdtempSync(join(tmpdir(), 'jcgraph-reach-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A made-up package of declaration files, read as readEntries reads the real one. */
function madeUp(files: Record<string, string>, entryFiles: readonly string[]): { program: ts.Program; entries: Entry[] } {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(scratch, name), text);
  const program = ts.createProgram(
    entryFiles.map((f) => join(scratch, f)),
    { noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  );
  const checker = program.getTypeChecker();
  const entries = entryFiles.map((f) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(join(scratch, f))!)!;
    const exports = checker.getExportsOfModule(module).map((e) => ({
      name: e.name,
      symbol: e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e,
    }));
    return { name: f, file: f, exports };
  });
  return { program, entries };
}

describe('every type reachable from an export is exported', () => {
  it('holds for the four entries of the package', () => {
    const { program, entries } = readEntries();
    expect(entries.reduce((n, e) => n + e.exports.length, 0)).toBeGreaterThan(200);
    expect(unexportedReachable(program, entries, resolve(ROOT, 'dist'))).toEqual([]);
  });

  it('names an unexported type a signature reaches, directly or through another, across files and entries', () => {
    const files = {
      'types.d.ts': [
        'export interface Options { readonly limit?: Limit }',
        'export interface Limit { readonly max: number; readonly unit: Unit }',
        'export type Unit = "requests" | "pages";',
        'export interface Result<T> { readonly items: readonly T[] }',
        'export declare class Client { get stats(): Stats; run<T>(o: Options): Result<T>; }',
        'export interface Stats { readonly requests: number }',
        'export interface Other extends Base {}',
        'export interface Base { readonly id: string }',
        '',
      ].join('\n'),
      'index.d.ts': 'export { Client, type Options, type Result } from "./types.js";\nexport declare function make(): Client;\n',
      'extra.d.ts': 'export type { Stats, Limit } from "./types.js";\nexport declare function other(): import("./types.js").Other;\n',
    };
    const one = madeUp(files, ['index.d.ts']);
    expect(unexportedReachable(one.program, one.entries, scratch).sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'Limit', via: 'index.d.ts: Options → Limit' },
      { type: 'Stats', via: 'index.d.ts: Client → Stats' },
      { type: 'Unit', via: 'index.d.ts: Options → Limit → Unit' },
    ]);
    // Another entry exporting Stats and Limit settles them; Unit is still missing, and so are Other (reached
    // through an import type) and Base, which Other extends.
    const two = madeUp(files, ['index.d.ts', 'extra.d.ts']);
    const missing = unexportedReachable(two.program, two.entries, scratch);
    expect(missing.map((m) => m.type).sort()).toEqual(['Base', 'Other', 'Unit']);
    expect(missing.find((m) => m.type === 'Base')?.via).toBe('extra.d.ts: other → Other → Base');
    expect(missing.find((m) => m.type === 'Unit')?.via).toMatch(/Limit → Unit$/);
  });
});
