/**
 * jcgraph's questions over HTTP, under `/jcgraph/v1/`: each takes the CLI command's arguments as query
 * parameters and answers the command's `--json` document, byte for byte (the same library function
 * builds it, and the same writer writes it):
 *
 *   GET  why?subject=S&resource=R            GET  revoke?subject=S&resource=R[&strategy=…][&protect=EDGE…][&exemptions=false]
 *   GET  access?subject=S[&type=T…]          GET  offboard?user=U[&suspend=true][&exemptions=false]
 *   GET  who?resource=R[&type=T…]            GET  findings[?top=N]
 *   GET  whatif?remove=EDGE…&add=EDGE…&remove-object=OBJ…   POST whatif with a JSON body: the changes
 *        array of `jcgraph whatif --changes` (or {"changes": […]}), then the query's flags, in the CLI's order
 *   GET  search?q=TEXT[&type=T…][&limit=N]   objects by name or id (for the explorer and for people)
 *   GET  object?ref=REF                      one object: its record, its groups, its edge counts (a user or
 *                                            system group: its rule and exemptions in words)
 *   GET  traverse?path=API_PATH              what `jcgraph traverse` prints for one path
 *   GET  campaign[?skip=N][&limit=N][&decision=D][&reviewer=R]   the campaign of `serve --campaign DIR`:
 *        its identity and progress, and a page of its items with their decisions (./campaign.ts)
 *   GET  /jcgraph/v1                         the organization served and these routes
 *
 * Objects are named as in the CLI: an id or `type:name`. Errors are `{"error": {name, message,
 * parameter?, candidates?}}`: 400 for a bad or missing parameter (named) or a body that is not JSON,
 * 404 for an unknown object (with candidates; an ambiguous name is a 404 too, listing every match) and
 * for `campaign` when no campaign is served,
 * 405 for another method, 422 when no plan is possible (every cut needs a protected edge).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JcGraphError, PlanError, UnknownObjectError } from '../errors.ts';
import type { AccessGraph } from '../graph/index.ts';
import { GRAPH_TYPES, type JsonValue } from '../model/index.ts';
import {
  checkChangeSpec,
  formatReference,
  resolveEdgeSpec,
  resolveObject,
  ruleSummary,
  searchObjects,
  type ChangeSpec,
  type NamedObject,
} from '../analysis/index.ts';
import {
  accessDocument,
  checkStrategy,
  checkWhoTypes,
  findingsDocument,
  offboardDocument,
  revokeDocument,
  traverseDocument,
  whoDocument,
  whyDocument,
  whatIfWriter,
  writeJsonDocument,
} from '../documents/index.ts';
import type { Campaign } from '../review/index.ts';
import { campaignAnswer, checkDecisionFilter } from './campaign.ts';
import { RequestError, badParameter } from './errors.ts';

export const ANALYSIS_ROOT = '/jcgraph/v1';

/** The longest what-if body read (a changes array of some thousands of edits). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface AnalysisContext {
  readonly graph: AccessGraph;
  /** Where the organization came from (`snapshot acme.json`). */
  readonly source: string;
  /** The access-review campaign served read-only at `campaign`, when one was given. */
  readonly campaign?: Campaign;
}

/** A route's answer: a document written in pieces (status 200), decided before anything is written. */
type Writer = (sink: { write(chunk: string): unknown }) => void;

interface Route {
  /** Query parameters the route reads (any other is a 400). */
  readonly parameters: readonly string[];
  readonly methods: readonly ('GET' | 'POST')[];
  answer(context: AnalysisContext, query: Query, body: JsonValue | undefined): Writer;
}

/** The query of one request, read parameter by parameter, each failure a 400 naming it. */
class Query {
  constructor(private readonly params: URLSearchParams) {}

  optional(name: string): string | undefined {
    const all = this.params.getAll(name);
    if (all.length > 1) throw badParameter(name, `The query parameter ${name} is given ${all.length} times; give it once.`);
    return all[0];
  }

  required(name: string, what: string): string {
    const value = this.optional(name);
    if (value === undefined || value.trim() === '') throw badParameter(name, `The query parameter ${name} is required: ${what}.`);
    return value;
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  /** `true` or `false`, or the fallback when absent. */
  flag(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw badParameter(name, `The query parameter ${name} must be true or false, not "${raw}".`);
  }

  /** A whole number of at least 1, or the fallback. */
  count(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || n < 1 || n > max)
      throw badParameter(
        name,
        `The query parameter ${name} must be a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, not "${raw}".`,
      );
    return n;
  }

  /** A whole number of at least 0 (a count of items to leave out), or 0 when absent. */
  offset(name: string): number {
    const raw = this.optional(name);
    if (raw === undefined) return 0;
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(Number(raw)))
      throw badParameter(name, `The query parameter ${name} must be a whole number from 0, not "${raw}".`);
    return Number(raw);
  }
}

/** Runs `fn`, naming `parameter` in the error it throws (an unknown object, a malformed reference). */
function about<T>(parameter: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UnknownObjectError) throw Object.assign(error, { parameter });
    if (error instanceof JcGraphError && !(error instanceof RequestError) && !(error instanceof PlanError))
      throw badParameter(parameter, error.message);
    throw error;
  }
}

