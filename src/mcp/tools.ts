/**
 * The MCP tools: jcgraph's questions for an assistant, read-only, over one organization. Each returns
 * the CLI's `--json` document as structured content (with `page` and `truncated` saying what a bounded
 * answer left out, and how to ask for more) and a short text summary. Names resolve as in the CLI (an id
 * or `type:name`); an unknown or ambiguous name is a tool error listing the candidates.
 */
import * as z from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { JcGraphError, UnknownObjectError } from '../errors.ts';
import type { AccessGraph } from '../graph/index.ts';
import { GRAPH_TYPES, type Coverage, type GraphObjectWithPaths, type JsonValue } from '../model/index.ts';
import {
  REVOKE_STRATEGIES,
  WHO_TYPES,
  checkChangeSpec,
  describePath,
  formatReference,
  searchObjects,
  type BlastRadiusEntry,
  type Binding,
  type ChangeSpec,
  type DirectlyBoundUser,
  type DynamicGroupFindings,
  type InactiveUser,
  type NamedRef,
  type PrivilegedGrant,
  type RedundantBinding,
  type UserSudo,
} from '../analysis/index.ts';
import {
  accessDocument,
  apiPathOf,
  traverseDocument,
  findingsDocument,
  offboardDocument,
  revokeDocument,
  whatIfDocument,
  whoDocument,
  whyDocument,
} from '../documents/index.ts';
import { capLists, pageOf, type Page, type Truncation } from './bound.ts';

/** Lists inside an answer are never cut below this many items, whatever the page size. */
const MIN_DETAIL = 25;

const objectRef = (what: string) =>
  z
    .string()
    .min(1)
    .describe(`${what}: its id, or type:name such as user:jdoe, system:web-01, user_group:"All Staff" (search_objects finds names).`);
const offset = z.number().int().min(0).default(0).describe('Skip this many items of the main list (page through with page.nextOffset).');
const limitOf = (fallback: number, max = 1000) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(
      `Most items of the main list to return (default ${fallback}); longer inner lists keep their first max(limit, ${MIN_DETAIL}).`,
    );

export const FINDING_KINDS = [
  'privileged',
  'userSudo',
  'inactiveUsers',
  'redundant',
  'blastRadius',
  'directlyBound',
  'emptyGroups',
  'unboundResources',
  'dynamicGroups',
] as const;

/** One dynamic-group finding, tagged with its section: the findings' dynamicGroups object as one pageable list. */
type DynamicGroupFinding = {
  [K in keyof DynamicGroupFindings]: { readonly finding: K } & DynamicGroupFindings[K][number];
}[keyof DynamicGroupFindings];

/** The dynamicGroups sections in the order `jcgraph findings` prints them, as one list. */
function dynamicGroupFindingList(d: DynamicGroupFindings): DynamicGroupFinding[] {
  return [
    ...d.addedBack.map((x) => ({ finding: 'addedBack' as const, ...x })),
    ...d.pendingReview.map((x) => ({ finding: 'pendingReview' as const, ...x })),
    ...d.staleExemptions.map((x) => ({ finding: 'staleExemptions' as const, ...x })),
    ...d.errorFlags.map((x) => ({ finding: 'errorFlags' as const, ...x })),
    ...d.cannotEvaluate.map((x) => ({ finding: 'cannotEvaluate' as const, ...x })),
  ];
}

