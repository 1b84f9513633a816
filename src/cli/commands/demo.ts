/**
 * `jcgraph demo` (what `npm start` runs): from nothing to an explained answer in one command. Without an
 * API key it starts the simulator on a free loopback port; with JC_API_KEY (or JUMPCLOUD_API_KEY) it
 * reads that tenant instead, read-only. Either way it fetches over HTTP with the live progress line
 * (stderr, on a terminal), builds the graph, and prints a short access review and one revoke plan,
 * explained: why the access exists, what to remove, the exact API calls, and what else would be lost.
 */
import { UsageError } from '../usage-error.ts';
import { fetchTenant, type FetchProgress } from '../../fetchers/index.ts';
import { AccessGraph } from '../../graph/index.ts';
import { findings } from '../../analysis/findings/index.ts';
import { formatOperation } from '../../analysis/operations.ts';
import { formatReference } from '../../analysis/resolve.ts';
import { describePath, planRevoke, type PlanStep, type RevokePlan } from '../../analysis/revoke.ts';
import type { Binding } from '../../analysis/bindings.ts';
import { isPresetName, startSimulator, type PresetName, type Simulator } from '../../simulator/index.ts';
import { bindingToExplain, buildReview, type AccessReview, type BindingRow } from '../../report/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { apiKeyFrom } from '../api-key.ts';
import type { CliIo, Command } from '../command.ts';
import { progressLine } from './fetch.ts';

const OPTIONS = {
  preset: { type: 'string' },
  seed: { type: 'string' },
  'base-url': { type: 'string' },
  'org-id': { type: 'string' },
} as const;

const HELP = `Usage: jcgraph demo [--preset tiny|small|large|xl] [--seed N] [--base-url URL] [--org-id ID] [--json]

The whole of jcgraph in one run. Without an API key: starts a simulated JumpCloud organization on a
free loopback port, fetches it over HTTP (progress on stderr), builds the access graph, prints a short
access review (counts and the top findings) and one revoke plan, explained: every path of the access,
the memberships and associations to remove, the exact API calls (a dry run: nothing is sent), and the
other access the removals would end. Then it stops the simulator.

With JC_API_KEY (or JUMPCLOUD_API_KEY) set, it does the same against that tenant, read-only (GET only;
the plan is printed, never applied).

Options:
  --preset P      Simulator preset: tiny, small (default), large, xl. Ignored with an API key.
  --seed N        Simulator seed (default 1).
  --base-url URL  API host with an API key (default JC_BASE_URL, else https://console.jumpcloud.com).
  --org-id ID     Organization (x-org-id) with an API key, for multi-tenant administrators.
  --json          Print {source, fetch, review, plan} as JSON instead of text.

Exit codes: 0 done, 1 failure, 2 usage error, 130 cancelled.
`;

const TOP_ITEMS = 2;
const LIST_MAX = 5;

const n = (x: number): string => x.toLocaleString('en');
const plural = (x: number, one: string, many = `${one}s`): string => `${n(x)} ${x === 1 ? one : many}`;

function stepWords(step: PlanStep): string {
  if (step.action === 'exempt')
    return `exempt ${formatReference(step.exemption.member)} from the rule of ${formatReference(step.exemption.group)} (${step.exemption.rule}; the rule stays)`;
  return step.edge.kind === 'membership'
    ? `remove ${formatReference(step.to)} from ${formatReference(step.from)}`
    : `remove the association ${formatReference(step.from)} ~ ${formatReference(step.to)}`;
}

function bindingList(bindings: readonly Pick<Binding, 'subject' | 'target'>[]): string {
  const shown = bindings.slice(0, LIST_MAX).map((b) => `${formatReference(b.subject)} → ${formatReference(b.target)}`);
  return bindings.length > LIST_MAX ? `${shown.join(', ')} and ${n(bindings.length - LIST_MAX)} more` : shown.join(', ');
}