/** An object named by a parameter, resolved first so that an unknown name is reported against it. */
function object(context: AnalysisContext, query: Query, name: string, what: string): NamedObject {
  const ref = query.required(name, what);
  return about(name, () => resolveObject(context.graph, ref));
}

function types(query: Query, allowed: readonly string[] = GRAPH_TYPES): string[] | undefined {
  const wanted = query.all('type');
  for (const t of wanted)
    if (!allowed.includes(t)) throw badParameter('type', `The query parameter type must be one of ${allowed.join(', ')}, not "${t}".`);
  return wanted.length > 0 ? wanted : undefined;
}

const json =
  (value: unknown): Writer =>
  (sink) =>
    writeJsonDocument(sink, value);

/** The changes of a what-if request: the body's array first, then the flags, in the CLI's order. */
function changesOf(query: Query, body: JsonValue | undefined): ChangeSpec[] {
  let fromBody: JsonValue[] = [];
  if (body !== undefined) {
    const list = Array.isArray(body)
      ? body
      : body !== null && typeof body === 'object' && Array.isArray(body['changes'])
        ? body['changes']
        : undefined;
    if (!list)
      throw badParameter('body', 'The body must be a JSON array of changes (as in jcgraph whatif --changes), or {"changes": [...]}.');
    fromBody = list;
  }
  const specs: ChangeSpec[] = [
    ...fromBody.map((item, i) => about('body', () => checkChangeSpec(item, `Change ${i + 1} of the body`))),
    ...query.all('remove-object').map((object): ChangeSpec => ({ op: 'remove-object', object })),
    ...query.all('remove').map((edge): ChangeSpec => ({ op: 'remove', edge })),
    ...query.all('add').map((edge): ChangeSpec => ({ op: 'add', edge })),
  ];
  if (specs.length === 0)
    throw badParameter('remove', 'Give at least one change: remove=EDGE, add=EDGE, remove-object=OBJECT, or a JSON body of changes.');
  return specs;
}

const ROUTES: Readonly<Record<string, Route>> = {
  why: {
    parameters: ['subject', 'resource'],
    methods: ['GET'],
    answer: (c, q) => {
      const s = object(c, q, 'subject', 'the subject, by id or type:name');
      const r = object(c, q, 'resource', 'the resource, by id or type:name');
      return json(whyDocument(c.graph, s.id, r.id));
    },
  },
  access: {
    parameters: ['subject', 'type'],
    methods: ['GET'],
    answer: (c, q) => {
      const s = object(c, q, 'subject', 'the subject, by id or type:name');
      const t = types(q);
      return json(accessDocument(c.graph, s.id, t ? { types: t } : {}));
    },
  },
  who: {
    parameters: ['resource', 'type'],
    methods: ['GET'],
    answer: (c, q) => {
      const r = object(c, q, 'resource', 'the resource, by id or type:name');
      const t = about('type', () => checkWhoTypes(q.all('type')));
      return json(whoDocument(c.graph, r.id, t && t.length > 0 ? { types: t } : {}));
    },
  },
  revoke: {
    parameters: ['subject', 'resource', 'strategy', 'protect', 'exemptions'],
    methods: ['GET'],
    answer: (c, q) => {
      const s = object(c, q, 'subject', 'the subject, by id or type:name');
      const r = object(c, q, 'resource', 'the resource, by id or type:name');
      const strategy = about('strategy', () => checkStrategy(q.optional('strategy')));
      const protect = q.all('protect');
      for (const spec of protect) {
        about('protect', () => {
          if (!c.graph.hasEdge(resolveEdgeSpec(c.graph, spec)))
            throw badParameter('protect', `The protected edge ${spec} names an edge the organization does not have.`);
        });
      }
      return json(revokeDocument(c.graph, s.id, r.id, { strategy, protect, exemptions: q.flag('exemptions', true) }));
    },
  },
  offboard: {
    parameters: ['user', 'suspend', 'exemptions'],
    methods: ['GET'],
    answer: (c, q) => {
      const user = object(c, q, 'user', 'the user to offboard, by id or type:name');
      return json(offboardDocument(c.graph, user.id, { suspend: q.flag('suspend', false), exemptions: q.flag('exemptions', true) }));
    },
  },
  whatif: {
    parameters: ['remove', 'add', 'remove-object'],
    methods: ['GET', 'POST'],
    answer: (c, q, body) => {
      const specs = changesOf(q, body);
      // Resolved before anything is written, so a bad change is a 400 rather than a cut-off document.
      const write = about(body !== undefined ? 'body' : 'remove', () => whatIfWriter(c.graph, specs));
      return (sink) => void write(sink);
    },
  },
  findings: {
    parameters: ['top'],
    methods: ['GET'],
    answer: (c, q) => json(findingsDocument(c.graph, { top: q.count('top', 20) })),
  },
  search: {
    parameters: ['q', 'type', 'limit'],
    methods: ['GET'],
    answer: (c, q) => {
      const text = q.required('q', 'a piece of a name, or an id');
      const t = types(q);
      return json(searchObjects(c.graph, text, { limit: q.count('limit', 20, 1000), ...(t ? { types: t } : {}) }));
    },
  },
  object: {
    parameters: ['ref'],
    methods: ['GET'],
    answer: (c, q) => {
      const o = object(c, q, 'ref', 'the object, by id or type:name');
      const g = c.graph;
      const groups: { type: string; id: string; name: string }[] = [];
      let members = 0;
      let associations = 0;
      for (const e of g.edgesOf(o.id)) {
        if (e.kind === 'association') associations++;
        else if (e.to.id === o.id) groups.push({ type: e.from.type, id: e.from.id, name: g.object(e.from.id).name });
        else members++;
      }
      groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const rule = ruleSummary(g, o.id);
      return json({
        type: o.type,
        id: o.id,
        name: o.name,
        ref: formatReference(o),
        record: o.record,
        groups,
        members,
        associations,
        ...(rule ? { rule } : {}),
      });
    },
  },
  traverse: {
    parameters: ['path'],
    methods: ['GET'],
    answer: (c, q) => {
      const path = q.required('path', 'a graph endpoint path, e.g. /users/{id}/systems');
      return json(about('path', () => traverseDocument(c.graph, path)));
    },
  },
  campaign: {
    parameters: ['skip', 'limit', 'decision', 'reviewer'],
    methods: ['GET'],
    answer: (c, q) => {
      if (!c.campaign)
        throw new RequestError(
          404,
          'No campaign is served: start jcgraph serve with --campaign DIR (a directory written by jcgraph review start) to see one here.',
        );
      const skip = q.offset('skip');
      const limit = q.count('limit', 100, 1000);
      const decision = checkDecisionFilter(q.optional('decision'));
      const reviewer = q.optional('reviewer');
      return json(
        campaignAnswer(c.campaign, { skip, limit, ...(decision ? { decision } : {}), ...(reviewer !== undefined ? { reviewer } : {}) }),
      );
    },
  },
};