interface Result {
  readonly structured: Record<string, unknown>;
  readonly text: string;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

function ref(o: NamedRef): string {
  return formatReference(o);
}

function sudoWord(b: Binding): string {
  const s = b.compiledAttributes?.['sudo'] as { enabled?: boolean; withoutPassword?: boolean } | undefined;
  return s?.enabled ? (s.withoutPassword ? ', sudo without password' : ', sudo') : '';
}

/** The text that says what a page holds and how to get the rest. */
function pageText(page: Page, what: string, tool: string): string {
  if (page.total === 0) return '';
  if (page.returned === page.total) return '';
  const next = page.nextOffset !== undefined ? ` Call ${tool} again with offset ${page.nextOffset} for more.` : '';
  return ` Showing ${what} ${page.offset + 1}–${page.offset + page.returned} of ${page.total.toLocaleString('en')}.${next}`;
}

function truncatedText(truncated: readonly Truncation[]): string {
  if (truncated.length === 0) return '';
  return ` ${plural(truncated.length, 'inner list')} cut to their first items (see truncated; a larger limit gives more).`;
}

/** Bounds a document: `main` (a top-level array field) paged, every other list capped. */
function bounded(
  document: object,
  limit: number,
  mainKey?: string,
  offsetValue = 0,
): { structured: Record<string, unknown>; page?: Page; truncated: Truncation[] } {
  const doc = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  let page: Page | undefined;
  if (mainKey) {
    const paged = pageOf((doc[mainKey] as unknown[] | undefined) ?? [], offsetValue, limit);
    doc[mainKey] = paged.items;
    page = paged.page;
  }
  const truncated: Truncation[] = [];
  const capped = capLists(doc, Math.max(limit, MIN_DETAIL), truncated, '', new Set(mainKey ? [mainKey] : [])) as Record<string, unknown>;
  return {
    structured: { ...capped, ...(page ? { page } : {}), ...(truncated.length > 0 ? { truncated } : {}) },
    ...(page ? { page } : {}),
    truncated,
  };
}

function bindingLines(bindings: readonly Binding[], end: 'target' | 'subject'): string {
  return bindings.map((b) => `- ${ref(b[end])} (${b.label}, ${plural(b.paths.length, 'path')}${sudoWord(b)})`).join('\n');
}

/** An access or who document, its bindings paged, with a line per binding shown (its other `end`). */
function bindingsResult(
  doc: { readonly bindings: readonly Binding[] },
  head: string,
  end: 'target' | 'subject',
  tool: string,
  from: number,
  limit: number,
): Result {
  const { structured, page, truncated } = bounded(doc, limit, 'bindings', from);
  const shown = doc.bindings.slice(from, from + limit);
  return { structured, text: `${head}${pageText(page!, 'bindings', tool)}${truncatedText(truncated)}\n${bindingLines(shown, end)}`.trim() };
}

/** One line per finding, as `jcgraph findings` prints them. */
function findingLine(kind: (typeof FINDING_KINDS)[number], item: unknown): string {
  const refs = (list: readonly NamedRef[]) => list.slice(0, 5).map(ref).join(', ') + (list.length > 5 ? `, … (${list.length})` : '');
  const ends = (e: readonly [NamedRef, NamedRef]) => `${ref(e[0])}~${ref(e[1])}`;
  switch (kind) {
    case 'privileged': {
      const g = item as PrivilegedGrant;
      const by = g.grantedBy.map((x) => (x.group ? `${ref(x.group)} (own sudo)` : x.ends ? ends(x.ends) : '?')).join(' + ');
      return `${by} [${g.level}]: ${plural(g.bindings, 'binding')} (${g.withoutPassword} without password), ${plural(g.users.length, 'user')}`;
    }
    case 'userSudo': {
      const u = item as UserSudo;
      return `${ref(u.user)}: ${[u.sudo ? 'sudo' : '', u.passwordlessSudo ? 'passwordless_sudo' : ''].filter(Boolean).join(', ')}; ${plural(u.bindings, 'binding')}`;
    }
    case 'inactiveUsers': {
      const u = item as InactiveUser;
      return `${ref(u.user)} (${u.reasons.join(', ')}): ${plural(u.bindings.length, 'binding')}: ${refs(u.bindings.map((b) => b.target))}`;
    }
    case 'redundant': {
      const r = item as RedundantBinding;
      return `${ref(r.subject)} → ${ref(r.target)}: ${plural(r.direct.length, 'direct path')}, ${plural(r.indirect.length, 'indirect path')}`;
    }
    case 'blastRadius': {
      const e = item as BlastRadiusEntry;
      return `${e.group ? `group ${ref(e.group)}` : e.ends ? `association ${ends(e.ends)}` : '?'}: ends ${plural(e.bindingsCut, 'binding')} (${plural(e.pathsThrough, 'path')} through it)`;
    }
    case 'directlyBound': {
      const d = item as DirectlyBoundUser;
      return `${ref(d.user)}: ${refs(d.targets)}`;
    }
    case 'emptyGroups':
    case 'unboundResources': {
      const o = item as NamedRef;
      return `${ref(o)} (${o.id})`;
    }
    case 'dynamicGroups': {
      const d = item as DynamicGroupFinding;
      switch (d.finding) {
        case 'addedBack':
          return `${ref(d.group)} (${d.rule}) would add back: ${refs(d.members)}`;
        case 'pendingReview':
          return `${ref(d.group)} (${d.rule}), review-required, pending: ${[d.additions.length > 0 ? `would add ${refs(d.additions)}` : '', d.removals.length > 0 ? `members the rule does not match ${refs(d.removals)}` : ''].filter(Boolean).join('; ')}`;
        case 'staleExemptions':
          return `${ref(d.group)} exempts ${ref(d.exempt)}, ${d.reason === 'gone' ? 'no longer in the organization' : 'suspended'}`;
        case 'errorFlags':
          return `${ref(d.group)}: the tenant flags its rule in error (${d.flags.join(', ')})`;
        case 'cannotEvaluate':
          return d.reason;
      }
    }
  }
}

/**
 * One tool's answer, or a tool error for what jcgraph refuses. On a partial snapshot every answer carries
 * `coverage` ({ complete: false, gaps }) and a line saying it may lack what was not read: the tools do not
 * work out, per question, whether the gaps touch it (the CLI's notice does).
 */
function toResult(run: () => Result, coverage: Coverage | undefined): CallToolResult {
  try {
    const { structured, text } = run();
    if (coverage && !coverage.complete) {
      const gaps = coverage.gaps.length;
      return {
        content: [
          {
            type: 'text',
            text: `${text}\nThe snapshot is PARTIAL: ${gaps} ${gaps === 1 ? 'collection was' : 'collections were'} not read, so this answer may lack access that runs through them (jcgraph coverage lists them).`,
          },
        ],
        structuredContent: { ...structured, coverage: { complete: false, gaps } },
      };
    }
    return { content: [{ type: 'text', text }], structuredContent: structured };
  } catch (error) {
    if (!(error instanceof JcGraphError)) throw error;
    const candidates =
      error instanceof UnknownObjectError && error.candidates.length > 0 ? `\nCandidates: ${error.candidates.join('; ')}.` : '';
    return { isError: true, content: [{ type: 'text', text: `${error.name}: ${error.message}${candidates}` }] };
  }
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** Registers every tool on `server`, answering from `graph`. */
export function registerTools(server: McpServer, graph: AccessGraph, coverage?: Coverage): void {
  const answer = (run: () => Result): CallToolResult => toResult(run, coverage);
  server.registerTool(
    'search_objects',
    {
      title: 'Find objects by name or id',
      description:
        'Find users, groups, systems, applications and every other object of the organization by a piece of a name (username, email, hostname, display name …) or by id. Best matches first. Use the ref of a hit to name the object to the other tools.',
      inputSchema: {
        query: z.string().min(1).describe('A piece of a name, or an id.'),
        type: z.array(z.enum(GRAPH_TYPES)).optional().describe('Only objects of these types.'),
        limit: limitOf(10, 100),
      },
      annotations: { title: 'Find objects', ...READ_ONLY },
    },
    ({ query, type, limit }) =>
      answer(() => {
        const result = searchObjects(graph, query, { limit, ...(type ? { types: type } : {}) });
        const lines = result.hits.map((h) => `- ${h.ref} (${h.id})`).join('\n');
        const head =
          result.total === 0
            ? `No object matches "${query}".`
            : `${plural(result.total, 'object')} match "${query}"${result.hits.length < result.total ? `; the first ${result.hits.length}` : ''}:`;
        return { structured: { ...result }, text: `${head}\n${lines}`.trim() };
      }),
  );

  server.registerTool(
    'why',
    {
      title: 'Why does a subject reach a resource',
      description:
        'Every path by which a subject (a user, group or system) reaches a resource, each labelled direct or indirect, the compiled attributes (sudo, ldapGroups, …) and which paths each attribute comes from. Answers jcgraph why --json.',
      inputSchema: { subject: objectRef('The subject'), resource: objectRef('The resource') },
      annotations: { title: 'Why', ...READ_ONLY },
    },
    ({ subject, resource }) =>
      answer(() => {
        const doc = whyDocument(graph, subject, resource);
        const { structured, truncated } = bounded(doc, MIN_DETAIL);
        if (!doc.reached) return { structured, text: `${ref(doc.subject)} does not reach ${ref(doc.resource)}.` };
        const paths = doc.paths
          .slice(0, MIN_DETAIL)
          .map((p, i) => `${i + 1}. ${p.label}: ${describePath(p)}`)
          .join('\n');
        const sources = doc.attributeSources
          .map(
            (s) => `${s.key} ${JSON.stringify(s.value)} from path ${s.paths.map((i) => i + 1).join(', ')}${s.level ? ` (${s.level})` : ''}`,
          )
          .join('; ');
        return {
          structured,
          text: `${ref(doc.subject)} reaches ${ref(doc.resource)}: ${doc.label}, ${plural(doc.paths.length, 'path')}.${truncatedText(truncated)}\n${paths}${sources ? `\ncompiledAttributes: ${sources}` : ''}`,
        };
      }),
  );

  server.registerTool(
    'access',
    {
      title: 'What a subject can reach',
      description:
        'Everything a user, group or system is bound to, directly or through groups, of every type its traversals reach (for a user: systems, system groups, applications, directories, RADIUS servers, policies …), with labels, paths and sudo. Answers jcgraph access --json, paged.',
      inputSchema: {
        subject: objectRef('The subject'),
        type: z.array(z.enum(GRAPH_TYPES)).optional().describe('Only targets of these types.'),
        offset,
        limit: limitOf(50),
      },
      annotations: { title: 'Access', ...READ_ONLY },
    },
    ({ subject, type, offset: from, limit }) =>
      answer(() => {
        const doc = accessDocument(graph, subject, type ? { types: type } : {});
        return bindingsResult(
          doc,
          `${ref(doc.subject)} is bound to ${plural(doc.bindings.length, 'object')}.`,
          'target',
          'access',
          from,
          limit,
        );
      }),
  );

  server.registerTool(
    'who',
    {
      title: 'Who can reach a resource',
      description:
        'Every user, user group and system bound to a resource (a system, application, directory, RADIUS server, policy, command …), and how, with labels, paths read towards the resource, and sudo. Answers jcgraph who --json, paged.',
      inputSchema: {
        resource: objectRef('The resource'),
        type: z
          .array(z.enum(WHO_TYPES as unknown as [string, ...string[]]))
          .optional()
          .describe('Only subjects of these types.'),
        offset,
        limit: limitOf(50),
      },
      annotations: { title: 'Who', ...READ_ONLY },
    },
    ({ resource, type, offset: from, limit }) =>
      answer(() => {
        const doc = whoDocument(graph, resource, type ? { types: type } : {});
        return bindingsResult(
          doc,
          `${plural(doc.bindings.length, 'subject')} can reach ${ref(doc.resource)}.`,
          'subject',
          'who',
          from,
          limit,
        );
      }),
  );

  server.registerTool(
    'revoke_plan',
    {
      title: 'Plan a revocation (dry run)',
      description:
        "The memberships and associations to remove so that a subject no longer reaches a resource, each as the exact JumpCloud API call (a dry run: nothing is sent), with the other access each removal ends (collateral), checked by re-traversal. A membership a dynamic group's rule produces is cut by an exemption (the group's PUT; action exempt), since a removal would not hold. Strategies: fewest-changes, least-collateral, subject-only. Answers jcgraph revoke --json.",
      inputSchema: {
        subject: objectRef('The subject'),
        resource: objectRef('The resource'),
        strategy: z
          .enum(REVOKE_STRATEGIES)
          .default('fewest-changes')
          .describe(
            "fewest-changes: fewest removals; least-collateral: least other access lost; subject-only: only the subject's own memberships and associations.",
          ),
        protect: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Edges the plan must not remove: GROUP>MEMBER for a membership, A~B for an association, e.g. user_group:Engineering>user:jdoe.',
          ),
        exemptions: z
          .boolean()
          .default(true)
          .describe(
            "Whether the plan may exempt a member from a dynamic group's rule (a membership the rule produces cannot be removed: the rule adds it back). False: such memberships are not cut, and an access every plan of which needs one is reported as not revocable without changing a rule.",
          ),
        limit: limitOf(MIN_DETAIL).describe(`Most items of each collateral list (default ${MIN_DETAIL}).`),
      },
      annotations: { title: 'Revoke plan', ...READ_ONLY },
    },
    ({ subject, resource, strategy, protect, exemptions, limit }) =>
      answer(() => {
        const plan = revokeDocument(graph, subject, resource, { strategy, protect, exemptions });
        const { structured, truncated } = bounded(plan, limit);
        if (!plan.reached) return { structured, text: `${ref(plan.subject)} does not reach ${ref(plan.resource)}: nothing to revoke.` };
        const steps = plan.steps
          .map(
            (s, i) =>
              `${i + 1}. ${s.action}: ${s.operation.method} ${s.operation.path} ${JSON.stringify(s.operation.body)} (ends ${plural(s.collateral.lost.length, 'other binding')})`,
          )
          .join('\n');
        return {
          structured,
          text: `Revoke ${ref(plan.subject)}'s access to ${ref(plan.resource)} (${plan.strategy}, a dry run): ${plural(plan.steps.length, 'step')}, ${plural(plan.collateral.lost.length, 'other binding')} lost in all; ${plan.verified ? 'checked: no path remains' : 'WARNING: a path remains'}.${truncatedText(truncated)}\n${steps}`,
        };
      }),
  );

  server.registerTool(
    'offboard_plan',
    {
      title: 'Plan an offboarding (dry run)',
      description:
        "Every binding of a user and the steps that end every membership and association of the user (exemptions where a dynamic group's rule would add a membership back), each as the exact JumpCloud API call (a dry run: nothing is sent), checked by re-traversal: no binding remains. With suspend, the user is suspended first and groups whose rule stops matching drop the membership by themselves. Answers jcgraph offboard --json; the bindings are paged.",
      inputSchema: {
        user: objectRef('The user'),
        suspend: z.boolean().default(false).describe('Suspend the user first (PUT /api/systemusers/{id} {"state":"SUSPENDED"}).'),
        exemptions: z.boolean().default(true).describe("Whether the plan may exempt the user from dynamic groups' rules."),
        offset,
        limit: limitOf(50),
      },
      annotations: { title: 'Offboard plan', ...READ_ONLY },
    },
    ({ user, suspend, exemptions, offset: from, limit }) =>
      answer(() => {
        const plan = offboardDocument(graph, user, { suspend, exemptions });
        const { structured, page, truncated } = bounded(plan, limit, 'bindings', from);
        const steps = plan.steps
          .slice(0, MIN_DETAIL)
          .map((s, i) => `${i + 1}. ${s.action}: ${s.operation.method} ${s.operation.path} ${JSON.stringify(s.operation.body)}`)
          .join('\n');
        return {
          structured,
          text: `Offboard ${ref(plan.user)} (a dry run): ${plural(plan.bindings.length, 'binding')} end with ${plural(plan.steps.length, 'step')}; ${plan.remaining.length === 0 ? 'checked: no binding remains' : `WARNING: ${plural(plan.remaining.length, 'binding')} remain`}.${pageText(page!, 'bindings', 'offboard_plan')}${truncatedText(truncated)}\n${steps}`,
        };
      }),
  );

  const change = z
    .object({
      op: z.enum(['remove', 'add', 'remove-object', 'add-object', 'set', 'set-rule']),
      edge: z.string().optional().describe('remove/add: GROUP>MEMBER or A~B.'),
      attributes: z
        .record(z.string(), z.unknown())
        .nullable()
        .optional()
        .describe(
          'add: the edge\'s attributes, e.g. {"sudo": {"enabled": true, "withoutPassword": false}}; set: the user\'s or system\'s record fields, e.g. {"department": "Sales"} (a mover).',
        ),
      object: z.string().optional().describe('remove-object, set: the object.'),
      type: z.string().optional().describe('add-object: its type.'),
      name: z.string().optional().describe('add-object: its name.'),
      record: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'add-object: record fields, e.g. {"department": "Sales", "state": "ACTIVATED"} (a joiner, evaluated by every dynamic group).',
        ),
      group: z.string().optional().describe('set-rule: the user or system group.'),
      memberQuery: z.record(z.string(), z.unknown()).optional().describe('set-rule: the new rule (v1 FilterQuery or v2 form).'),
      membershipMethod: z.string().optional().describe('set-rule: DYNAMIC_AUTOMATED, DYNAMIC_REVIEW_REQUIRED, STATIC.'),
    })
    .describe('One change.');

