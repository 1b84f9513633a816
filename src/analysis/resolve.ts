/**
 * Naming objects the way people do: by id, or as `type:name` (`user:jdoe`, `system:web-01`,
 * `user_group:"All Staff"`; double quotes allow any character, `\"` and `\\` escape inside them).
 * A name matches an object's display name or any of its type's name fields (a user's username or email,
 * a system's displayName or hostname); an exact match wins over a case-insensitive one. `type:id` also
 * works. A bare reference that is not an id is tried as a name across every type.
 *
 * Edges are written `A>B` for a membership (group A contains member B) and `A~B` for an association,
 * each end a reference as above: `user_group:Engineering>user:jdoe`, `user_group:Engineering~system:web-01`.
 *
 * Unknown and ambiguous references throw UnknownObjectError with candidates: every match when ambiguous,
 * near matches by name (same type first) when unknown.
 */
import { UnknownObjectError, InputError } from '../errors.ts';
import { isGraphType, namesOf, TYPE_INFO, type EdgeKind, type JsonObject } from '../model/index.ts';
import { edgeProblem, makeEdge, type EdgeRef } from './edges.ts';

export interface NamedObject {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly record: JsonObject;
}

/** What resolution needs of a graph (AccessGraph has it). */
export interface ObjectDirectory {
  hasObject(id: string): boolean;
  object(id: string): NamedObject;
  objects(type?: string): Iterable<NamedObject>;
  /**
   * Optional: objects (of `type` when given) among which are all those one of whose names equals
   * `name` ignoring case. Resolution then reads these instead of every object of the type (an
   * AccessGraph answers from its name table).
   */
  objectsNamed?(name: string, type?: string): Iterable<NamedObject>;
}

export interface ParsedReference {
  /** Set for `type:name`. */
  readonly type?: string;
  readonly name: string;
}

/** Reads a quoted or bare token from `text` at `start`, stopping (outside quotes) at any of `stops`. */
function readToken(text: string, start: number, stops: string): { value: string; end: number; quoted: boolean } {
  if (text[start] === '"') {
    let value = '';
    for (let i = start + 1; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '\\' && i + 1 < text.length) {
        value += text.charAt(++i);
      } else if (c === '"') {
        return { value, end: i + 1, quoted: true };
      } else {
        value += c;
      }
    }
    throw new InputError(`The reference ${text} has an unclosed double quote.`);
  }
  let i = start;
  while (i < text.length && !stops.includes(text[i] as string)) i++;
  return { value: text.slice(start, i), end: i, quoted: false };
}

/** Splits one reference into its optional type and its name (or id); reads only up to a stop character. */
function parseReferenceAt(text: string, start: number, stops: string): { ref: ParsedReference; end: number } {
  const first = readToken(text, start, ':' + stops);
  if (!first.quoted && text[first.end] === ':' && isGraphType(first.value)) {
    const second = readToken(text, first.end + 1, stops);
    return { ref: { type: first.value, name: second.value }, end: second.end };
  }
  if (!first.quoted && text[first.end] === ':') {
    const types = Object.keys(TYPE_INFO).join(', ');
    throw new InputError(`"${first.value}" in the reference ${text} is not an object type; types are: ${types}.`);
  }
  return { ref: { name: first.value }, end: first.end };
}

export function parseReference(text: string): ParsedReference {
  const { ref, end } = parseReferenceAt(text.trim(), 0, '');
  if (end !== text.trim().length || ref.name.length === 0) throw new InputError(`The reference "${text}" is not an id or type:name.`);
  return ref;
}