function index(context: AnalysisContext): Writer {
  const g = context.graph;
  const edges = Array.from(g.edges()).length;
  return json({
    organization: { orgId: g.orgId, source: context.source, objects: g.model.order, edges },
    campaign: context.campaign ? context.campaign.id : null,
    routes: Object.entries(ROUTES).map(([name, r]) => ({ path: `${ANALYSIS_ROOT}/${name}`, methods: r.methods, parameters: r.parameters })),
  });
}

function errorBody(error: Error & { parameter?: string; candidates?: readonly string[] }): string {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.parameter !== undefined) out['parameter'] = error.parameter;
  if (error instanceof UnknownObjectError) out['candidates'] = error.candidates;
  return `${JSON.stringify({ error: out }, null, 2)}\n`;
}

function statusOf(error: unknown): number {
  if (error instanceof RequestError) return error.status;
  if (error instanceof UnknownObjectError) return 404;
  if (error instanceof PlanError) return 422;
  if (error instanceof JcGraphError) return 400;
  return 500;
}

async function readBody(req: IncomingMessage): Promise<JsonValue | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `The body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`, 'body');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badParameter('body', `The body is not JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/** Answers a request under ANALYSIS_ROOT that passed authentication. */
export async function answerAnalysis(context: AnalysisContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  const fail = (error: unknown): void => {
    const status = statusOf(error);
    if (status === 500) throw error;
    const body = errorBody(error as Error);
    res.writeHead(status, {
      ...headers,
      'content-length': String(Buffer.byteLength(body)),
      ...(status === 405 ? { allow: (error as RequestError & { allow?: string }).allow ?? 'GET' } : {}),
    });
    res.end(body);
  };
  const name = url.pathname.slice(ANALYSIS_ROOT.length).replace(/^\/|\/$/g, '');
  const route = name === '' ? undefined : ROUTES[name];
  try {
    if (name !== '' && !route)
      throw new RequestError(
        404,
        `Not found: ${url.pathname} is none of ${Object.keys(ROUTES)
          .map((r) => `${ANALYSIS_ROOT}/${r}`)
          .join(', ')}.`,
      );
    const methods = route?.methods ?? ['GET'];
    if (!methods.includes(req.method as 'GET')) {
      throw Object.assign(
        new RequestError(
          405,
          `Method ${req.method ?? '?'} is not allowed on ${url.pathname}: ${methods.join(' or ')} only (nothing here changes a tenant).`,
        ),
        { allow: methods.join(', ') },
      );
    }
    for (const key of new Set(url.searchParams.keys())) {
      if (!(route?.parameters ?? []).includes(key)) {
        throw badParameter(
          key,
          `The query parameter ${key} is not one of ${url.pathname}'s: ${(route?.parameters ?? []).join(', ') || 'it takes none'}.`,
        );
      }
    }
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const write = route ? route.answer(context, new Query(url.searchParams), body) : index(context);
    res.writeHead(200, headers);
    write({ write: (chunk: string) => res.write(chunk) });
    res.end();
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    fail(error);
  }
}
