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

/** A type an export reaches, through the chain of names it was reached by. */
export interface Reached {
  readonly type: string;
  /** `entry: export → … → type`, the first way it was found. */
  readonly via: string;
}

const NAMED_TYPE = ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum;

/**
 * The named types (interfaces, type aliases, classes, enums) declared under `packageDir` that the
 * declarations of the entries' exports reach, directly or through other such types, and that no entry
 * exports: what a user meets in a signature and cannot import. Walks the declaration files' syntax: every
 * type reference, `import(…)` type and heritage clause, never a `typeof` (a value) or a type parameter.
 */
export function unexportedReachable(program: ts.Program, entries: readonly Entry[], packageDir: string): Reached[] {
  const checker = program.getTypeChecker();
  const exported = new Set<ts.Symbol>(entries.flatMap((e) => e.exports.map((x) => x.symbol)));
  const seen = new Set<ts.Symbol>();
  const missing: Reached[] = [];
  const reported = new Set<ts.Symbol>();
  const queue: { symbol: ts.Symbol; via: string }[] = entries.flatMap((e) =>
    e.exports.map((x) => ({ symbol: x.symbol, via: `${e.name}: ${x.name}` })),
  );
  const inPackage = (d: ts.Declaration): boolean => resolve(d.getSourceFile().fileName).startsWith(resolve(packageDir) + '/');
  const resolveSymbol = (node: ts.Node): ts.Symbol | undefined => {
    const symbol = checker.getSymbolAtLocation(node);
    return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  };
  while (queue.length > 0) {
    const { symbol, via } = queue.shift()!;
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) {
      if (!inPackage(declaration)) continue;
      const visit = (node: ts.Node): void => {
        let target: ts.Symbol | undefined;
        if (ts.isTypeReferenceNode(node)) target = resolveSymbol(node.typeName);
        else if (ts.isExpressionWithTypeArguments(node)) target = resolveSymbol(node.expression);
        else if (ts.isImportTypeNode(node) && !node.isTypeOf) {
          // `import("./x.js").T`, as declaration emit writes a type the file does not import.
          const type = checker.getTypeFromTypeNode(node);
          target = type.aliasSymbol ?? type.getSymbol();
        }
        if (
          target &&
          target.flags & NAMED_TYPE &&
          !(target.flags & ts.SymbolFlags.TypeParameter) &&
          (target.declarations ?? []).some(inPackage)
        ) {
          const path = `${via} → ${target.name}`;
          if (!exported.has(target) && !seen.has(target) && !reported.has(target)) {
            reported.add(target);
            missing.push({ type: target.name, via: path });
          }
          queue.push({ symbol: target, via: path });
        }
        ts.forEachChild(node, visit);
      };
      visit(declaration);
    }
  }
  return missing;
}
