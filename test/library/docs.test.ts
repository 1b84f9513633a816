/**
 * The shipped declarations document the public API: read the declarations of every entry (dist/index.d.ts,
 * dist/entries/*.d.ts, built by the global setup) with the TypeScript compiler, as an editor shows them to a
 * user. Every function and class an entry exports has a summary, and every optional property of an
 * exported `…Options` type says its default with `@default`.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readEntries } from './entries.ts';

describe('the public API is documented (the declarations of every entry)', () => {
  const { checker, entries } = readEntries();
  const exports = entries.flatMap((entry) => entry.exports);

  it('reads every entry', () => {
    expect(entries.map((e) => e.name)).toEqual(['jcgraph', 'jcgraph/report', 'jcgraph/serve', 'jcgraph/simulator']);
    expect(exports.map((e) => e.name)).toEqual(
      expect.arrayContaining(['fetchTenant', 'AccessGraph', 'FetchOptions', 'writeReport', 'startServer', 'startSimulator']),
    );
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