/** An object as `type:name`, the name quoted as JSON when it holds a space or a character references use. */
export function formatReference(o: { type: string; name: string }): string {
  return /^[^\s"\\:>~]+$/.test(o.name) ? `${o.type}:${o.name}` : `${o.type}:${JSON.stringify(o.name)}`;
}

/**
 * Every name an object answers to: the name jcgraph shows, its type's name fields (a user's username and
 * email, …) and its display name.
 */
export function objectNames(o: NamedObject): string[] {
  return namesOf(o.type, o.record, o.name);
}

function describe(o: NamedObject): string {
  return `${formatReference(o)} (${o.id})`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

function nearMatches(directory: ObjectDirectory, ref: ParsedReference, limit = 5): string[] {
  const wanted = ref.name.toLowerCase();
  const scored: { score: number; label: string }[] = [];
  for (const o of directory.objects()) {
    let best = Infinity;
    for (const n of objectNames(o)) {
      const name = n.toLowerCase();
      const distance = name.includes(wanted) || wanted.includes(name) ? 0.5 : editDistance(name, wanted);
      best = Math.min(best, distance);
    }
    if (best <= Math.max(2, Math.floor(wanted.length / 3)))
      scored.push({ score: best + (ref.type && o.type !== ref.type ? 10 : 0), label: describe(o) });
  }
  return scored
    .sort((x, y) => x.score - y.score || (x.label < y.label ? -1 : 1))
    .slice(0, limit)
    .map((s) => s.label);
}

/** The object a reference names; UnknownObjectError when none or several match. */
export function resolveObject(directory: ObjectDirectory, reference: string): NamedObject {
  const ref = parseReference(reference);
  return resolveParsed(directory, ref, reference);
}

function resolveParsed(directory: ObjectDirectory, ref: ParsedReference, reference: string): NamedObject {
  if (directory.hasObject(ref.name)) {
    const o = directory.object(ref.name);
    if (!ref.type || o.type === ref.type) return o;
  }
  const candidates = [...(directory.objectsNamed ? directory.objectsNamed(ref.name, ref.type) : directory.objects(ref.type))];
  let matches = candidates.filter((o) => objectNames(o).includes(ref.name));
  if (matches.length === 0) {
    const lower = ref.name.toLowerCase();
    matches = candidates.filter((o) => objectNames(o).some((n) => n.toLowerCase() === lower));
  }
  if (matches.length === 1) return matches[0] as NamedObject;
  const what = ref.type ? `${ref.type} named "${ref.name}"` : `object with id or name "${ref.name}"`;
  if (matches.length > 1) {
    const labels = matches.map(describe).sort();
    throw new UnknownObjectError(`The ${what} is ambiguous: ${labels.length} objects match (${labels.join(', ')}); name one by id.`, {
      reference,
      candidates: labels,
    });
  }
  const near = nearMatches(directory, ref);
  const hint = near.length > 0 ? `; did you mean ${near.join(', ')}?` : '.';
  throw new UnknownObjectError(`No ${what} is in the graph${hint}`, { reference, candidates: near });
}

export interface ParsedEdgeSpec {
  readonly kind: EdgeKind;
  readonly from: ParsedReference;
  readonly to: ParsedReference;
}

/** Parses `A>B` (membership, A the group) or `A~B` (association). */
export function parseEdgeSpec(text: string): ParsedEdgeSpec {
  const spec = text.trim();
  const left = parseReferenceAt(spec, 0, '>~');
  const separator = spec[left.end];
  if (separator !== '>' && separator !== '~') {
    throw new InputError(`The edge "${text}" needs a separator: GROUP>MEMBER for a membership or A~B for an association.`);
  }
  const right = parseReferenceAt(spec, left.end + 1, '>~');
  if (right.end !== spec.length || left.ref.name.length === 0 || right.ref.name.length === 0) {
    throw new InputError(`The edge "${text}" is not of the form GROUP>MEMBER or A~B.`);
  }
  return { kind: separator === '>' ? 'membership' : 'association', from: left.ref, to: right.ref };
}

/** The edge an edge spec names (whether or not the graph holds it); InputError when the types cannot be so joined. */
export function resolveEdgeSpec(directory: ObjectDirectory, text: string): EdgeRef {
  const spec = parseEdgeSpec(text);
  const from = resolveParsed(directory, spec.from, text);
  const to = resolveParsed(directory, spec.to, text);
  const problem = edgeProblem(spec.kind, from, to);
  if (problem !== undefined) throw new InputError(`The edge "${text}" is impossible: ${problem}.`);
  return makeEdge(spec.kind, from, to);
}

/** `user_group:Engineering>user:jdoe` or `user_group:Engineering~system:web-01`, with names from the directory. */
export function formatEdgeSpec(directory: ObjectDirectory, edge: EdgeRef): string {
  const name = (o: { type: string; id: string }): string =>
    directory.hasObject(o.id) ? formatReference({ type: o.type, name: directory.object(o.id).name }) : `${o.type}:${o.id}`;
  return `${name(edge.from)}${edge.kind === 'membership' ? '>' : '~'}${name(edge.to)}`;
}