  server.registerTool(
    'what_if',
    {
      title: 'What if memberships, associations or objects changed',
      description:
        "The bindings each user and system would gain and lose (and keep with other paths or attributes) if these changes were made, computed on an in-memory copy: nothing is sent anywhere. Changes apply in order. A user's or system's attributes set (a mover), a group's rule set, and an object added (a joiner) are evaluated by every dynamic group's rule; the memberships the rules change are in rules.memberships. Answers jcgraph whatif --json; the subjects are paged.",
      inputSchema: { changes: z.array(change).min(1).describe('The changes, in order.'), offset, limit: limitOf(20) },
      annotations: { title: 'What if', ...READ_ONLY },
    },
    ({ changes, offset: from, limit }) =>
      answer(() => {
        const specs: ChangeSpec[] = changes.map((c, i) => checkChangeSpec(JSON.parse(JSON.stringify(c)) as JsonValue, `Change ${i + 1}`));
        const doc = whatIfDocument(graph, specs);
        const { structured, page, truncated } = bounded(doc, limit, 'subjects', from);
        const lines = doc.subjects
          .slice(from, from + limit)
          .map((d) => `- ${ref(d.subject)}: loses ${d.lost.length}, gains ${d.gained.length}, keeps ${d.changed.length} changed`)
          .join('\n');
        return {
          structured,
          text: `${plural(doc.subjects.length, 'subject')} affected: ${doc.totals.gained} bindings gained, ${doc.totals.lost} lost, ${doc.totals.changed} kept with other paths or attributes.${pageText(page!, 'subjects', 'what_if')}${truncatedText(truncated)}\n${lines}`.trim(),
        };
      }),
  );

