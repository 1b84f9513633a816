/**
 * `jcgraph verify`: the engine's answers against JumpCloud's own, on a seeded sample of every endpoint
 * with paths. With an API key in the environment it checks the live tenant (read-only); without one it
 * starts the simulator and checks against that. Exit 0 only when everything agrees.
 */
import { ConfigError } from '../../errors.ts';
import { UsageError } from '../usage-error.ts';
import { GRAPH_ENDPOINTS, type GraphEndpoint, type JsonObject, type ObjectRef } from '../../model/index.ts';
import { isPresetName, startSimulator, type PresetName, type Simulator } from '../../simulator/index.ts';
import {
  DEFAULT_SAMPLE,
  DEFAULT_SEED,
  VERIFY_ENDPOINTS,
  verifyTenant,
  type AttributeDifference,
  type EndpointReport,
  type PathDifference,
  type PathView,
  type VerifyReport,
  type DynamicGroupsReport,
} from '../../verify/index.ts';
import { formatReference, type NamedRef } from '../../analysis/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { apiKeyFrom } from '../api-key.ts';
import type { CliIo, Command } from '../command.ts';
import { EXIT_PARTIAL, progressLine } from './fetch.ts';
import { safeText } from '../format.ts';

const OPTIONS = {
  'base-url': { type: 'string' },
  'org-id': { type: 'string' },
  sample: { type: 'string' },
  seed: { type: 'string' },
  preset: { type: 'string' },
  endpoint: { type: 'string', multiple: true },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph verify [--sample N] [--seed N] [--endpoint PATH …] [--json]
                      [--base-url URL] [--org-id ID] [--rate N] [--concurrency N] [--timeout MS] [--retries N]
                      [--preset tiny|small|large|xl]

Checks that jcgraph answers like JumpCloud. It fetches the organization afresh, then for every
traversal endpoint (and memberof/membership) takes a seeded sample of source objects, calls the
endpoint for each (all pages) and compares the answer with the engine's: targets (missing or extra),
paths as sets of hop sequences (each hop's object and edge attributes), and compiledAttributes, which
are reported apart because their merge rule is partly inferred. Absent, null and {} attributes count
as equal; attribute values are compared canonically, arrays as multisets. And for every dynamic group,
the members its rule gives on the fetched records (after exemptions) against the members the API
lists: a difference means a run of the rule is pending, or jcgraph reads the rule wrongly.

Against: the live tenant of JC_API_KEY (or JUMPCLOUD_API_KEY), read-only, when the key is set;
otherwise a simulator started for the run (preset small unless --preset says otherwise). --preset
picks the simulator even when a key is set.

Options:
  --sample N         Source objects per endpoint (default ${DEFAULT_SAMPLE}; all of them when fewer).
  --seed N           Seed of the sample (default ${DEFAULT_SEED}): the same seed picks the same objects.
  --endpoint PATH    Only this endpoint, as its spec path (/users/{user_id}/systems) or operationId
                     (graph_userTraverseSystem). Repeatable. Default: all ${VERIFY_ENDPOINTS.length}.
  --base-url URL     API host (default https://console.jumpcloud.com; see jcgraph fetch --help).
  --org-id ID        Organization (x-org-id), for multi-tenant administrators.
  --rate N           Never more than N requests per second, fetch and comparison together.
  --concurrency N    Most requests in flight (default 8).
  --timeout MS       Per-request timeout in milliseconds (default 30000).
  --retries N        Retries of a failed request before it counts as failed (default 7).
  --preset P         Verify against a simulator of this preset instead of a live tenant.
  --json             Print the whole report as JSON.

The fresh fetch may not read everything (a key without a scope, a broken object): sources whose answer
what it missed could change are not compared, and are listed, as are sources the API does not answer.

Exit codes: 0 every endpoint and dynamic group agrees, 3 every source compared agrees but some were not
compared, 1 a difference (or a failure), 2 usage error, 130 cancelled.
`;

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`jcgraph verify: --${name} must be a positive number, not "${value}"`);
  return n;
}

function pickEndpoints(names: readonly string[] | undefined): readonly GraphEndpoint[] | undefined {
  if (!names || names.length === 0) return undefined;
  return names.map((name) => {
    const found = VERIFY_ENDPOINTS.find((e) => e.path === name || e.operationId === name);
    if (found) return found;
    const other = GRAPH_ENDPOINTS.find((e) => e.path === name || e.operationId === name);
    throw new UsageError(
      other
        ? `jcgraph verify: ${name} returns no paths (it is a ${other.kind} endpoint); verify checks traversal, memberof and membership endpoints`
        : `jcgraph verify: --endpoint ${name} is not a graph endpoint; give its spec path (e.g. /users/{user_id}/systems) or operationId`,
    );
  });
}

type Target = { kind: 'live'; baseUrl: string | undefined; orgId: string | undefined } | { kind: 'simulator'; preset: PresetName };

function chooseTarget(values: { 'base-url'?: string; 'org-id'?: string; preset?: string }, apiKey: string | undefined): Target {
  if (values.preset !== undefined) {
    if (!isPresetName(values.preset))
      throw new UsageError(`jcgraph verify: --preset must be tiny, small, large or xl, not "${values.preset}"`);
    if (values['base-url'] !== undefined || values['org-id'] !== undefined) {
      throw new UsageError('jcgraph verify: --preset runs against a simulator and cannot go with --base-url or --org-id');
    }
    return { kind: 'simulator', preset: values.preset };
  }
  if (apiKey) return { kind: 'live', baseUrl: values['base-url'], orgId: values['org-id'] };
  if (values['base-url'] !== undefined || values['org-id'] !== undefined) {
    throw new ConfigError(
      'No API key: set JC_API_KEY (or JUMPCLOUD_API_KEY) to verify a live tenant; without a key, verify runs against the simulator.',
    );
  }
  return { kind: 'simulator', preset: 'small' };
}

const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${Math.floor((part / whole) * 1000) / 10}%`);

function ref(r: ObjectRef): string {
  return `${r.type} ${r.id}`;
}

function attrs(a: JsonObject | null): string {
  return a === null ? 'none' : JSON.stringify(a);
}

function pathText(path: PathView): string {
  return (
    path.map((h) => `${h.type}:${h.id}${h.attributes === null ? '' : ` ${JSON.stringify(h.attributes)}`}`).join(' → ') || '(empty path)'
  );
}

function pathDifferenceLines(endpoint: string, d: PathDifference): string[] {
  const head = `  ${endpoint}  ${ref(d.source)} → ${ref(d.target)}:`;
  switch (d.kind) {
    case 'missing-target':
      return [`${head} the API returns it, the engine does not`, ...d.apiPaths.map((p) => `      API path: ${pathText(p)}`)];
    case 'extra-target':
      return [`${head} the engine returns it, the API does not`, ...d.enginePaths.map((p) => `      engine path: ${pathText(p)}`)];
    case 'paths':
      return [
        `${head} paths differ`,
        ...d.missingPaths.map((p) => `      only the API: ${pathText(p)}`),
        ...d.extraPaths.map((p) => `      only the engine: ${pathText(p)}`),
      ];
  }
}

function attributeDifferenceLines(endpoint: string, d: AttributeDifference): string[] {
  return [`  ${endpoint}  ${ref(d.source)} → ${ref(d.target)}:`, `      API:    ${attrs(d.api)}`, `      engine: ${attrs(d.engine)}`];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The dynamic-group check: how many rules agree with their members, each difference, each group not evaluated. */
function dynamicGroupLines(d: DynamicGroupsReport): string[] {
  const names = (refs: readonly NamedRef[]): string =>
    refs
      .slice(0, 10)
      .map((r) => formatReference(r))
      .join(', ') + (refs.length > 10 ? `, … (${refs.length} in all)` : '');
  if (d.groups === 0) return ['Dynamic groups: none.'];
  const lines = [
    d.skipped !== undefined
      ? `Dynamic groups: ${d.groups}, not compared: ${d.skipped}.`
      : `Dynamic groups: ${d.agreeing} of ${d.compared} compared agree with the members the API lists (${d.groups} dynamic groups).`,
  ];
  for (const x of d.differences) {
    lines.push(
      `  ${formatReference(x.group)} (${x.method}, ${x.rule}): the rule and the membership disagree (a run pending, or a rule jcgraph reads wrongly)`,
    );
    if (x.missing.length > 0) lines.push(`      the rule gives, the API does not list: ${names(x.missing)}`);
    if (x.extra.length > 0) lines.push(`      the API lists, the rule does not give: ${names(x.extra)}`);
  }
  for (const u of d.cannotEvaluate) lines.push(`  ${u.reason}`);
  return lines;
}

export function formatReport(report: VerifyReport, against: string): string {
  const t = report.totals;
  const width = Math.max(8, ...report.endpoints.map((e) => e.endpoint.length));
  const row = (e: EndpointReport): string =>
    [
      e.endpoint.padEnd(width),
      `${e.sampled}/${e.available}`.padStart(11),
      pct(e.agreeing, e.sampled).padStart(7),
      String(e.pathDifferences.length).padStart(6),
      String(e.attributeDifferences.length).padStart(9),
    ].join('  ');
  const lines = [
    `verify against ${against}`,
    `fresh fetch: ${report.fetch.objects} objects, ${report.fetch.edges} edges, ${report.fetch.requests} requests (${report.fetch.retries} retries) in ${seconds(report.fetch.durationMs)}`,
    `compared ${t.sampled} sources on ${t.endpointsSampled} of ${t.endpoints} endpoints (sample ${report.sample}, seed ${report.seed}): ${report.requests} requests (${report.retries} retries) in ${seconds(report.durationMs)}; ${t.targets} targets, ${t.paths} paths, ${t.compiledCompared} compiledAttributes`,
    '',
    ['endpoint'.padEnd(width), 'sampled/all'.padStart(11), 'agree'.padStart(7), ' paths'.padStart(6), 'compiled'.padStart(9)].join('  '),
    ...report.endpoints.map(row),
  ];
  const pathDiffs = report.endpoints.flatMap((e) => e.pathDifferences.flatMap((d) => pathDifferenceLines(e.endpoint, d)));
  const attrDiffs = report.endpoints.flatMap((e) => e.attributeDifferences.flatMap((d) => attributeDifferenceLines(e.endpoint, d)));
  const unmodelled = [...new Set(report.endpoints.flatMap((e) => e.unmodelled.types))];
  if (t.unmodelledTargets + t.unmodelledPaths > 0) {
    lines.push(
      '',
      `Left out: ${t.unmodelledTargets} targets and ${t.unmodelledPaths} paths of types jcgraph does not model (${unmodelled.join(', ')}).`,
    );
  }
  if (t.skipped > 0) {
    lines.push(
      '',
      `Not compared (${t.skipped}): sources whose answer the gaps of the fresh fetch (${report.fetch.gaps} collections not read) could change, or that the API did not answer:`,
    );
    for (const e of report.endpoints) for (const s of e.skipped) lines.push(`  ${e.endpoint}  ${e.source} ${s.id}: ${s.reason}`);
  }
  lines.push('', ...dynamicGroupLines(report.dynamicGroups));
  if (t.pathDifferences > 0) lines.push('', `Differences in targets and paths (${t.pathDifferences}):`, ...pathDiffs);
  if (t.attributeDifferences > 0)
    lines.push('', `Differences in compiledAttributes (${t.attributeDifferences}; the merge rule is partly inferred):`, ...attrDiffs);
  lines.push(
    '',
    report.agree
      ? `All ${t.endpointsSampled} endpoints sampled agree: ${t.agreeing} of ${t.sampled} sources (100%)${t.skipped > 0 ? `; ${t.skipped} not compared (above)` : ''}.`
      : `${t.sampled - t.agreeing} of ${t.sampled} sources disagree (${pct(t.agreeing, t.sampled)} agree): ${t.pathDifferences} target or path differences, ${t.attributeDifferences} compiledAttributes differences.`,
    '',
  );
  // Ids, types and attributes come from the API: shown safely, line by line.
  return lines.map(safeText).join('\n');
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: "check the engine's answers against a live tenant's (or the simulator's) on a seeded sample",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('verify', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph verify: unexpected argument "${positionals[0]}" (see jcgraph verify --help)`);
    const apiKey = apiKeyFrom(io.env);
    const target = chooseTarget(values, apiKey);
    const sample = intOption('verify', 'sample', values.sample, DEFAULT_SAMPLE, 1);
    const seed = intOption('verify', 'seed', values.seed, DEFAULT_SEED, 0);
    const endpoints = pickEndpoints(values.endpoint);
    const rate = numberOption('rate', values.rate);
    const tty = io.stderr.isTTY === true;
    let simulator: Simulator | undefined;
    let lastDraw = 0;
    try {
      let against: string;
      let connection: { apiKey: string; baseUrl?: string; orgId?: string };
      if (target.kind === 'simulator') {
        if (apiKey) io.stderr.write(`jcgraph verify: --preset given: verifying against a simulator, not the tenant of the API key.\n`);
        simulator = await startSimulator({ preset: target.preset });
        against = `a simulator (preset ${target.preset}) at ${simulator.baseUrl}`;
        connection = { apiKey: simulator.apiKey, baseUrl: simulator.baseUrl };
      } else {
        connection = {
          apiKey: apiKey!,
          ...(target.baseUrl ? { baseUrl: target.baseUrl } : {}),
          ...(target.orgId ? { orgId: target.orgId } : {}),
        };
        against = '';
      }
      const report = await verifyTenant({
        ...connection,
        sample,
        seed,
        ...(endpoints ? { endpoints } : {}),
        ...(rate !== undefined ? { rate } : {}),
        concurrency: intOption('verify', 'concurrency', values.concurrency, 8, 1),
        timeoutMs: intOption('verify', 'timeout', values.timeout, 30_000, 1),
        maxAttempts: intOption('verify', 'retries', values.retries, 7, 0) + 1,
        signal: io.signal,
        onFetchProgress: (p) => {
          if (!tty || p.event === 'plan') return;
          const now = performance.now();
          if (p.event === 'request' && now - lastDraw < 200) return;
          lastDraw = now;
          io.stderr.write(`\r\x1b[Kfetching: ${progressLine(p)}`);
        },
        onCompared: (done, total) => {
          if (tty && (done === total || done % 20 === 0)) io.stderr.write(`\r\x1b[Kcomparing: ${done}/${total} sources`);
        },
      });
      if (tty) io.stderr.write('\r\x1b[K');
      if (target.kind === 'live') against = `the tenant at ${report.apiHost}${report.orgId ? ` (org ${report.orgId})` : ''}`;
      io.stdout.write(
        values.json
          ? `${JSON.stringify({ against: target.kind === 'simulator' ? { simulator: target.preset } : { apiHost: report.apiHost, orgId: report.orgId }, ...report }, null, 2)}\n`
          : formatReport(report, against),
      );
      const rulesAgree = report.dynamicGroups.differences.length === 0;
      return !report.agree || !rulesAgree ? 1 : report.totals.skipped > 0 || report.dynamicGroups.skipped !== undefined ? EXIT_PARTIAL : 0;
    } finally {
      if (tty) io.stderr.write('\r\x1b[K');
      await simulator?.close();
    }
  },
};
