/**
 * Snapshot files: save (atomically, mode 0600, gzipped when asked or when the path ends in `.gz`; a device
 * or pipe is written to directly, never replaced) and load (any problem is a SnapshotError naming the file
 * and what is wrong with it).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isJsonObject } from '../model/index.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SnapshotError } from '../errors.ts';
import { writeOutput } from '../io/output.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSIONS, snapshotVersionFor, type Snapshot } from './format.ts';
import { unreadable } from '../common/unreadable.ts';

export {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotMeta,
  type Snapshot,
  type SnapshotVersion,
  type RefreshFigures,
  type RequestFigures,
  type PlanFigures,
  type PlanStepFigures,
} from './format.ts';

export interface SaveOptions {
  /**
   * Gzip the file (also when the path ends in `.gz`).
   * @default false (true when the path ends in `.gz`)
   */
  readonly gzip?: boolean;
}

/** What a snapshot file holds beyond its format and version, which saving fills in: the meta and the tenant. */
export type SnapshotContent = Pick<Snapshot, 'meta' | 'tenant'>;

/** The bytes of a snapshot file: its JSON, gzipped when asked. */
export function snapshotBytes(snapshot: SnapshotContent, options: SaveOptions = {}): Buffer {
  // The version follows from the coverage: a partial snapshot must not be read by a jcgraph that would take it for complete.
  const file: Snapshot = {
    format: SNAPSHOT_FORMAT,
    version: snapshotVersionFor(snapshot.meta),
    meta: snapshot.meta,
    tenant: snapshot.tenant,
  };
  const json = JSON.stringify(file);
  return options.gzip ? gzipSync(json) : Buffer.from(json, 'utf8');
}

/** Writes a snapshot file of `{meta, tenant}`, its format and version filled in (see the module doc): readers never see half a file. */
export async function saveSnapshot(path: string, snapshot: SnapshotContent, options: SaveOptions = {}): Promise<void> {
  const bytes = snapshotBytes(snapshot, { gzip: options.gzip === true || path.endsWith('.gz') });
  try {
    await writeOutput(path, [bytes]);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new SnapshotError(`Could not write the snapshot ${path}${code ? ` (${code})` : ''}.`, { path, cause: error });
  }
}

/** Reads a snapshot, checking its format, version and every field the tenant needs. */
export async function loadSnapshot(path: string): Promise<Snapshot> {
  return (await readSnapshotFile(path)).snapshot;
}

/** The hex SHA-256 of bytes: how a plan names the snapshot file it was made from. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a snapshot as loadSnapshot does, with the SHA-256 of the file's bytes (what a plan made from it records). */
export async function readSnapshotFile(path: string): Promise<{ snapshot: Snapshot; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SnapshotError(`The snapshot ${path} ${unreadable(error)}.`, { path, cause: error });
  }
  return { snapshot: parseSnapshot(path, bytes), sha256: sha256Hex(bytes) };
}

/** A snapshot from the bytes of its file (gzipped or not), checked as loadSnapshot checks it. */
export function parseSnapshot(path: string, bytes: Buffer): Snapshot {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new SnapshotError(`The snapshot ${path} is a truncated or corrupt gzip file.`, { path, cause: error });
    }
  }
  let text = bytes.toString('utf8');
  // A byte-order mark (an editor's, a Windows tool's) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`The snapshot ${path} is not valid JSON (truncated or corrupt).`, { path, cause: error });
  }
  if (!isJsonObject(data) || data['format'] !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`The file ${path} is not a jcgraph snapshot.`, { path });
  }
  if (!SNAPSHOT_VERSIONS.includes(data['version'] as number)) {
    throw new SnapshotError(
      `The snapshot ${path} has format version ${JSON.stringify(data['version'])}; this jcgraph reads versions ${SNAPSHOT_VERSIONS.join(' and ')}.`,
      { path },
    );
  }
  const problem = findProblem(data);
  if (problem) throw new SnapshotError(`The snapshot ${path} is invalid: ${problem}.`, { path });
  return data as unknown as Snapshot;
}

const isRef = (v: unknown): boolean => isJsonObject(v) && typeof v['type'] === 'string' && typeof v['id'] === 'string';

/** The first missing or malformed field, or undefined. */
function findProblem(data: Record<string, unknown>): string | undefined {
  const meta = data['meta'];
  if (!isJsonObject(meta)) return 'the field meta is missing';
  for (const field of ['orgId', 'apiHost', 'fetchedAt'] as const) {
    if (typeof meta[field] !== 'string') return `the field meta.${field} is missing or not a string`;
  }
  const coverage = meta['coverage'];
  if (coverage !== undefined) {
    if (!isJsonObject(coverage) || typeof coverage['complete'] !== 'boolean' || !Array.isArray(coverage['gaps'])) {
      return 'the field meta.coverage is not a coverage record';
    }
    for (const [i, gap] of (coverage['gaps'] as unknown[]).entries()) {
      const provides = isJsonObject(gap) ? gap['provides'] : undefined;
      if (!isJsonObject(gap) || typeof gap['collection'] !== 'string' || typeof gap['endpoint'] !== 'string' || !isJsonObject(provides)) {
        return `meta.coverage.gaps[${i}] lacks a collection, endpoint or provides`;
      }
      if (
        provides['kind'] === 'objects'
          ? !Array.isArray(provides['types'])
          : provides['kind'] !== 'edges' || !isRef(provides['source']) || !Array.isArray(provides['edgeKinds'])
      ) {
        return `meta.coverage.gaps[${i}].provides is neither object types nor edges of a source`;
      }
    }
    if (coverage['complete'] !== ((coverage['gaps'] as unknown[]).length === 0)) return 'meta.coverage.complete disagrees with its gaps';
  }
  if (data['version'] === 2 && (coverage === undefined || (coverage as { complete?: unknown }).complete === true)) {
    return 'a version 2 snapshot must say in meta.coverage what it lacks';
  }
  const tenant = data['tenant'];
  if (!isJsonObject(tenant)) return 'the field tenant is missing';
  if (typeof tenant['orgId'] !== 'string') return 'the field tenant.orgId is missing or not a string';
  const objects = tenant['objects'];
  if (!Array.isArray(objects)) return 'the field tenant.objects is missing or not an array';
  for (let i = 0; i < objects.length; i++) {
    const o: unknown = objects[i];
    if (!isRef(o) || !isJsonObject((o as Record<string, unknown>)['record'])) return `tenant.objects[${i}] lacks a type, id or record`;
  }
  const edges = tenant['edges'];
  if (!Array.isArray(edges)) return 'the field tenant.edges is missing or not an array';
  for (let i = 0; i < edges.length; i++) {
    const e: unknown = edges[i];
    if (!isJsonObject(e) || (e['kind'] !== 'membership' && e['kind'] !== 'association') || !isRef(e['from']) || !isRef(e['to'])) {
      return `tenant.edges[${i}] lacks a kind, from or to`;
    }
    if (e['attributes'] !== null && !isJsonObject(e['attributes'])) return `tenant.edges[${i}].attributes is neither an object nor null`;
  }
  return undefined;
}