  server.registerTool(
    'findings',
    {
      title: 'Access-review findings',
      description:
        'What an access review should look at: sudo grants (privileged), users with global sudo (userSudo), suspended/staged/locked users with access (inactiveUsers), redundant direct+group access, the groups and associations whose removal ends the most bindings (blastRadius), users bound directly, empty groups, unbound resources, and dynamic groups (dynamicGroups: members a rule would add back, review-required groups with pending differences, exemptions of suspended or gone objects, rules flagged in error, rules jcgraph cannot evaluate; paged by kind as one list, each item tagged with its finding). Answers jcgraph findings --json; give kind to page through one section.',
      inputSchema: {
        kind: z.enum(FINDING_KINDS).optional().describe('Only this section, paged with offset and limit.'),
        offset,
        limit: limitOf(20),
      },
      annotations: { title: 'Findings', ...READ_ONLY },
    },
    ({ kind, offset: from, limit }) =>
      answer(() => {
        const f = findingsDocument(graph, { top: Math.max(20, kind === 'blastRadius' ? from + limit : 20) });
        const listOf = (k: (typeof FINDING_KINDS)[number]): readonly unknown[] =>
          k === 'privileged' ? f.privileged.grants : k === 'dynamicGroups' ? dynamicGroupFindingList(f.dynamicGroups) : f[k];
        const counts = Object.fromEntries(FINDING_KINDS.map((k) => [k, listOf(k).length]));
        const summary = `${plural(f.totals.bindings, 'binding')} of ${plural(f.totals.subjects, 'subject')}: ${FINDING_KINDS.map((k) => `${k} ${counts[k]}`).join(', ')}.`;
        if (!kind) {
          const { structured, truncated } = bounded(f, limit);
          return { structured, text: `${summary}${truncatedText(truncated)} Give kind (and offset) to page through one section.` };
        }
        const list = listOf(kind);
        const paged = pageOf(list, from, limit);
        const only = kind === 'privileged' ? { bindings: f.privileged.bindings, grants: paged.items } : paged.items;
        const { structured, truncated } = bounded({ totals: f.totals, [kind]: only }, limit, undefined);
        const lines = paged.items.map((item) => `- ${findingLine(kind, item)}`).join('\n');
        const ranked =
          kind === 'blastRadius' ? ` blastRadius ranks the top ${paged.page.total} only; a larger offset + limit ranks more.` : '';
        return {
          structured: { ...structured, page: paged.page },
          text: `${summary}${pageText(paged.page, `${kind} items`, 'findings')}${ranked}${truncatedText(truncated)}\n${lines}`.trim(),
        };
      }),
  );

  server.registerTool(
    'traverse',
    {
      title: 'What a JumpCloud graph endpoint would answer',
      description:
        'What one of the 88 JumpCloud v2 graph endpoints would return, computed from the snapshot with all pages merged: e.g. /users/{id}/systems (every system with every path and compiledAttributes), /systems/{id}/users, /usergroups/{id}/members, /users/{id}/associations?targets=system. Answers jcgraph traverse, paged.',
      inputSchema: {
        path: z.string().min(1).describe('The endpoint path with ids, e.g. /users/5f1e…/systems; /api/v2 and a full URL are accepted.'),
        offset,
        limit: limitOf(50),
      },
      annotations: { title: 'Traverse', ...READ_ONLY },
    },
    ({ path, offset: from, limit }) =>
      answer(() => {
        const apiPath = apiPathOf(path);
        const items = traverseDocument(graph, apiPath) as GraphObjectWithPaths[];
        const { structured, page, truncated } = bounded({ path: apiPath, answer: items }, limit, 'answer', from);
        return {
          structured,
          text: `${apiPath}: ${plural(items.length, 'item')}.${pageText(page!, 'items', 'traverse')}${truncatedText(truncated)}`,
        };
      }),
  );
}
