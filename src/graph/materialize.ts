/**
 * From integer bindings to the live API's shapes: GraphObjectWithPaths with hops
 * `{to: {id, type, attributes: null}, attributes}`, compiledAttributes, and command fields.
 */
import {
  COMMAND_TRAVERSAL_FIELDS,
  DEFAULT_COMPILE_RULE,
  type CompileRule,
  type GraphConnection,
  type GraphObjectWithPaths,
  type JsonObject,
  type Step,
} from '../model/index.ts';
import type { AccessGraph } from './access-graph.ts';
import { AttributeCompiler, defaultCompile, type CompileFn, type CompileHop } from './compile.ts';
import { ASSOCIATION_EDGE, type TraversalIndex } from './traversal-index.ts';
import type { SourceBindings } from './enumerate.ts';

export interface MaterializeOptions {
  readonly compile?: CompileFn | undefined;
  readonly withCommandFields?: boolean;
}

/** The hops of path p. */
export function pathHops(b: SourceBindings, p: number): GraphConnection[] {
  const ix = b.index;
  const hops: GraphConnection[] = [];
  for (let h = b.hopStart[p]!, end = b.hopStart[p + 1]!; h < end; h++) {
    const n = b.hopNodes[h]!;
    hops.push({ to: { id: ix.idOf(n), type: ix.typeOf(n), attributes: null }, attributes: ix.attributesOf(b.hopEdges[h]!) });
  }
  return hops;
}

/**
 * A compile rule applied straight to binding i's integer paths (no context objects): the inventory's
 * fast path for the default rule, and the review's sudo column.
 */
export function compileFromIndex(rule: CompileRule, b: SourceBindings, i: number): JsonObject | undefined {
  const ix = b.index;
  const target = b.targets[i]!;
  const c = new AttributeCompiler(rule, ix.typeOf(b.source), ix.typeOf(target));
  const userGroup = ix.knownTypeCode('user_group');
  const associations = c.wantsAssociations;
  if (ix.nodeType[b.source] === userGroup) c.addUserGroup(ix.idOf(b.source), ix.recordOf(b.source));
  for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) {
    for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; h < he; h++) {
      const n = b.hopNodes[h]!;
      if (ix.nodeType[n] === userGroup) c.addUserGroup(ix.idOf(n), ix.recordOf(n));
      const e = b.hopEdges[h]!;
      if (associations && ix.edgeKind[e] === ASSOCIATION_EDGE) {
        const attributes = ix.attributesOf(e);
        if (attributes !== null) c.addAssociation(ix.typeOf(ix.edgeFrom[e]!), ix.typeOf(ix.edgeTo[e]!), attributes);
      }
    }
  }
  return c.result();
}

function stepOf(ix: TraversalIndex, edge: number, from: number): Step {
  if (ix.edgeKind[edge] === ASSOCIATION_EDGE) return 'association';
  return ix.edgeFrom[edge] === from ? 'down' : 'up';
}

/** The CompileContext of binding i, for a caller's compile function. */
function compileWithContext(g: AccessGraph, b: SourceBindings, i: number, compile: CompileFn): ReturnType<CompileFn> {
  const ix = b.index;
  const nodeOf = (n: number) => g.object(ix.idOf(n));
  const source = nodeOf(b.source);
  const paths: CompileHop[][] = [];
  for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) {
    const hops: CompileHop[] = [];
    let prev = b.source;
    for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; h < he; h++) {
      const n = b.hopNodes[h]!;
      const e = b.hopEdges[h]!;
      const step = stepOf(ix, e, prev);
      hops.push({
        node: nodeOf(n),
        from: nodeOf(prev),
        kind: step === 'association' ? 'association' : 'membership',
        step,
        attributes: ix.attributesOf(e),
      });
      prev = n;
    }
    paths.push(hops);
  }
  return compile({ source, target: nodeOf(b.targets[i]!), paths });
}

/** Binding i of b in the API's GraphObjectWithPaths shape. */
export function bindingAnswer(g: AccessGraph, b: SourceBindings, i: number, options: MaterializeOptions = {}): GraphObjectWithPaths {
  const ix = b.index;
  const target = b.targets[i]!;
  const paths: GraphConnection[][] = [];
  for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) paths.push(pathHops(b, p));
  const compile = options.compile;
  const compiled =
    compile === undefined || compile === defaultCompile
      ? compileFromIndex(DEFAULT_COMPILE_RULE, b, i)
      : compileWithContext(g, b, i, compile);
  const out: GraphObjectWithPaths = { id: ix.idOf(target), type: ix.typeOf(target), paths };
  if (compiled !== undefined && compiled !== null) out.compiledAttributes = compiled;
  if (options.withCommandFields) {
    const record = ix.recordOf(target);
    for (const field of COMMAND_TRAVERSAL_FIELDS) if (record[field] !== undefined) out[field] = record[field];
  }
  return out;
}

/** Every binding of b in API shape, in answer order. */
export function bindingsAnswer(g: AccessGraph, b: SourceBindings, options: MaterializeOptions = {}): GraphObjectWithPaths[] {
  const out: GraphObjectWithPaths[] = new Array<GraphObjectWithPaths>(b.size);
  for (let i = 0; i < b.size; i++) out[i] = bindingAnswer(g, b, i, options);
  return out;
}
