/**
 * Where things sit in a snapshot's bytes: the span of `meta`, of every object's `record` and of every
 * edge's `attributes`, in document order, so that the index can point into the snapshot and a record be
 * read (and parsed) alone. The document has already been parsed whole (and checked) once; this scanner
 * only skips values, and follows JSON.parse where a key repeats (the last one counts), so the text of a
 * span parses to exactly the value JSON.parse gave.
 */

export interface SnapshotSpans {
  /** [start, end) of meta's value. */
  readonly meta: readonly [number, number];
  /** Per object, [start, end) of its record: starts at 2i, ends at 2i + 1. */
  readonly records: Float64Array;
  /** Per edge, [start, end) of its attributes (the text `null` included). */
  readonly attributes: Float64Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

class Scanner {
  constructor(private readonly bytes: Uint8Array) {}

  ws(pos: number): number {
    const b = this.bytes;
    while (pos < b.length && isSpace(b[pos]!)) pos++;
    return pos;
  }

  /** The end (one past the closing quote) of the string starting at pos. */
  string(pos: number): number {
    const b = this.bytes;
    let from = pos + 1;
    for (;;) {
      const q = b.indexOf(QUOTE, from);
      if (q < 0) throw new Error('unterminated string');
      let backslashes = 0;
      for (let k = q - 1; k > pos && b[k] === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
      from = q + 1;
    }
  }

  /** The end of the value starting at pos (no leading whitespace). */
  skipValue(pos: number): number {
    const b = this.bytes;
    const c = b[pos];
    if (c === QUOTE) return this.string(pos);
    if (c === OPEN_OBJECT) return this.object(pos, () => undefined);
    if (c === OPEN_ARRAY) return this.array(pos, () => undefined);
    while (pos < b.length) {
      const x = b[pos]!;
      if (x === COMMA || x === CLOSE_OBJECT || x === CLOSE_ARRAY || isSpace(x)) break;
      pos++;
    }
    return pos;
  }

  /** The key of the string at [start, end), decoded (JSON escapes included). */
  key(start: number, end: number): string {
    const slice = this.bytes.subarray(start, end);
    return slice.includes(BACKSLASH)
      ? (JSON.parse(Buffer.from(slice).toString('utf8')) as string)
      : Buffer.from(slice.buffer, slice.byteOffset + 1, slice.length - 2).toString('utf8');
  }

  /**
   * Walks the object at pos; `member` gets each key and where its value starts, and returns where the
   * value ends when it read it (undefined: skip it). Returns the end of the object.
   */
  object(pos: number, member: (key: string, value: number) => number | undefined): number {
    const b = this.bytes;
    pos = this.ws(pos + 1);
    if (b[pos] === CLOSE_OBJECT) return pos + 1;
    for (;;) {
      const keyEnd = this.string(pos);
      const key = this.key(pos, keyEnd);
      pos = this.ws(keyEnd);
      if (b[pos] !== COLON) throw new Error(`expected ':' at byte ${pos}`);
      const value = this.ws(pos + 1);
      pos = this.ws(member(key, value) ?? this.skipValue(value));
      if (b[pos] === COMMA) pos = this.ws(pos + 1);
      else if (b[pos] === CLOSE_OBJECT) return pos + 1;
      else throw new Error(`expected ',' or '}' at byte ${pos}`);
    }
  }

  /** Walks the array at pos, like object(); `element` gets each element's start and index. */
  array(pos: number, element: (value: number, index: number) => number | undefined): number {
    const b = this.bytes;
    pos = this.ws(pos + 1);
    if (b[pos] === CLOSE_ARRAY) return pos + 1;
    for (let i = 0; ; i++) {
      pos = this.ws(element(pos, i) ?? this.skipValue(pos));
      if (b[pos] === COMMA) pos = this.ws(pos + 1);
      else if (b[pos] === CLOSE_ARRAY) return pos + 1;
      else throw new Error(`expected ',' or ']' at byte ${pos}`);
    }
  }
}

/** A growable list of [start, end) pairs. */
class Spans {
  private data = new Float64Array(1024);
  length = 0;

  set(i: number, start: number, end: number): void {
    if (2 * i + 2 > this.data.length) {
      const next = new Float64Array(Math.max(2 * i + 2, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[2 * i] = start;
    this.data[2 * i + 1] = end;
    this.length = Math.max(this.length, i + 1);
  }

  result(): Float64Array {
    return this.data.slice(0, 2 * this.length);
  }
}

/**
 * The spans of a snapshot document (bytes of a JSON text that JSON.parse accepted and that has the
 * snapshot's shape). Throws when the bytes are not such a document.
 */
export function scanSnapshot(bytes: Uint8Array): SnapshotSpans {
  const s = new Scanner(bytes);
  let meta: [number, number] | undefined;
  let records = new Spans();
  let attributes = new Spans();
  /** The member `field` of each element of the array at pos (an element's last such member counts). */
  const field = (pos: number, name: string, into: Spans): number =>
    s.array(pos, (element, i) => {
      into.set(i, -1, -1);
      return bytes[element] === OPEN_OBJECT
        ? s.object(element, (key, value) => {
            if (key !== name) return undefined;
            const end = s.skipValue(value);
            into.set(i, value, end);
            return end;
          })
        : undefined;
    });
  // A byte-order mark (an editor's) is not part of the JSON: offsets stay those of the file.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const start = s.ws(bom);
  if (bytes[start] !== OPEN_OBJECT) throw new Error('a snapshot is a JSON object');
  s.object(start, (key, value) => {
    if (key === 'meta') {
      const end = s.skipValue(value);
      meta = [value, end];
      return end;
    }
    if (key !== 'tenant' || bytes[value] !== OPEN_OBJECT) return undefined;
    return s.object(value, (tenantKey, tenantValue) => {
      if (bytes[tenantValue] !== OPEN_ARRAY) return undefined;
      if (tenantKey === 'objects') return field(tenantValue, 'record', (records = new Spans()));
      if (tenantKey === 'edges') return field(tenantValue, 'attributes', (attributes = new Spans()));
      return undefined;
    });
  });
  if (!meta) throw new Error('the snapshot has no meta');
  return { meta, records: records.result(), attributes: attributes.result() };
}
