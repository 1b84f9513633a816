/**
 * JSON documents written in pieces: byte for byte what `JSON.stringify(value, null, 2)` writes, but
 * never built as one string. V8 caps a string near 512 MiB, and a 100,000-user tenant's findings or
 * drift as JSON are larger than that; building them whole also doubles the memory they take. Arrays and
 * plain objects are walked down to LEAF_DEPTH levels; below that each value is stringified on its own
 * (one binding with its paths, one finding), and the pieces are written in chunks of about CHUNK_CHARS.
 */
import { InputError } from '../errors.ts';

/** Where the text goes: a CLI stream (CliIo.stdout), an HTTP response, a collecting buffer. */
export interface TextSink {
  write(chunk: string): unknown;
}

const LEAF_DEPTH = 4;
const CHUNK_CHARS = 1 << 20;

type Walkable = readonly unknown[] | Readonly<Record<string, unknown>>;

/** Arrays and plain objects without toJSON: the values whose JSON this module can write piece by piece. */
function isWalkable(value: unknown): value is Walkable {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The JSON of a value stringified whole, `depth` levels deep (its inner lines indented to match). */
function leaf(value: unknown, depth: number): string | undefined {
  const json = JSON.stringify(value, null, 2) as string | undefined;
  return json === undefined || depth === 0 ? json : json.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

class ChunkedWriter {
  private buffer: string[] = [];
  private size = 0;

  constructor(private readonly sink: TextSink) {}

  push(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.size === 0 && this.buffer.length === 0) return;
    this.sink.write(this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
}

/**
 * Writes the JSON of `value` at `depth` (its first line not indented: the caller has placed it).
 * Returns false, writing nothing, when JSON.stringify would leave the value out (undefined, a function).
 */
function writeValue(out: ChunkedWriter, value: unknown, depth: number): boolean {
  if (depth >= LEAF_DEPTH || !isWalkable(value)) {
    const json = leaf(value, depth);
    if (json === undefined) return false;
    out.push(json);
    return true;
  }
  const inner = `\n${'  '.repeat(depth + 1)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return true;
    }
    out.push('[');
    value.forEach((item, i) => {
      out.push(i === 0 ? inner : `,${inner}`);
      // An array keeps its place for a value JSON leaves out: it writes null there.
      if (!writeValue(out, item, depth + 1)) out.push('null');
    });
    out.push(`\n${'  '.repeat(depth)}]`);
    return true;
  }
  // Array.isArray does not narrow a readonly array out of the union: what is left is the plain object.
  const written = writeFields(out, value as Readonly<Record<string, unknown>>, depth, 0);
  out.push(written === 0 ? '{}' : `\n${'  '.repeat(depth)}}`);
  return true;
}

/**
 * Writes the fields of an object at `depth` (each on its own line, `{` before the first of the object
 * when `before` is 0, a comma before any other), leaving out those JSON.stringify leaves out. Returns
 * the fields written so far in the object, `before` included.
 */
function writeFields(out: ChunkedWriter, record: Readonly<Record<string, unknown>>, depth: number, before: number): number {
  const inner = `\n${'  '.repeat(depth + 1)}`;
  let written = before;
  for (const [key, item] of Object.entries(record)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out.push(`${written === 0 ? '{' : ','}${inner}${JSON.stringify(key)}: `);
    writeValue(out, item, depth + 1);
    written += 1;
  }
  return written;
}

/** Writes `JSON.stringify(value, null, 2)` and a newline to `sink`, in pieces. */
export function writeJsonDocument(sink: TextSink, value: unknown): void {
  const out = new ChunkedWriter(sink);
  if (!writeValue(out, value, 0)) throw new InputError('writeJsonDocument: the value has no JSON form');
  out.push('\n');
  out.flush();
}

/**
 * Writes `{...head, [key]: [items…], ...tail}` as writeJsonDocument would, each item written as
 * `produce` emits it, so an answer too large to hold is never held whole. `produce`
 * returns the fields that follow the array (totals known only once every item is out).
 */
export function writeJsonWithStreamedArray(
  sink: TextSink,
  head: Readonly<Record<string, unknown>>,
  key: string,
  produce: (emit: (item: unknown) => void) => Readonly<Record<string, unknown>>,
): void {
  const out = new ChunkedWriter(sink);
  // The head's fields, then the array as one more field, written here item by item, then the tail's.
  const before = writeFields(out, head, 0, 0);
  out.push(`${before === 0 ? '{' : ','}\n  ${JSON.stringify(key)}: [`);
  let items = 0;
  const tail = produce((item) => {
    out.push(items === 0 ? '\n    ' : ',\n    ');
    if (!writeValue(out, item, 2)) out.push('null');
    items += 1;
  });
  out.push(items === 0 ? ']' : '\n  ]');
  writeFields(out, tail, 0, before + 1);
  out.push('\n}\n');
  out.flush();
}
