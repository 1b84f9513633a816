/**
 * Opening a snapshot as a graph through its binary index (format.ts), building the index when there is
 * none or it cannot be trusted.
 *
 * When the index is trusted: its header names the snapshot by the SHA-256 of the snapshot's bytes. Hashing
 * a 200 MB snapshot takes a second, more than a whole question should, so the header also keeps the
 * snapshot file as it was when that hash was last checked (device, inode, size, modification and change
 * times, to the nanosecond). When the file is still that file, unchanged, the hash holds without reading
 * it; otherwise the hash is computed again: if it matches (a copy, a touch), the index is used and its
 * record of the file updated, and if not, the index is stale and rebuilt. A rename over the snapshot (as
 * jcgraph writes snapshots) gives it a new inode, and any write a new change time, which no user can set
 * back, so a changed snapshot is never taken for the one indexed. An index that is truncated, damaged
 * (a section failing its CRC-32), of another format version or written by a Node.js with another Unicode
 * version (lower-casing names depends on it) is rebuilt too; each time with a notice saying why.
 *
 * Gzipped snapshots are read whole: an index points into the snapshot's bytes, which gzip does not allow.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { AccessGraph, TraversalIndex, type IndexParts } from '../graph/index.ts';
import { JcGraphError } from '../errors.ts';
import { parseSnapshot, readSnapshotFile, sha256Hex, type SnapshotMeta } from '../snapshot/index.ts';
import { writeOutput } from '../io/output.ts';
import { indexPathOf, sameFingerprint, type Fingerprint, type IndexMeta } from './format.ts';
import { FileAttributes, FileNodeStore, IndexFile, IndexProblem } from './read.ts';
import { buildSnapshotIndex, sealHeader, writeSnapshotFields } from './write.ts';

export interface OpenSnapshotOptions {
  /**
   * Told, one sentence each, when the index is rebuilt and why, or cannot be written or updated
   * (`kind` 'problem'), and when it is built for the first time ('first': a snapshot written without one).
   * @default none (rebuilds happen silently)
   */
  readonly notice?: (message: string, kind: 'first' | 'problem') => void;
}

export interface OpenedSnapshot {
  readonly graph: AccessGraph;
  readonly meta: SnapshotMeta;
  /** How the graph was read: through a trusted index, by a full read that (re)built it, or a full read of a gzipped snapshot. */
  readonly read: 'index' | 'built' | 'whole';
  /** SHA-256 of the snapshot file's bytes, in hex (a trusted index holds it; a full read computes it). */
  readonly sha256: string;
}

function fingerprintOf(fd: number): Fingerprint {
  const s = fstatSync(fd, { bigint: true });
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
}

function sha256Of(fd: number, size: number): Buffer {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (let at = 0; at < size;) {
    const n = readSync(fd, chunk, 0, chunk.length, at);
    if (n === 0) break;
    hash.update(chunk.subarray(0, n));
    at += n;
  }
  return hash.digest();
}

/** Closes the files a graph read from an index keeps open, once the graph is gone. */
const closeWhenGone = new FinalizationRegistry<() => void>((close) => close());

/** The graph of an index file checked against its snapshot (open on `snapshotFd`). */
function graphFromIndex(
  file: IndexFile,
  snapshotFd: number,
  snapshotPath: string,
  indexPath: string,
  notice: (m: string) => void,
): { graph: AccessGraph; meta: SnapshotMeta } {
  const meta = JSON.parse(file.buffer('meta').toString('utf8')) as IndexMeta;
  if (meta.unicode !== (process.versions.unicode ?? ''))
    throw new IndexProblem(`written by a Node.js with Unicode ${meta.unicode} (this one has ${process.versions.unicode ?? 'none'})`);
  const snapshotMeta = JSON.parse(file.buffer('snapshotMeta').toString('utf8')) as SnapshotMeta;
  const nodes = new FileNodeStore(file, snapshotFd, snapshotPath, (problem) => {
    // Not used: names are looked up from the objects themselves this time, and the index goes.
    notice(
      `the name table of the index ${indexPath} is ${problem.message}: names are looked up without it, and the index will be rebuilt next time.`,
    );
    rmSync(indexPath, { force: true });
  });
  const parts: IndexParts = {
    typeNames: meta.typeNames,
    nodes,
    nodeType: file.int32('nodeType'),
    edgeKind: file.bytes('edgeKind'),
    edgeFrom: file.int32('edgeFrom'),
    edgeTo: file.int32('edgeTo'),
    attributes: new FileAttributes(file),
    csr: (['up', 'down', 'assoc'] as const).map((r) => ({
      off: file.int32(`${r}Offsets`),
      nbr: file.int32(`${r}Neighbours`),
      edge: file.int32(`${r}Edges`),
    })),
  };
  if (nodes.count !== meta.nodes || parts.nodeType.length !== meta.nodes || parts.edgeKind.length !== meta.edges)
    throw new IndexProblem('damaged (its counts disagree)');
  const graph = AccessGraph.fromIndex(meta.orgId, new TraversalIndex(parts));
  return { graph, meta: snapshotMeta };
}

/**
 * The graph of the snapshot at `path` (and its meta), read through the index beside it
 * (`<path>.index`), which is built (or rebuilt, with a notice) when missing or untrustworthy. The
 * answers are the same either way. SnapshotError for a snapshot that cannot be read, as loadSnapshot.
 */
