/**
 * Comparing the engine's answer to one graph endpoint with the API's, target by target.
 *
 * - Targets are matched by type and id.
 * - Paths are compared as sets of hop sequences: each hop is the object reached (type and id) and the
 *   edge's attributes. `from` and the reached object's own `attributes` are not compared (the engine
 *   always sends null there; the API's content there is not part of the binding).
 * - compiledAttributes are compared on their own, since the merge rule is partly inferred.
 *
 * Rules chosen where the spec is silent (docs/rules.md#verifys-comparison): an attribute object that is absent, null or `{}` means "none",
 * so those three are equal; attribute values are compared canonically (key order ignored) and arrays in
 * them as multisets (the order of, say, `ldapGroups` gathered from several groups is not part of any
 * documented rule).
 */
import { isJsonObject, canonicalJson, type GraphObjectWithPaths, type JsonObject, type JsonValue, type ObjectRef } from '../model/index.ts';

/** One hop of a path as compared: the object reached and the attributes of the edge crossed. */
export interface HopView {
  readonly type: string;
  readonly id: string;
  readonly attributes: JsonObject | null;
}

export type PathView = readonly HopView[];

/**
 * A difference in targets or paths. Named from the engine's side:
 * - `missing-target`: the API returns the target, the engine does not (`apiPaths` are the API's);
 * - `extra-target`: the engine returns the target, the API does not (`enginePaths` are the engine's);
 * - `paths`: both return the target; `missingPaths` are the API's paths the engine lacks, `extraPaths`
 *   the engine's paths the API lacks.
 */
export type PathDifference =
  | { readonly kind: 'missing-target'; readonly source: ObjectRef; readonly target: ObjectRef; readonly apiPaths: PathView[] }
  | { readonly kind: 'extra-target'; readonly source: ObjectRef; readonly target: ObjectRef; readonly enginePaths: PathView[] }
  | {
      readonly kind: 'paths';
      readonly source: ObjectRef;
      readonly target: ObjectRef;
      readonly missingPaths: PathView[];
      readonly extraPaths: PathView[];
    };

/** compiledAttributes of a target both sides return, when they differ (null: none). */
export interface AttributeDifference {
  readonly source: ObjectRef;
  readonly target: ObjectRef;
  readonly engine: JsonObject | null;
  readonly api: JsonObject | null;
}

export interface AnswerComparison {
  readonly pathDifferences: PathDifference[];
  readonly attributeDifferences: AttributeDifference[];
  /** Targets returned by either side. */
  readonly targets: number;
  /** Distinct paths returned by either side. */
  readonly paths: number;
  /** Targets both sides return where at least one side has compiledAttributes. */
  readonly compiledCompared: number;
}

/** Keys sorted recursively and arrays sorted by their elements' canonical JSON. */
function normalizeValue(value: unknown): JsonValue {
  if (Array.isArray(value)) {
    return value
      .map(normalizeValue)
      .map((v) => [canonicalJson(v), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, v]) => v);
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) out[key] = normalizeValue(value[key]);
    }
    return out;
  }
  return (value ?? null) as JsonValue;
}

/** An attributes field as compared: null for absent, null, `{}` or a non-object; else normalized. */
export function normalizeAttributes(value: unknown): JsonObject | null {
  if (!isJsonObject(value) || Object.keys(value).every((k) => value[k] === undefined)) return null;
  return normalizeValue(value) as JsonObject;
}

/** A wire field as text: a string as it is, absent or null as '', anything else as its JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function hopOf(hop: unknown): HopView {
  const h = isJsonObject(hop) ? hop : {};
  const to = isJsonObject(h['to']) ? h['to'] : {};
  return { type: text(to['type']), id: text(to['id']), attributes: normalizeAttributes(h['attributes']) };
}

/** Every distinct path of a target, keyed by its canonical JSON. */
function pathsOf(target: GraphObjectWithPaths): Map<string, PathView> {
  const out = new Map<string, PathView>();
  for (const path of Array.isArray(target.paths) ? target.paths : []) {
    const hops = (Array.isArray(path) ? path : []).map(hopOf);
    out.set(canonicalJson(hops), hops);
  }
  return out;
}

function byTarget(answer: readonly GraphObjectWithPaths[]): Map<string, GraphObjectWithPaths> {
  return new Map(answer.map((t) => [`${t.type}:${t.id}`, t]));
}

function only(a: ReadonlyMap<string, PathView>, b: ReadonlyMap<string, PathView>): PathView[] {
  return [...a].filter(([key]) => !b.has(key)).map(([, p]) => p);
}

/** Compares the engine's and the API's answers to one endpoint for one source. */
export function compareAnswers(
  source: ObjectRef,
  engine: readonly GraphObjectWithPaths[],
  api: readonly GraphObjectWithPaths[],
): AnswerComparison {
  const engineTargets = byTarget(engine);
  const apiTargets = byTarget(api);
  const keys = [...new Set([...engineTargets.keys(), ...apiTargets.keys()])].sort();
  const pathDifferences: PathDifference[] = [];
  const attributeDifferences: AttributeDifference[] = [];
  let paths = 0;
  let compiledCompared = 0;
  for (const key of keys) {
    const e = engineTargets.get(key);
    const a = apiTargets.get(key);
    const any = (e ?? a)!;
    const target: ObjectRef = { type: any.type, id: any.id };
    const enginePaths = e ? pathsOf(e) : new Map<string, PathView>();
    const apiPaths = a ? pathsOf(a) : new Map<string, PathView>();
    paths += new Set([...enginePaths.keys(), ...apiPaths.keys()]).size;
    if (!e) {
      pathDifferences.push({ kind: 'missing-target', source, target, apiPaths: [...apiPaths.values()] });
      continue;
    }
    if (!a) {
      pathDifferences.push({ kind: 'extra-target', source, target, enginePaths: [...enginePaths.values()] });
      continue;
    }
    const missingPaths = only(apiPaths, enginePaths);
    const extraPaths = only(enginePaths, apiPaths);
    if (missingPaths.length > 0 || extraPaths.length > 0) pathDifferences.push({ kind: 'paths', source, target, missingPaths, extraPaths });
    const engineCompiled = normalizeAttributes(e.compiledAttributes);
    const apiCompiled = normalizeAttributes(a.compiledAttributes);
    if (engineCompiled !== null || apiCompiled !== null) compiledCompared += 1;
    if (canonicalJson(engineCompiled) !== canonicalJson(apiCompiled)) {
      attributeDifferences.push({ source, target, engine: engineCompiled, api: apiCompiled });
    }
  }
  return { pathDifferences, attributeDifferences, targets: keys.length, paths, compiledCompared };
}
