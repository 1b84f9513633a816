/**
 * The one streaming JSON writer: JSON text produced in pieces, byte for byte what `JSON.stringify(value,
 * null, indent)` writes, but never built as one string. V8 caps a string near 512 MiB, and a 100,000-user
 * tenant's findings, drift, access review or graph export are larger than that; building them whole also
 * doubles the memory they take. Arrays and plain objects are walked down to `leafDepth` levels; below
 * that each value is stringified on its own (one binding with its paths, one finding, one node).
 *
 * Two markers let a caller hand over what it does not hold: `streamedArray(items)` is written item by
 * item as the iterable yields them, and `deferred(() => value)` is computed only when the writer reaches
 * it (a summary known once the items before it are out). The answer documents (src/documents), the
 * access review's JSON and the JSON graph export (src/report) are all written here.
 */
import { InputError } from '../errors.ts';

/** Where the text goes: a CLI stream (CliIo.stdout), an HTTP response, a collecting buffer. */
export interface TextSink {
  write(chunk: string): unknown;
}

/** How the text is laid out. */
export interface JsonTextStyle {
  /**
   * Spaces per level, as JSON.stringify's third argument.
   * @default 2
   */
  readonly indent?: number;
  /**
   * Depth from which each value is written whole (its own JSON.stringify) rather than walked.
   * @default 4
   */
  readonly leafDepth?: number;
  /**
   * Write those whole values on one line (`JSON.stringify(value)`): one item per line, the layout of a
   * large report. The text is then no longer JSON.stringify's, but the same JSON.
   * @default false
   */
  readonly compactLeaves?: boolean;
}

const CHUNK_CHARS = 1 << 20;

const STREAMED = Symbol('streamed array');
const DEFERRED = Symbol('deferred value');

interface StreamedArray {
  readonly [STREAMED]: Iterable<unknown>;
}

interface Deferred {
  readonly [DEFERRED]: () => unknown;
}

/** An array written item by item as `items` yields them, never held whole. */
export function streamedArray(items: Iterable<unknown>): unknown {
  const marker: StreamedArray = { [STREAMED]: items };
  return marker;
}

/** A value computed when the writer reaches it: after everything written before it. */
export function deferred(value: () => unknown): unknown {
  const marker: Deferred = { [DEFERRED]: value };
  return marker;
}

type Walkable = readonly unknown[] | Readonly<Record<string, unknown>>;

/** Arrays and plain objects without toJSON: the values whose JSON this module can write piece by piece. */
function isWalkable(value: unknown): value is Walkable {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

interface Layout {
  readonly unit: string;
  readonly leafDepth: number;
  readonly compact: boolean;
}

function layoutOf(style: JsonTextStyle): Layout {
  return { unit: ' '.repeat(style.indent ?? 2), leafDepth: style.leafDepth ?? 4, compact: style.compactLeaves === true };
}

/** Line break and indentation before a value at `depth` (nothing when the layout has no indentation). */
function lineAt(layout: Layout, depth: number): string {
  return layout.unit === '' ? '' : `\n${layout.unit.repeat(depth)}`;
}

/** The JSON of a value stringified whole, `depth` levels deep (its inner lines indented to match). */
function leaf(layout: Layout, value: unknown, depth: number): string | undefined {
  // JSON.stringify gives undefined for a value JSON leaves out (undefined, a function), whatever its declared type.
  if (layout.compact) return JSON.stringify(value);
  const json = JSON.stringify(value, null, layout.unit) as string | undefined;
  return json === undefined || depth === 0 || layout.unit === '' ? json : json.replace(/\n/g, lineAt(layout, depth));
}

/** A marker's real value: the deferred one computed, a streamed array as its iterable. */
function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && DEFERRED in value) return (value as Deferred)[DEFERRED]();
  return value;
}

function streamedItems(value: unknown): Iterable<unknown> | undefined {
  return typeof value === 'object' && value !== null && STREAMED in value ? (value as StreamedArray)[STREAMED] : undefined;
}

/**
 * The JSON of `value` at `depth` (its first line not indented: the caller has placed it). Returns false,
 * yielding nothing, when JSON.stringify would leave the value out (undefined, a function).
 */
