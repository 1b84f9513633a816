/**
 * The binary index beside a snapshot (`<snapshot>.index`), format version 1. Little-endian throughout.
 *
 *   header (256 bytes)
 *     0  magic "JCGRAPHX"            8  format version (u32)      12  header size (u32)
 *     16 file size (u64)             24 section count (u32)       28  CRC-32 of the header (this field
 *                                                                      as 0) and of the section table
 *     32 snapshot size (u64)         40 snapshot SHA-256 (32 bytes)
 *     72 the snapshot file as last checked to have that hash: device, inode, size, mtime (ns),
 *        ctime (ns) (u64 each)
 *   section table: per section 32 bytes: id (u32), element size (u32), offset (u64), length in bytes
 *     (u64), CRC-32 (u32), 0 (u32)
 *   sections, each at an offset that is a multiple of 8, so that typed arrays view them in place
 *
 * What is in it, and why so (one question should read only what it needs):
 * - the integer graph exactly as a build from the snapshot numbers it (objects in id order, edges in the
 *   snapshot's order): node types, edge kinds and ends, the three relations' CSR rows: typed arrays
 *   that are read and used without parsing;
 * - ids (sorted, so an id is found by binary search), display names, and a table of every name an
 *   object is known by (lower-cased, sorted) for name resolution: strings decoded one at a time;
 * - where each record sits in the snapshot: a record is read and parsed when it is asked for;
 * - the distinct edge attribute values as their JSON text, and each edge's entry in that table;
 * - the snapshot's meta, as its JSON text.
 * The snapshot is named by the SHA-256 of its bytes; the index is only used for the snapshot that hash
 * belongs to (see open.ts for how that is checked without reading the snapshot every time).
 */

export const INDEX_MAGIC = 'JCGRAPHX';
export const INDEX_VERSION = 1;
export const HEADER_BYTES = 256;
export const SECTION_ENTRY_BYTES = 32;

/** The index file of a snapshot. */
export function indexPathOf(snapshotPath: string): string {
  return `${snapshotPath}.index`;
}

export const SECTIONS = {
  /** JSON: IndexMeta. */
  meta: 1,
  /** The snapshot's meta, as its JSON text in the snapshot. */
  snapshotMeta: 2,
  nodeType: 3,
  /** Node of each object, in the snapshot's order (the graph's insertion order). */
  order: 4,
  idOffsets: 5,
  idBytes: 6,
  nameOffsets: 7,
  nameBytes: 8,
  /** Where each node's record starts in the snapshot (f64), and its length (i32). */
  recordStart: 9,
  recordLength: 10,
  edgeKind: 11,
  edgeFrom: 12,
  edgeTo: 13,
  /** Per edge, its entry in the attribute table, or -1 for null. */
  edgeAttribute: 14,
  attributeOffsets: 15,
  attributeBytes: 16,
  upOffsets: 17,
  upNeighbours: 18,
  upEdges: 19,
  downOffsets: 20,
  downNeighbours: 21,
  downEdges: 22,
  assocOffsets: 23,
  assocNeighbours: 24,
  assocEdges: 25,
  /** Every (lower-cased name, node) of namesOf, sorted by name then node. */
  nameKeyOffsets: 26,
  nameKeyBytes: 27,
  nameKeyNodes: 28,
} as const;

export type SectionName = keyof typeof SECTIONS;

/** The META section. */
export interface IndexMeta {
  readonly orgId: string;
  readonly typeNames: readonly string[];
  readonly nodes: number;
  readonly edges: number;
  /** process.versions.unicode of the writer: lower-casing (the name table) depends on it. */
  readonly unicode: string;
}

/** The snapshot file as it was when its hash was last checked. */
export interface Fingerprint {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export interface SectionEntry {
  readonly id: number;
  readonly elementSize: number;
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

export interface IndexHeader {
  readonly version: number;
  readonly fileSize: number;
  readonly snapshotSize: number;
  readonly snapshotHash: Buffer;
  readonly fingerprint: Fingerprint;
  readonly sections: readonly SectionEntry[];
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}
