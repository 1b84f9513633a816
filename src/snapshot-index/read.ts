/**
 * Reading a snapshot's binary index: the header and section table at once, each section when first
 * asked for (checked against its CRC-32), and the stores the graph's index reads ids, names, records
 * and edge attributes from, one at a time.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { EdgeAttributeStore, NodeStore } from '../graph/index.ts';
import type { JsonObject } from '../model/index.ts';
import { SnapshotError } from '../errors.ts';
import {
  HEADER_BYTES,
  INDEX_MAGIC,
  INDEX_VERSION,
  SECTION_ENTRY_BYTES,
  SECTIONS,
  type Fingerprint,
  type IndexHeader,
  type SectionEntry,
  type SectionName,
} from './format.ts';
import { headerCrc } from './write.ts';

/** Why an index cannot be used, as the end of "the index … is …". */
export class IndexProblem extends Error {
  override name = 'IndexProblem';
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

const NAME_OF_ID = new Map<number, SectionName>(Object.entries(SECTIONS).map(([name, id]) => [id, name as SectionName]));

/** An open index file: header checked, sections read on demand. */
export class IndexFile {
  private readonly loaded = new Map<SectionName, Uint8Array>();

  private constructor(
    private fd: number | undefined,
    readonly header: IndexHeader,
    private readonly entries: ReadonlyMap<SectionName, SectionEntry>,
  ) {}

  /** Opens and checks an index file; IndexProblem when it cannot be used, fs errors (ENOENT) as they are. */
  static open(path: string): IndexFile {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const head = readExactly(fd, HEADER_BYTES, 0);
      const magic = head.toString('latin1', 0, Math.min(8, head.length));
      if (magic !== INDEX_MAGIC)
        throw new IndexProblem(head.length < 8 && INDEX_MAGIC.startsWith(magic) ? `truncated (${size} bytes)` : 'not a jcgraph index');
      if (head.length < 16) throw new IndexProblem(`truncated (${size} bytes)`);
      const version = head.readUInt32LE(8);
      if (version !== INDEX_VERSION)
        throw new IndexProblem(`in index format version ${version}; this jcgraph reads version ${INDEX_VERSION}`);
      if (head.length < HEADER_BYTES) throw new IndexProblem(`truncated (${size} bytes)`);
      const fileSize = Number(head.readBigUInt64LE(16));
      if (size < fileSize) throw new IndexProblem(`truncated (${size} of ${fileSize} bytes)`);
      if (size > fileSize) throw new IndexProblem(`damaged (${size} bytes where its header says ${fileSize})`);
      const count = head.readUInt32LE(24);
      if (HEADER_BYTES + count * SECTION_ENTRY_BYTES > size) throw new IndexProblem('damaged (its section table runs past its end)');
      const table = readExactly(fd, count * SECTION_ENTRY_BYTES, HEADER_BYTES);
      const whole = Buffer.concat([head, table]);
      if (headerCrc(whole, count) !== head.readUInt32LE(28)) throw new IndexProblem('damaged (its header fails its checksum)');
      const entries = new Map<SectionName, SectionEntry>();
      for (let i = 0; i < count; i++) {
        const at = i * SECTION_ENTRY_BYTES;
        const entry: SectionEntry = {
          id: table.readUInt32LE(at),
          elementSize: table.readUInt32LE(at + 4),
          offset: Number(table.readBigUInt64LE(at + 8)),
          length: Number(table.readBigUInt64LE(at + 16)),
          crc: table.readUInt32LE(at + 24),
        };
        const name = NAME_OF_ID.get(entry.id);
        if (name === undefined) continue; // a section this jcgraph does not read
        if (entry.offset % 8 !== 0 || entry.offset + entry.length > size || entry.length % Math.max(1, entry.elementSize) !== 0) {
          throw new IndexProblem(`damaged (its ${name} section lies outside the file)`);
        }
        entries.set(name, entry);
      }
      for (const name of Object.keys(SECTIONS) as SectionName[])
        if (!entries.has(name)) throw new IndexProblem(`damaged (it has no ${name} section)`);
      const fingerprint: Fingerprint = {
        dev: head.readBigUInt64LE(72),
        ino: head.readBigUInt64LE(80),
        size: head.readBigUInt64LE(88),
        mtimeNs: head.readBigUInt64LE(96),
        ctimeNs: head.readBigUInt64LE(104),
      };
      const header: IndexHeader = {
        version,
        fileSize,
        snapshotSize: Number(head.readBigUInt64LE(32)),
        snapshotHash: Buffer.from(head.subarray(40, 72)),
        fingerprint,
        sections: [...entries.values()],
      };
      return new IndexFile(fd, header, entries);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** A section's bytes, read and checked on first use, in a buffer of its own (aligned for typed arrays). */
  bytes(name: SectionName): Uint8Array {
    const known = this.loaded.get(name);
    if (known) return known;
    const entry = this.entries.get(name)!;
    if (this.fd === undefined) throw new IndexProblem('closed');
    const data = new Uint8Array(new ArrayBuffer(entry.length));
    let done = 0;
    while (done < entry.length) {
      const n = readSync(this.fd, data, done, entry.length - done, entry.offset + done);
      if (n === 0) throw new IndexProblem(`truncated (its ${name} section is cut short)`);
      done += n;
    }
    if (crc32(data) !== entry.crc) throw new IndexProblem(`damaged (its ${name} section fails its checksum)`);
    this.loaded.set(name, data);
    return data;
  }

  int32(name: SectionName): Int32Array {
    const b = this.bytes(name);
    return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  }

  float64(name: SectionName): Float64Array {
    const b = this.bytes(name);
    return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  }

  buffer(name: SectionName): Buffer {
    const b = this.bytes(name);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Strings of a table (offsets and UTF-8 bytes), decoded when asked for and kept. */
class StringColumn {
  private readonly decoded: (string | undefined)[] = [];

  constructor(
    private readonly offsets: Int32Array,
    private readonly bytes: Buffer,
  ) {}

  get(i: number): string {
    let s = this.decoded[i];
    if (s === undefined) this.decoded[i] = s = this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1]);
    return s;
  }

  /** Compares entry i with `s` without keeping the decoded string (binary searches touch many entries once). */
  peek(i: number): string {
    return this.decoded[i] ?? this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }

  get length(): number {
    return this.offsets.length - 1;
  }
}

/**
 * The objects of an index file: ids and names decoded one at a time, records read from the snapshot
 * (through `snapshotFd`, opened on the very file whose hash the index holds) and parsed one at a time.
 */
export class FileNodeStore implements NodeStore {
  readonly count: number;
  private readonly ids: StringColumn;
  private readonly names: StringColumn;
  private readonly recordStart: Float64Array;
  private readonly recordLength: Int32Array;
  private readonly insertion: Int32Array;
  private readonly records: (JsonObject | undefined)[] = [];
  private readonly found = new Map<string, number>();
  private nameKeys: { keys: StringColumn; nodes: Int32Array } | null | undefined;

