/**
 * Live confirmation before acting: read from the live tenant just the edges an answer about a subject
 * (and a resource) depends on, patch the snapshot with them, and say what had changed since.
 *
 * What is read (each an object's own view, ./views.ts), by the path grammar `[up] association [down]`:
 * - `pair` (why, revoke): the subject's memberships and direct associations, the associations of each
 *   group it belongs to (as read live), and the resource's memberships. When an association kind between
 *   the subject's side and the resource's side cannot be listed from the subject's side, the resource's
 *   associations and those of its groups are read too.
 * - `reach` (access, offboard): the subject's memberships and associations, the associations of each of
 *   its groups, and the members of every group those associations reach (the last hop down).
 * Every edge those views hold is replaced by what they show now; the rest of the snapshot is kept. An
 * object that answers 404 is gone: its edges in those views go. Objects the views name that the
 * snapshot lacks are added as the API shows them (`{id, type}`).
 */
import {
  associationKind,
  canonicalJson,
  edgeKey,
  groupTypeOf,
  isGraphType,
  isGroupType,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../model/index.ts';
import { JcApiError } from '../../errors.ts';
import { ApiClient, type ClientOptions } from '../client.ts';
import { readView, viewHolds, viewKey, viewsOf, type ObjectView, type ViewRead } from './views.ts';

export type LiveScope = 'pair' | 'reach';

export interface LiveOptions extends ClientOptions {
  /** The snapshot's organization. */
  readonly tenant: TenantData;
  readonly subject: ObjectRef;
  /**
   * The resource, for `pair`.
   * @default none (`reach` needs none)
   */
  readonly resource?: ObjectRef;
  readonly scope: LiveScope;
}

export interface LiveEdgeChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly edge: TenantEdge;
  /** For `changed`: the attributes in the snapshot. */
  readonly before?: JsonObject | null;
}

export interface LiveConfirmation {
  /** The snapshot's organization with what was read live in place of what it held. */
  readonly tenant: TenantData;
  /** Edges that differ from the snapshot, in the views read. */
  readonly changes: readonly LiveEdgeChange[];
  /** Objects named live that the snapshot does not hold (created since). */
  readonly newObjects: readonly TenantObject[];
  /** Objects that no longer exist (their views answered 404). */
  readonly gone: readonly ObjectRef[];
  /** The views read: `memberof:user:…`, `associations:user_group:…`. */
  readonly views: readonly string[];
  /** HTTP requests sent, retries included. */
  readonly requests: number;
}

function typed(ref: ObjectRef): { type: GraphType; id: string } | undefined {
  return isGraphType(ref.type) ? { type: ref.type, id: ref.id } : undefined;
}

class LiveReader {
  readonly reads: ViewRead[] = [];
  readonly gone: ObjectRef[] = [];
  readonly #done = new Set<string>();
  readonly #goneKeys = new Set<string>();

  constructor(readonly client: ApiClient) {}