export async function openSnapshotGraph(path: string, options: OpenSnapshotOptions = {}): Promise<OpenedSnapshot> {
  const tell = options.notice ?? (() => undefined);
  const notice = (message: string): void => tell(message, 'problem');
  const indexPath = indexPathOf(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    const { snapshot, sha256 } = await readSnapshotFile(path); // throws the SnapshotError that says why
    return { graph: AccessGraph.fromTenant(snapshot.tenant), meta: snapshot.meta, read: 'whole', sha256 };
  }
  let keepOpen = false;
  try {
    const head = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const bytes = readFileSync(fd);
      const snapshot = parseSnapshot(path, bytes);
      return { graph: AccessGraph.fromTenant(snapshot.tenant), meta: snapshot.meta, read: 'whole', sha256: sha256Hex(bytes) };
    }
    const fingerprint = fingerprintOf(fd);
    let why: string;
    let first = false;
    let file: IndexFile | undefined;
    try {
      file = IndexFile.open(indexPath);
      const header = file.header;
      let matches = header.snapshotSize === Number(fingerprint.size) && sameFingerprint(header.fingerprint, fingerprint);
      if (!matches && header.snapshotSize === Number(fingerprint.size)) {
        matches = sha256Of(fd, header.snapshotSize).equals(header.snapshotHash);
        if (matches) await recordFingerprint(indexPath, fingerprint, notice);
      }
      if (matches) {
        const opened = graphFromIndex(file, fd, path, indexPath, notice);
        keepOpen = true;
        const index = file;
        const snapshotFd = fd;
        closeWhenGone.register(opened.graph, () => {
          index.close();
          closeSync(snapshotFd);
        });
        return { ...opened, read: 'index', sha256: header.snapshotHash.toString('hex') };
      }
      why = `the index ${indexPath} does not match the snapshot (it changed since the index was written); rebuilding it.`;
    } catch (error) {
      const code = (error as { code?: string }).code;
      first = code === 'ENOENT';
      if (first) why = `indexing the snapshot ${path} for fast loading (once; the index goes to ${indexPath}).`;
      else if (error instanceof IndexProblem) why = `the index ${indexPath} is ${error.message}; rebuilding it.`;
      else if (code !== undefined) why = `the index ${indexPath} cannot be read (${code}); rebuilding it.`;
      else throw error;
    } finally {
      if (!keepOpen) file?.close();
    }
    tell(why, first ? 'first' : 'problem');
    return await rebuild(path, fd, fingerprint, indexPath, notice);
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/** Reads the snapshot whole, answers from it, and writes its index (or says why it could not). */
async function rebuild(
  path: string,
  fd: number,
  fingerprint: Fingerprint,
  indexPath: string,
  notice: (m: string) => void,
): Promise<OpenedSnapshot> {
  const bytes = readFileSync(fd);
  const snapshot = parseSnapshot(path, bytes);
  const sha256 = sha256Hex(bytes);
  let built: ReturnType<typeof buildSnapshotIndex>;
  try {
    built = buildSnapshotIndex(snapshot, bytes, fingerprint);
  } catch (error) {
    if (error instanceof JcGraphError) throw error; // the tenant cannot be a graph: say so, as without an index
    notice(
      `the snapshot ${path} could not be indexed (${error instanceof Error ? error.message : String(error)}); answering from it whole.`,
    );
    return { graph: AccessGraph.fromTenant(snapshot.tenant), meta: snapshot.meta, read: 'whole', sha256 };
  }
  try {
    await writeOutput(indexPath, [built.file]);
  } catch (error) {
    notice(
      `could not write the index ${indexPath} (${(error as { code?: string }).code ?? String(error)}); answering from the snapshot alone.`,
    );
  }
  return {
    graph: AccessGraph.fromIndex(snapshot.tenant.orgId, new TraversalIndex(built.parts)),
    meta: snapshot.meta,
    read: 'built',
    sha256,
  };
}

/** The snapshot was found to have the index's hash: the index now records the file as it is, so the next open need not hash it. */
async function recordFingerprint(indexPath: string, fingerprint: Fingerprint, notice: (m: string) => void): Promise<void> {
  try {
    const file = await readFile(indexPath);
    const sections = file.readUInt32LE(24);
    writeSnapshotFields(file, Number(file.readBigUInt64LE(32)), Buffer.from(file.subarray(40, 72)), fingerprint);
    sealHeader(file, sections);
    await writeOutput(indexPath, [file]);
  } catch (error) {
    notice(
      `could not update the index ${indexPath} (${(error as { code?: string }).code ?? String(error)}); it stays usable, checked by hash each time.`,
    );
  }
}

/**
 * Writes the index of a snapshot just saved at `path` (what `jcgraph fetch` does after saving):
 * reads the file back (for its bytes), and writes `<path>.index`. Nothing for a gzipped snapshot.
 */
export async function writeSnapshotIndex(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    const bytes = readFileSync(fd);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return;
    const built = buildSnapshotIndex(parseSnapshot(path, bytes), bytes, fingerprintOf(fd));
    await writeOutput(indexPathOf(path), [built.file]);
  } finally {
    closeSync(fd);
  }
}
