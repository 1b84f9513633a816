/**
 * The shipped declarations document the public API: read dist/index.d.ts (built by the global setup) with
 * the TypeScript compiler, as an editor shows it to a user. Every function and class the entry exports has
 * a summary, and every optional property of an exported `…Options` type says its default with `@default`.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.ts';

interface Export {
  readonly name: string;
  readonly symbol: ts.Symbol;
}

function readEntry(): { checker: ts.TypeChecker; exports: Export[] } {
  const file = resolve(ROOT, 'dist/index.d.ts');
  const program = ts.createProgram([file], {
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file} is missing: the global setup builds dist/`);
  const entry = checker.getSymbolAtLocation(source);
  if (!entry) throw new Error(`${file} is not a module`);
  const exports = checker.getExportsOfModule(entry).map((e) => ({
    name: e.name,
    symbol: e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e,
  }));
  return { checker, exports };
}

describe('the public API is documented (dist/index.d.ts)', () => {
  const { checker, exports } = readEntry();

  it('reads the entry', () => {
    expect(exports.map((e) => e.name)).toEqual(expect.arrayContaining(['fetchTenant', 'AccessGraph', 'FetchOptions']));
  });

  it('every exported function and class has a one-line summary', () => {
    const callable = exports.filter((e) => e.symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class));
    expect(callable.length).toBeGreaterThan(50);
    const undocumented = callable.filter((e) => {
      const summary = ts.displayPartsToString(e.symbol.getDocumentationComment(checker)).trim();
      return summary.split('\n')[0]?.trim() === '';
    });
    expect(undocumented.map((e) => e.name)).toEqual([]);
  });

  it('every optional property of an exported options type documents its default', () => {
    const options = exports.filter(
      (e) => /Options$/.test(e.name) && e.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias),
    );
    expect(options.length).toBeGreaterThan(10);
    const missing: string[] = [];
    let checked = 0;
    for (const o of options) {
      for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(o.symbol))) {
        if (!(property.flags & ts.SymbolFlags.Optional)) continue;
        checked += 1;
        const tag = property.getJsDocTags(checker).find((t) => t.name === 'default');
        if (!tag || ts.displayPartsToString(tag.text).trim() === '') missing.push(`${o.name}.${property.name}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});