  /** Reads views not read yet, at once; a 404 marks the source gone. */
  async read(views: readonly ObjectView[]): Promise<ViewRead[]> {
    const fresh = views.filter((v) => !this.#done.has(viewKey(v)) && !this.#goneKeys.has(`${v.source.type}:${v.source.id}`));
    for (const v of fresh) this.#done.add(viewKey(v));
    const out = await Promise.all(
      fresh.map(async (view) => {
        try {
          return await readView(this.client, view);
        } catch (error) {
          if (!(error instanceof JcApiError) || error.status !== 404) throw error;
          const key = `${view.source.type}:${view.source.id}`;
          if (!this.#goneKeys.has(key)) {
            this.#goneKeys.add(key);
            this.gone.push({ type: view.source.type, id: view.source.id });
          }
          return { view, edges: [], ends: [], pages: 0 } satisfies ViewRead;
        }
      }),
    );
    this.reads.push(...out);
    return out;
  }
}

/** The other ends of a view's edges, of a type. */
function ends(reads: readonly ViewRead[], where: (type: string) => boolean): { type: GraphType; id: string }[] {
  const out = new Map<string, { type: GraphType; id: string }>();
  for (const r of reads) {
    for (const e of r.edges) {
      const other = e.from.type === r.view.source.type && e.from.id === r.view.source.id ? e.to : e.from;
      const t = typed(other);
      if (t && where(t.type)) out.set(`${t.type}:${t.id}`, t);
    }
  }
  return [...out.values()];
}

function associationsView(ref: { type: GraphType; id: string }): ObjectView[] {
  return viewsOf(ref).filter((v) => v.endpoint === 'associations');
}

/** Whether some association kind between the two sides cannot be listed from the subject's side. */
function needsResourceSide(subjectTypes: readonly GraphType[], resourceTypes: readonly GraphType[]): boolean {
  return subjectTypes.some((x) =>
    resourceTypes.some((y) => {
      const kind = associationKind(x, y);
      return kind !== undefined && !kind.visibleFrom.includes(x);
    }),
  );
}

/** Reads from the live tenant the edges an answer about `subject` (and `resource`) depends on, and returns the snapshot patched with them and what had changed. */
export async function confirmLive(options: LiveOptions): Promise<LiveConfirmation> {
  const subject = typed(options.subject);
  if (!subject) throw new JcApiError(`jcgraph models no type "${options.subject.type}"`, { endpoint: '(none)' });
  const resource = options.resource ? typed(options.resource) : undefined;
  const client = new ApiClient(options);
  const reader = new LiveReader(client);

  // A group's own members are not on any path from it (groups are never members): not read.
  const own = viewsOf(subject).filter((v) => v.endpoint !== 'members');
  const first = await reader.read([...own, ...(resource ? viewsOf(resource).filter((v) => v.endpoint === 'memberof') : [])]);
  const subjectReads = first.filter((r) => r.view.source.id === subject.id);
  const groups = ends(
    subjectReads.filter((r) => r.view.endpoint === 'memberof'),
    isGroupType,
  );
  const groupAssociations = await reader.read(groups.flatMap(associationsView));

  if (options.scope === 'pair' && resource) {
    const resourceGroups = ends(
      first.filter((r) => r.view.source.id === resource.id && r.view.endpoint === 'memberof'),
      isGroupType,
    );
    const subjectTypes = [subject.type, ...(groupTypeOf(subject.type) ? [groupTypeOf(subject.type)!] : [])];
    const resourceTypes = [resource.type, ...(groupTypeOf(resource.type) ? [groupTypeOf(resource.type)!] : [])];
    if (needsResourceSide(subjectTypes, resourceTypes)) await reader.read([resource, ...resourceGroups].flatMap(associationsView));
  }
  if (options.scope === 'reach') {
    const reached = ends([...subjectReads.filter((r) => r.view.endpoint === 'associations'), ...groupAssociations], isGroupType);
    await reader.read(reached.flatMap((g) => viewsOf(g).filter((v) => v.endpoint === 'members')));
  }
  return patch(options.tenant, reader, client.stats.requests);
}

/** The snapshot with every edge the views hold replaced by what they read, and what changed. */
function patch(tenant: TenantData, reader: LiveReader, requests: number): LiveConfirmation {
  const views = reader.reads.map((r) => r.view);
  const goneKeys = new Set(reader.gone.map((g) => `${g.type}:${g.id}`));
  const heldBefore = new Map<string, TenantEdge>();
  const kept: TenantEdge[] = [];
  for (const e of tenant.edges) {
    if (views.some((v) => viewHolds(v, e))) heldBefore.set(edgeKey(e), e);
    else kept.push(e);
  }
  const now = new Map<string, TenantEdge>();
  for (const r of reader.reads) for (const e of r.edges) now.set(edgeKey(e), e);
  const changes: LiveEdgeChange[] = [];
  for (const [key, e] of now) {
    const old = heldBefore.get(key);
    if (!old) changes.push({ change: 'added', edge: e });
    else if (canonicalJson(old.attributes) !== canonicalJson(e.attributes))
      changes.push({ change: 'changed', edge: e, before: old.attributes });
  }
  for (const [key, e] of heldBefore) if (!now.has(key)) changes.push({ change: 'removed', edge: e });
  const known = new Set(tenant.objects.map((o) => `${o.type}:${o.id}`));
  const newObjects = new Map<string, TenantObject>();
  for (const r of reader.reads) for (const o of r.ends) if (!known.has(`${o.type}:${o.id}`)) newObjects.set(`${o.type}:${o.id}`, o);
  const edges = [
    ...kept.filter((e) => !goneKeys.has(`${e.from.type}:${e.from.id}`) && !goneKeys.has(`${e.to.type}:${e.to.id}`)),
    ...now.values(),
  ];
  return {
    tenant: { orgId: tenant.orgId, objects: [...tenant.objects, ...newObjects.values()], edges },
    changes: changes.sort((x, y) => (edgeKey(x.edge) < edgeKey(y.edge) ? -1 : 1)),
    newObjects: [...newObjects.values()],
    gone: reader.gone,
    views: reader.reads.map((r) => viewKey(r.view)),
    requests,
  };
}