  constructor(
    private readonly file: IndexFile,
    private readonly snapshotFd: number,
    private readonly snapshotPath: string,
    private readonly onDamage: (problem: IndexProblem) => void,
  ) {
    this.ids = new StringColumn(file.int32('idOffsets'), file.buffer('idBytes'));
    this.names = new StringColumn(file.int32('nameOffsets'), file.buffer('nameBytes'));
    this.recordStart = file.float64('recordStart');
    this.recordLength = file.int32('recordLength');
    this.insertion = file.int32('order');
    this.count = this.ids.length;
  }

  id(node: number): string {
    return this.ids.get(node);
  }

  find(id: string): number {
    const known = this.found.get(id);
    if (known !== undefined) return known;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = this.ids.peek(mid);
      if (x === id) {
        this.found.set(id, mid);
        return mid;
      }
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  name(node: number): string {
    return this.names.get(node);
  }

  record(node: number): JsonObject {
    let r = this.records[node];
    if (r !== undefined) return r;
    const length = this.recordLength[node]!;
    const bytes = readExactly(this.snapshotFd, length, this.recordStart[node]!);
    try {
      if (bytes.length !== length) throw new Error('short read');
      r = JSON.parse(bytes.toString('utf8')) as JsonObject;
    } catch (error) {
      throw new SnapshotError(
        `The snapshot ${this.snapshotPath} changed while it was being read (the record of ${this.id(node)} is not where its index says); run the command again.`,
        { path: this.snapshotPath, cause: error },
      );
    }
    this.records[node] = r;
    return r;
  }

  order(): Int32Array {
    return this.insertion;
  }

  /** Nodes by lower-cased name, from the name table; undefined (the caller then builds its own) when the table is damaged. */
  named(lower: string): readonly number[] | undefined {
    if (this.nameKeys === undefined) {
      try {
        this.nameKeys = {
          keys: new StringColumn(this.file.int32('nameKeyOffsets'), this.file.buffer('nameKeyBytes')),
          nodes: this.file.int32('nameKeyNodes'),
        };
      } catch (error) {
        if (!(error instanceof IndexProblem)) throw error;
        this.nameKeys = null;
        this.onDamage(error);
      }
    }
    if (this.nameKeys === null) return undefined;
    const { keys, nodes } = this.nameKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys.peek(mid) < lower) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < keys.length && keys.peek(i) === lower; i++) out.push(nodes[i]!);
    return out;
  }
}

/** Edge attributes of an index file: each distinct value parsed once, when first asked for. */
export class FileAttributes implements EdgeAttributeStore {
  private readonly ofEdge: Int32Array;
  private readonly texts: StringColumn;
  private readonly parsed: (JsonObject | undefined)[] = [];

  constructor(file: IndexFile) {
    this.ofEdge = file.int32('edgeAttribute');
    this.texts = new StringColumn(file.int32('attributeOffsets'), file.buffer('attributeBytes'));
  }

  attributes(edge: number): JsonObject | null {
    const id = this.ofEdge[edge]!;
    if (id < 0) return null;
    let value = this.parsed[id];
    if (value === undefined) this.parsed[id] = value = JSON.parse(this.texts.get(id)) as JsonObject;
    return value;
  }
}
