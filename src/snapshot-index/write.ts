/**
 * Building a snapshot's binary index (format.ts) from the snapshot and its bytes, and writing it beside
 * the snapshot (atomically, mode 0600: it names every object, as the snapshot does).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { buildParts, tenantIndexInputs, type IndexParts } from '../graph/index.ts';
import { namesOf } from '../model/index.ts';
import type { Snapshot } from '../snapshot/index.ts';
import {
  HEADER_BYTES,
  INDEX_MAGIC,
  INDEX_VERSION,
  SECTION_ENTRY_BYTES,
  SECTIONS,
  type Fingerprint,
  type IndexMeta,
  type SectionName,
} from './format.ts';
import { scanSnapshot } from './scan.ts';

/** Strings as one block of UTF-8 and the offset of each (n + 1 offsets). */
function stringTable(strings: readonly string[]): { offsets: Int32Array; bytes: Buffer } {
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    offsets[i] = total;
    total += Buffer.byteLength(strings[i]!, 'utf8');
  }
  offsets[strings.length] = total;
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0; i < strings.length; i++) bytes.write(strings[i]!, offsets[i]!, 'utf8');
  return { offsets, bytes };
}

const asBytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export interface BuiltIndex {
  /** The graph's parts, as a build from the tenant makes them (the graph to answer with right away). */
  readonly parts: IndexParts;
  /** The index file's bytes. */
  readonly file: Buffer;
}

/**
 * The index of a snapshot whose file holds exactly `bytes` (plain JSON). `snapshot` is those bytes
 * parsed and checked. GraphDataError (from the graph build) when the tenant cannot be a graph.
 */
export function buildSnapshotIndex(snapshot: Snapshot, bytes: Uint8Array, fingerprint: Fingerprint): BuiltIndex {
  const tenant = snapshot.tenant;
  const spans = scanSnapshot(bytes);
  if (spans.records.length !== 2 * tenant.objects.length || spans.attributes.length !== 2 * tenant.edges.length) {
    throw new Error(
      `scanned ${spans.records.length / 2} records and ${spans.attributes.length / 2} edges, parsed ${tenant.objects.length} and ${tenant.edges.length}`,
    );
  }
  const { nodes, edges, edgeSources } = tenantIndexInputs(tenant);
  const parts = buildParts(nodes, edges);
  const n = parts.nodes.count;
  const m = parts.edgeKind.length;
  const order = parts.nodes.order();

  const ids = stringTable(Array.from({ length: n }, (_, i) => parts.nodes.id(i)));
  const names = stringTable(Array.from({ length: n }, (_, i) => parts.nodes.name(i)));
  const recordStart = new Float64Array(n);
  const recordLength = new Int32Array(n);
  for (let i = 0; i < tenant.objects.length; i++) {
    const node = order[i]!;
    recordStart[node] = spans.records[2 * i]!;
    recordLength[node] = spans.records[2 * i + 1]! - spans.records[2 * i]!;
  }
  // Edge attributes: the distinct JSON texts, as the snapshot writes them.
  const texts: string[] = [];
  const textIds = new Map<string, number>();
  const edgeAttribute = new Int32Array(m);
  const decoder = new TextDecoder();
  for (let e = 0; e < m; e++) {
    const at = edgeSources[e]!;
    const text = decoder.decode(bytes.subarray(spans.attributes[2 * at], spans.attributes[2 * at + 1]));
    if (text === 'null') {
      edgeAttribute[e] = -1;
      continue;
    }
    let id = textIds.get(text);
    if (id === undefined) {
      textIds.set(text, (id = texts.length));
      texts.push(text);
    }
    edgeAttribute[e] = id;
  }
  const attributes = stringTable(texts);
  // Names for resolution: every name of every object, lower-cased, sorted (code units), then by node.
  const keys: { key: string; node: number }[] = [];
  for (let node = 0; node < n; node++) {
    const type = parts.typeNames[parts.nodeType[node]!]!;
    for (const key of new Set(namesOf(type, parts.nodes.record(node), parts.nodes.name(node)).map((x) => x.toLowerCase())))
      keys.push({ key, node });
  }
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node - b.node));
  const nameKeys = stringTable(keys.map((k) => k.key));
  const nameKeyNodes = Int32Array.from(keys, (k) => k.node);

  const meta: IndexMeta = { orgId: tenant.orgId, typeNames: parts.typeNames, nodes: n, edges: m, unicode: process.versions.unicode ?? '' };
  const [up, down, assoc] = parts.csr as [IndexParts['csr'][0], IndexParts['csr'][0], IndexParts['csr'][0]];
  const sections: [SectionName, number, Uint8Array][] = [
    ['meta', 1, Buffer.from(JSON.stringify(meta), 'utf8')],
    ['snapshotMeta', 1, bytes.subarray(spans.meta[0], spans.meta[1])],
    ['nodeType', 4, asBytes(parts.nodeType)],
    ['order', 4, asBytes(order)],
    ['idOffsets', 4, asBytes(ids.offsets)],
    ['idBytes', 1, ids.bytes],
    ['nameOffsets', 4, asBytes(names.offsets)],
    ['nameBytes', 1, names.bytes],
    ['recordStart', 8, asBytes(recordStart)],
    ['recordLength', 4, asBytes(recordLength)],
    ['edgeKind', 1, asBytes(parts.edgeKind)],
    ['edgeFrom', 4, asBytes(parts.edgeFrom)],
    ['edgeTo', 4, asBytes(parts.edgeTo)],
    ['edgeAttribute', 4, asBytes(edgeAttribute)],
    ['attributeOffsets', 4, asBytes(attributes.offsets)],
    ['attributeBytes', 1, attributes.bytes],
    ['upOffsets', 4, asBytes(up.off)],
    ['upNeighbours', 4, asBytes(up.nbr)],
    ['upEdges', 4, asBytes(up.edge)],
    ['downOffsets', 4, asBytes(down.off)],
    ['downNeighbours', 4, asBytes(down.nbr)],
    ['downEdges', 4, asBytes(down.edge)],
    ['assocOffsets', 4, asBytes(assoc.off)],
    ['assocNeighbours', 4, asBytes(assoc.nbr)],
    ['assocEdges', 4, asBytes(assoc.edge)],
    ['nameKeyOffsets', 4, asBytes(nameKeys.offsets)],
    ['nameKeyBytes', 1, nameKeys.bytes],
    ['nameKeyNodes', 4, asBytes(nameKeyNodes)],
  ];
  const hash = createHash('sha256').update(bytes).digest();
  return { parts, file: assemble(sections, bytes.length, hash, fingerprint) };
}