function reviewText(review: AccessReview): string[] {
  const c = review.counts;
  const lines = [
    `Access review of organization ${review.meta.orgId || '(no org id)'}`,
    `  ${plural(c.users, 'user')} (${n(c.usersWithAccess)} with access), ${plural(c.groups, 'group')}, ${plural(c.resources, 'resource')}`,
    `  ${plural(c.bindings, 'binding')} over ${plural(c.paths, 'path')}; ${n(c.sudoBindings)} give sudo on a device`,
    '  Top findings:',
  ];
  for (const s of review.findings.filter((x) => x.items.length > 0 && x.severity !== 'low')) {
    lines.push(`    [${s.severity}] ${s.title}: ${n(s.items.length)}`);
    for (const item of s.items.slice(0, TOP_ITEMS)) {
      const who = [item.subject, item.target]
        .filter((x) => x !== undefined)
        .map((x) => formatReference(x))
        .join(' ~ ');
      lines.push(`      - ${who ? `${who}: ` : ''}${item.detail}`);
    }
  }
  const low = review.findings.filter((x) => x.severity === 'low' && x.items.length > 0);
  if (low.length > 0) lines.push(`    Also: ${low.map((s) => `${s.title.toLowerCase()} ${n(s.items.length)}`).join(', ')}.`);
  return lines;
}

function planText(row: BindingRow, plan: RevokePlan): string[] {
  const lines = [
    `Revoke plan: ${formatReference(plan.subject)} on ${formatReference(plan.resource)}${row.sudo ? ` (${row.sudo})` : ''}`,
    `  Why ${plan.subject.name} has this access (${row.label}, ${plural(plan.paths.length, 'path')}):`,
    ...plan.paths.map((p, i) => `    ${i + 1}. ${describePath(p)}`),
    `  Plan (${plan.strategy}: ${plural(plan.steps.length, 'change')}; a dry run, nothing is sent):`,
  ];
  plan.steps.forEach((step, i) => {
    const lost = step.collateral.lost.length;
    lines.push(
      `    ${i + 1}. ${stepWords(step)}${step.cutsPaths.length === 0 ? ', so that the next step holds' : `: cuts path${step.cutsPaths.length === 1 ? '' : 's'} ${step.cutsPaths.map((p) => p + 1).join(', ')}`}`,
      `       ${formatOperation(step.operation)}`,
      `       also ends ${lost === 0 ? 'no other access' : plural(lost, 'other binding')}${lost > 0 ? `: ${bindingList(step.collateral.lost)}` : ''}`,
    );
  });
  const { lost, surviving } = plan.collateral;
  lines.push(
    `  Collateral: ${lost.length === 0 ? 'no other access ends' : `${plural(lost.length, 'other binding')} end${lost.length === 1 ? 's' : ''}`}` +
      `${surviving.length > 0 ? `; ${plural(surviving.length, 'binding')} lose${surviving.length === 1 ? 's' : ''} a path but keep access` : ''}.`,
    `  Checked: ${plan.verified ? `after these changes ${plan.subject.name} no longer reaches ${plan.resource.name}` : 'the access SURVIVES these changes (please report this)'}.`,
  );
  return lines;
}

type Source =
  | { kind: 'simulator'; preset: PresetName; seed: number; baseUrl: string }
  | { kind: 'tenant'; baseUrl: string | undefined; orgId: string | undefined };