function* valueText(layout: Layout, raw: unknown, depth: number): Generator<string, boolean> {
  const value = unwrap(raw);
  const items = streamedItems(value);
  if (items !== undefined) return yield* arrayText(layout, items, depth);
  if (Array.isArray(value) && isWalkable(value) && depth < layout.leafDepth)
    return yield* arrayText(layout, value as readonly unknown[], depth);
  if (depth >= layout.leafDepth || !isWalkable(value)) {
    const json = leaf(layout, value, depth);
    if (json === undefined) return false;
    yield json;
    return true;
  }
  // What is left is the plain object.
  const written = yield* fieldsText(layout, value as Readonly<Record<string, unknown>>, depth, 0);
  yield written === 0 ? '{}' : `${lineAt(layout, depth)}}`;
  return true;
}

/** An array, item by item (a streamed one is walked at any depth: it cannot be stringified whole). */
function* arrayText(layout: Layout, items: Iterable<unknown>, depth: number): Generator<string, boolean> {
  const inner = lineAt(layout, depth + 1);
  let count = 0;
  for (const item of items) {
    yield count === 0 ? `[${inner}` : `,${inner}`;
    // An array keeps its place for a value JSON leaves out: it writes null there.
    if (!(yield* valueText(layout, item, depth + 1))) yield 'null';
    count += 1;
  }
  yield count === 0 ? '[]' : `${lineAt(layout, depth)}]`;
  return true;
}

/**
 * The fields of an object at `depth` (each on its own line, `{` before the first of the object when
 * `before` is 0, a comma before any other), leaving out those JSON.stringify leaves out. Returns the
 * fields written so far in the object, `before` included.
 */
function* fieldsText(layout: Layout, record: Readonly<Record<string, unknown>>, depth: number, before: number): Generator<string, number> {
  const inner = lineAt(layout, depth + 1);
  const colon = layout.unit === '' ? ':' : ': ';
  let written = before;
  for (const [key, raw] of Object.entries(record)) {
    const item = unwrap(raw);
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${written === 0 ? '{' : ','}${inner}${JSON.stringify(key)}${colon}`;
    yield* valueText(layout, item, depth + 1);
    written += 1;
  }
  return written;
}

/** The JSON text of `value` and a newline, in pieces (markers written as they say). */
export function* jsonTextChunks(value: unknown, style: JsonTextStyle = {}): Generator<string> {
  if (!(yield* valueText(layoutOf(style), value, 0))) throw new InputError('jsonTextChunks: the value has no JSON form');
  yield '\n';
}

/** Text pieces gathered into chunks of about CHUNK_CHARS before they reach the sink. */
class ChunkedWriter {
  private buffer: string[] = [];
  private size = 0;

  constructor(private readonly sink: TextSink) {}

  push(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  /** Pushes every piece of a generator and returns what the generator returns. */
  drain<T>(pieces: Generator<string, T>): T {
    let next = pieces.next();
    while (next.done !== true) {
      this.push(next.value);
      next = pieces.next();
    }
    return next.value;
  }

  flush(): void {
    if (this.size === 0 && this.buffer.length === 0) return;
    this.sink.write(this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
}

/** Writes `JSON.stringify(value, null, 2)` and a newline to `sink`, in pieces. */
export function writeJsonDocument(sink: TextSink, value: unknown): void {
  const out = new ChunkedWriter(sink);
  out.drain(jsonTextChunks(value));
  out.flush();
}

/**
 * Writes `{...head, [key]: [items…], ...tail}` as writeJsonDocument would, each item written as
 * `produce` emits it, so an answer too large to hold is never held whole. `produce` returns the fields
 * that follow the array (totals known only once every item is out).
 */
export function writeJsonWithStreamedArray(
  sink: TextSink,
  head: Readonly<Record<string, unknown>>,
  key: string,
  produce: (emit: (item: unknown) => void) => Readonly<Record<string, unknown>>,
): void {
  const layout = layoutOf({});
  const out = new ChunkedWriter(sink);
  // The head's fields, then the array as one more field, written here item by item, then the tail's.
  const before = out.drain(fieldsText(layout, head, 0, 0));
  out.push(`${before === 0 ? '{' : ','}\n  ${JSON.stringify(key)}: [`);
  let items = 0;
  const tail = produce((item) => {
    out.push(items === 0 ? '\n    ' : ',\n    ');
    if (!out.drain(valueText(layout, item, 2))) out.push('null');
    items += 1;
  });
  out.push(items === 0 ? ']' : '\n  ]');
  out.drain(fieldsText(layout, tail, 0, before + 1));
  out.push('\n}\n');
  out.flush();
}