const align8 = (x: number): number => Math.ceil(x / 8) * 8;

function assemble(
  sections: readonly [SectionName, number, Uint8Array][],
  snapshotSize: number,
  hash: Buffer,
  fingerprint: Fingerprint,
): Buffer {
  let at = align8(HEADER_BYTES + SECTION_ENTRY_BYTES * sections.length);
  const placed = sections.map(([name, elementSize, data]) => {
    const offset = at;
    at = align8(at + data.length);
    return { id: SECTIONS[name], elementSize, offset, data };
  });
  const file = Buffer.alloc(at);
  file.write(INDEX_MAGIC, 0, 'latin1');
  file.writeUInt32LE(INDEX_VERSION, 8);
  file.writeUInt32LE(HEADER_BYTES, 12);
  file.writeBigUInt64LE(BigInt(file.length), 16);
  file.writeUInt32LE(sections.length, 24);
  writeSnapshotFields(file, snapshotSize, hash, fingerprint);
  placed.forEach((s, i) => {
    const entry = HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    file.writeUInt32LE(s.id, entry);
    file.writeUInt32LE(s.elementSize, entry + 4);
    file.writeBigUInt64LE(BigInt(s.offset), entry + 8);
    file.writeBigUInt64LE(BigInt(s.data.length), entry + 16);
    file.writeUInt32LE(crc32(s.data), entry + 24);
    file.set(s.data, s.offset);
  });
  sealHeader(file, sections.length);
  return file;
}

/** Writes the snapshot's size, hash and fingerprint into a header. */
export function writeSnapshotFields(file: Buffer, snapshotSize: number, hash: Buffer, f: Fingerprint): void {
  file.writeBigUInt64LE(BigInt(snapshotSize), 32);
  hash.copy(file, 40, 0, 32);
  [f.dev, f.ino, f.size, f.mtimeNs, f.ctimeNs].forEach((v, i) => file.writeBigUInt64LE(v, 72 + 8 * i));
}

/** The CRC-32 of the header (its CRC field as zero) and the section table. */
export function headerCrc(head: Buffer, sections: number): number {
  const copy = Buffer.from(head.subarray(0, HEADER_BYTES + SECTION_ENTRY_BYTES * sections));
  copy.writeUInt32LE(0, 28);
  return crc32(copy);
}

export function sealHeader(file: Buffer, sections: number): void {
  file.writeUInt32LE(headerCrc(file, sections), 28);
}