export const demoCommand: Command = {
  name: 'demo',
  summary: 'simulate (or read, with an API key) an organization and explain its access and one revoke plan',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('demo', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph demo: unexpected argument "${positionals[0]}" (see jcgraph demo --help)`);
    const preset = values.preset ?? 'small';
    if (!isPresetName(preset)) throw new UsageError(`jcgraph demo: --preset must be tiny, small, large or xl, not "${preset}"`);
    const seed = intOption('demo', 'seed', values.seed, 1, 0);
    const key = apiKeyFrom(io.env);
    const tty = io.stderr.isTTY === true;
    const say = (line: string): void => {
      if (!values.json) io.stdout.write(`${line}\n`);
    };

    let simulator: Simulator | undefined;
    try {
      let source: Source;
      let apiKey: string;
      if (key) {
        const baseUrl = values['base-url'] ?? (io.env['JC_BASE_URL'] || undefined);
        source = { kind: 'tenant', baseUrl, orgId: values['org-id'] };
        apiKey = key;
        say(
          `Reading the JumpCloud tenant at ${baseUrl ?? 'https://console.jumpcloud.com'}${values['org-id'] ? ` (org ${values['org-id']})` : ''}, read-only.`,
        );
      } else {
        simulator = await startSimulator({ preset, seed });
        source = { kind: 'simulator', preset, seed, baseUrl: simulator.baseUrl };
        apiKey = simulator.apiKey;
        say(`No JC_API_KEY set: started a simulated organization (preset ${preset}, seed ${seed}) at ${simulator.baseUrl}.`);
      }
      let lastDraw = 0;
      const onProgress = (p: FetchProgress): void => {
        const now = performance.now();
        if (!tty || (p.event === 'request' && now - lastDraw < 200)) return;
        lastDraw = now;
        io.stderr.write(`\r\x1b[Kfetching: ${progressLine(p)}`);
      };
      const started = performance.now();
      const { tenant, meta } = await fetchTenant({
        apiKey,
        ...(source.kind === 'simulator' ? { baseUrl: source.baseUrl, orgId: simulator?.orgIds[0] ?? '' } : {}),
        ...(source.kind === 'tenant' && source.baseUrl ? { baseUrl: source.baseUrl } : {}),
        ...(source.kind === 'tenant' && source.orgId ? { orgId: source.orgId } : {}),
        signal: io.signal,
        onProgress,
      });
      if (tty) io.stderr.write('\r\x1b[K');
      await simulator?.close();
      simulator = undefined;
      const seconds = (performance.now() - started) / 1000;
      say(
        `Fetched ${plural(tenant.objects.length, 'object')} and ${plural(tenant.edges.length, 'edge')} over HTTP in ${seconds.toFixed(1)}s with ${plural(meta.requests.total, 'request')} (the planner's optimum: ${n(meta.plan.optimumRequests ?? meta.requests.total)}).`,
      );
      say('');

      const g = AccessGraph.fromTenant(tenant);
      const sourceWords = source.kind === 'simulator' ? `simulator ${source.preset}:${source.seed}` : `tenant at ${meta.apiHost}`;
      const review = buildReview(g, { source: sourceWords, findings: findings(g), maxBindings: 0 });
      for (const line of reviewText(review)) say(line);
      say('');

      const row = bindingToExplain(g);
      const plan = row ? planRevoke(g, row.user.id, row.resource.id, { strategy: 'least-collateral' }) : undefined;
      if (row && plan) for (const line of planText(row, plan)) say(line);
      else say('No user has any access, so there is no revoke plan to show.');
      say('');
      const where =
        source.kind === 'simulator'
          ? `--sim ${source.preset}${source.seed !== 1 ? `:${source.seed}` : ''}`
          : '--snapshot FILE (after jcgraph fetch --out FILE)';
      say(`Next: npx jcgraph report ${where} --format html --out review.html   (npx jcgraph --help lists every command)`);

      if (values.json) {
        io.stdout.write(
          `${JSON.stringify(
            {
              source:
                source.kind === 'simulator'
                  ? { simulator: { preset: source.preset, seed: source.seed } }
                  : { apiHost: meta.apiHost, orgId: meta.orgId },
              fetch: {
                objects: tenant.objects.length,
                edges: tenant.edges.length,
                requests: meta.requests.total,
                optimumRequests: meta.plan.optimumRequests ?? null,
                durationMs: meta.durationMs,
              },
              review: {
                meta: review.meta,
                counts: review.counts,
                findings: review.findings.map((s) => ({
                  kind: s.kind,
                  title: s.title,
                  severity: s.severity,
                  count: s.items.length,
                  top: s.items.slice(0, TOP_ITEMS),
                })),
              },
              plan: plan ?? null,
            },
            null,
            2,
          )}\n`,
        );
      }
      return 0;
    } finally {
      if (tty) io.stderr.write('\r\x1b[K');
      await simulator?.close();
    }
  },
};
