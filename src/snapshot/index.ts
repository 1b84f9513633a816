/**
 * Snapshot files: save (atomically, mode 0600, gzipped when asked or when the path ends in `.gz`) and load
 * (any problem is a SnapshotError naming the file and what is wrong with it).
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SnapshotError } from '../errors.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from './format.ts';

export * from './format.ts';

export interface SaveOptions {
  /** Gzip the file (also when the path ends in `.gz`). */
  readonly gzip?: boolean;
}

/** Writes a temporary file next to `path`, then renames it over `path`: readers never see half a file. */
export async function saveSnapshot(path: string, snapshot: Snapshot, options: SaveOptions = {}): Promise<void> {
  const json = JSON.stringify(snapshot);
  const bytes = options.gzip || path.endsWith('.gz') ? gzipSync(json) : Buffer.from(json, 'utf8');
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600); // whatever the umask
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as { code?: string }).code;
    throw new SnapshotError(`Could not write the snapshot ${path}${code ? ` (${code})` : ''}.`, { path, cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a snapshot, checking its format, version and every field the tenant needs. */
export async function loadSnapshot(path: string): Promise<Snapshot> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(error)})`;
    throw new SnapshotError(`The snapshot ${path} ${why}.`, { path, cause: error });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new SnapshotError(`The snapshot ${path} is a truncated or corrupt gzip file.`, { path, cause: error });
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SnapshotError(`The snapshot ${path} is not valid JSON (truncated or corrupt).`, { path, cause: error });
  }
  if (!isRecord(data) || data['format'] !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`The file ${path} is not a jcgraph snapshot.`, { path });
  }
  if (data['version'] !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`The snapshot ${path} has format version ${JSON.stringify(data['version'])}; this jcgraph reads version ${SNAPSHOT_VERSION}.`, { path });
  }
  const problem = findProblem(data);
  if (problem) throw new SnapshotError(`The snapshot ${path} is invalid: ${problem}.`, { path });
  return data as unknown as Snapshot;
}

const isRef = (v: unknown): boolean => isRecord(v) && typeof v['type'] === 'string' && typeof v['id'] === 'string';

/** The first missing or malformed field, or undefined. */
function findProblem(data: Record<string, unknown>): string | undefined {
  const meta = data['meta'];
  if (!isRecord(meta)) return 'the field meta is missing';
  for (const field of ['orgId', 'apiHost', 'fetchedAt'] as const) {
    if (typeof meta[field] !== 'string') return `the field meta.${field} is missing or not a string`;
  }
  const tenant = data['tenant'];
  if (!isRecord(tenant)) return 'the field tenant is missing';
  if (typeof tenant['orgId'] !== 'string') return 'the field tenant.orgId is missing or not a string';
  const objects = tenant['objects'];
  if (!Array.isArray(objects)) return 'the field tenant.objects is missing or not an array';
  for (let i = 0; i < objects.length; i++) {
    const o: unknown = objects[i];
    if (!isRef(o) || !isRecord((o as Record<string, unknown>)['record'])) return `tenant.objects[${i}] lacks a type, id or record`;
  }
  const edges = tenant['edges'];
  if (!Array.isArray(edges)) return 'the field tenant.edges is missing or not an array';
  for (let i = 0; i < edges.length; i++) {
    const e: unknown = edges[i];
    if (!isRecord(e) || (e['kind'] !== 'membership' && e['kind'] !== 'association') || !isRef(e['from']) || !isRef(e['to'])) {
      return `tenant.edges[${i}] lacks a kind, from or to`;
    }
    if (e['attributes'] !== null && !isRecord(e['attributes'])) return `tenant.edges[${i}].attributes is neither an object nor null`;
  }
  return undefined;
}
