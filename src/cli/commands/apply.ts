/**
 * `jcgraph apply PLAN.json`: the one command that writes to a tenant, and only with --yes. Without it, a
 * dry run: the preconditions read live, each step's state now, nothing sent. With it, the steps sent
 * through the writer client (src/apply), journaled, read back where the answer leaves doubt, verified on
 * the live traversal endpoints, with the evidence written beside the plan. `--undo PLAN.json.journal`
 * sends the inverses of what took effect. The host and the key are found as `jcgraph fetch` finds them.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../usage-error.ts';
import {
  applyPlan,
  evidencePath,
  readApplyJournal,
  undoApply,
  type ApplyEvidence,
  type ApplyProgress,
  type EvidenceStep,
  type RunOptions,
} from '../../apply/index.ts';
import { ApiClient, checkApiKey, checkApiUrl } from '../../fetchers/index.ts';
import { describeQuestion, describeStep, planChanges, readPlanFile, type PlanFile } from '../../plan/index.ts';
import { changeViolations } from '../../rules/index.ts';
import { loadGraph } from '../load-graph.ts';
import { parseAt, rulesOption, violationsVerdict } from './check.ts';
import { readSnapshotFile } from '../../snapshot/index.ts';
import { isJsonObject } from '../../model/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { requireApiKey } from '../api-key.ts';
import type { CliIo, Command } from '../command.ts';
import { plural, safeText } from '../format.ts';

const OPTIONS = {
  yes: { type: 'boolean', multiple: true },
  confirm: { type: 'string' },
  resume: { type: 'boolean' },
  undo: { type: 'string' },
  'base-url': { type: 'string' },
  'org-id': { type: 'string' },
  snapshot: { type: 'string' },
  rate: { type: 'string' },
  timeout: { type: 'string' },
  settle: { type: 'string' },
  rules: { type: 'string' },
  at: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph apply PLAN.json [--yes [--yes] | --yes --confirm ORG_ID] [--resume] [options]
       jcgraph apply --undo PLAN.json.journal [--yes] [options]

Acts on a plan file written by jcgraph revoke --out, jcgraph offboard --out or jcgraph review close
--out. jcgraph is read-only otherwise: this is the one command that writes to a tenant, it needs --yes to
do so, and it never deletes an object (it removes memberships and associations, and can put them back).

Without --yes (a dry run): reads live exactly what the steps' preconditions name (a few collections),
prints each step with its state now (will send, already done, CHANGED since the plan: …), sends nothing.
With --yes: refuses, sending nothing, when the plan does not fit the tenant as it is now (a step's edge
changed its attributes, a new path to the resource the plan does not cut, another organization or host,
a plan edited since it was written); otherwise sends each step once, in order, through a writer client
that can send nothing but the plan's requests, and verifies the result on the live traversal endpoints.
On a terminal, --yes asks you to type the organization's name first; --yes --yes or --confirm ORG_ID
do not ask.

Beside the plan it keeps:
  PLAN.json.journal          one line per event (sent, answered, verified), synced to disk as it goes:
                             after Ctrl-C, a lost connection or a crash, --resume continues from it and
                             no step is sent twice with effect.
  PLAN.json.evidence.json    what an auditor keeps: the plan's digest and snapshot, who acted (the API
                             key's SHA-256 prefix, never the key), each step with when it was sent and
                             answered, the verification, and the inverse requests.

Options:
  --yes                Send the writes (twice: do not ask on a terminal either).
  --confirm ORG_ID     With --yes: the organization you mean, instead of typing its name.
  --resume             Continue an interrupted apply from PLAN.json.journal.
  --undo JOURNAL       Undo an apply: the inverse of every step that took effect, newest first, each only
                       while its edge is still absent (already restored otherwise), then verified.
                       Without --yes a dry run. Evidence in PLAN.json.undo.evidence.json.
  --base-url URL       The API host (default: the plan's; another host is refused).
  --org-id ID          The organization (default: the plan's; another one is refused).
  --snapshot FILE      Refuse unless the plan was made on this snapshot (by the SHA-256 of its bytes).
  --rate N             Never more than N requests per second (default: no cap; 429s are honoured).
  --timeout MS         Per-request timeout in milliseconds (default 30000).
  --settle SECONDS     When the plan exempts members from a dynamic group's rule, how long to let the
                       tenant run its rules again before verifying once more (default 10).
  --rules FILE         With --snapshot (the plan's): refuse the plan, sending nothing (exit 1), if its
                       steps would add a violation of this rule file (see jcgraph check --help).
  --at TIME            With --rules: judge exceptions' end dates as of this ISO-8601 time (default now).
  --json               Print the evidence document.

The API key is read from JC_API_KEY (or JUMPCLOUD_API_KEY); there is no flag for it.

Exit codes: 0 applied and verified, dry run with nothing refused, or nothing to do; 1 refused (nothing
sent), a write failed (the journal says what was sent), or the verification disagreed; 2 usage error;
130 cancelled (the journal is kept for --resume).
`;

/**
 * \`--rules FILE\`: whether the plan's steps, applied to the snapshot it was made on, would add a violation
 * of the rule file (said on stderr; nothing is sent then). The snapshot is needed: the rules are judged
 * offline, on the organization the plan was made from, as \`whatif --rules\` judges a change.
 */
async function refusedByRules(
  plan: PlanFile,
  values: { rules?: string; at?: string; snapshot?: string; undo?: string },
  io: CliIo,
  snapshotSha256: string | undefined,
): Promise<boolean> {
  if (values.undo !== undefined) throw new UsageError('jcgraph apply: --rules judges a plan, not its undo');
  if (values.snapshot === undefined || snapshotSha256 === undefined)
    throw new UsageError('jcgraph apply: --rules judges the plan on the snapshot it was made on: give it with --snapshot FILE');
  const rules = await rulesOption('apply', values.rules, io, false);
  // A snapshot the plan was not made on is refused by applyPlan itself, before any request: judge nothing on it.
  if (plan.snapshot.kind === 'snapshot' && plan.snapshot.sha256 !== snapshotSha256) return false;
  const at = parseAt('apply', values.at);
  const { graph } = await loadGraph('apply', { snapshot: values.snapshot }, io);
  const verdict = changeViolations(graph, rules, planChanges(plan), { now: at });
  if (verdict.added.length === 0) return false;
  io.stderr.write(violationsVerdict(values.rules!, verdict));
  io.stderr.write('jcgraph apply: nothing was sent.\n');
  return true;
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`jcgraph apply: --${name} must be a positive number, not "${value}"`);
  return n;
}

/** The first line typed on stdin, or undefined at its end. */
async function readLine(io: CliIo): Promise<string | undefined> {
  const lines = createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/** The organization's display name, as the API gives it; undefined when it does not say. */
async function organizationName(apiKey: string, baseUrl: string, orgId: string, io: CliIo): Promise<string | undefined> {
  try {
    const client = new ApiClient({ apiKey, baseUrl, ...(orgId ? { orgId } : {}), signal: io.signal, maxAttempts: 2 });
    const answer = await client.get(
      'v1',
      orgId ? `/organizations/${encodeURIComponent(orgId)}` : '/organizations',
      {},
      'apply:organization',
    );
    const body = answer.body;
    const record = isJsonObject(body) && Array.isArray(body['results']) ? (body['results'][0] as unknown) : body;
    const name = isJsonObject(record) ? record['displayName'] : undefined;
    return typeof name === 'string' && name.trim() !== '' ? name : undefined;
  } catch {
    return undefined; // not every key may read its organization: the id is asked for instead
  }
}

/** The command that makes the plan again from the tenant as it is now. */
function remakeCommand(plan: PlanFile, planPath: string): string {
  const snapshot = plan.snapshot.kind === 'snapshot' ? plan.snapshot.path : 'FILE';
  const q = plan.question;
  if (q.kind === 'revoke') {
    const strategy = q.strategy === 'fewest-changes' ? '' : ` --strategy ${q.strategy}`;
    const protect = q.protect.length > 0 ? ' (and the same --protect edges)' : '';
    return `jcgraph revoke ${q.subject.id} ${q.resource.id} --snapshot ${snapshot} --live${strategy} --out ${planPath}${protect}`;
  }
  if (q.kind === 'offboard') return `jcgraph offboard ${q.user.id} --snapshot ${snapshot} --live --out ${planPath}`;
  return `${q.command} again, on a fresh snapshot`;
}

function stateText(s: EvidenceStep, undo: boolean): string {
  switch (s.state) {
    case 'changed':
      return `CHANGED since the plan: ${s.detail ?? ''}`;
    case 'already done':
      return undo ? (s.detail && s.detail !== 'already restored' ? `already restored (${s.detail})` : 'already restored') : 'already done';
    case 'done':
      return `done${s.outcome !== undefined ? ` (${String(s.outcome)}${s.detail ? `; ${s.detail}` : ''})` : ''}`;
    case 'failed':
      return `FAILED: ${s.detail ?? ''}`;
    default:
      return s.state;
  }
}

/** The run as text: the plan, each step with its state, what was refused or found, and what to do next. */
function report(evidence: ApplyEvidence, plan: PlanFile, shownPath: string, shownJournal: string): string {
  const undo = evidence.run === 'undo';
  const s = plan.snapshot;
  const made = `made ${plan.madeAt.replace('T', ' ').slice(0, 16)} UTC on ${
    s.kind === 'snapshot' ? `the snapshot ${s.path} (SHA-256 ${s.sha256.slice(0, 12)}…)` : `the simulated organization ${s.preset}`
  }`;
  let out = `${undo ? 'Undo of the plan' : 'Plan'} ${shownPath}: ${describeQuestion(plan.question)}; ${plural(plan.steps.length, 'step')}, ${made}.\n`;
  out += `Organization ${evidence.orgId || "(the key's own)"} at ${evidence.apiHost}.\n`;
  for (const step of evidence.steps) {
    const planStep = plan.steps[step.step - 1]!;
    out += `  ${String(step.step).padStart(2)}. ${undo ? 'restore: ' : ''}${describeStep(planStep)}   ${stateText(step, undo)}\n`;
    if (step.state === 'will send' || step.state === 'failed')
      out += `      ${step.request.method} ${step.request.path} ${JSON.stringify(step.request.body)}\n`;
  }
  if (evidence.refusals.length > 0) {
    out += `Refused: nothing was sent.\n${evidence.refusals.map((r) => `  - ${r}\n`).join('')}`;
    if (!undo && plan.snapshot.kind === 'snapshot')
      out += `Make the plan again from the tenant as it is now: ${remakeCommand(plan, shownPath)}\n`;
    return safeLines(out);
  }
  out += `${evidence.summary}\n`;
  for (const d of evidence.verification?.differences ?? []) out += `  - ${d.message}\n`;
  const reads = evidence.requests.total - evidence.requests.writes;
  out += `(${plural(evidence.requests.total, 'request')}: ${plural(reads, 'read')}, ${plural(evidence.requests.writes, 'write')}.)\n`;
  if (evidence.result === 'ready')
    out += `To send ${undo ? 'the inverses' : 'it'}: jcgraph apply ${undo ? `--undo ${shownJournal}` : shownPath} --yes\n`;
  if (!evidence.dryRun && evidence.journal) {
    out += `Evidence: ${shownPath}.${undo ? 'undo.' : ''}evidence.json; journal: ${shownJournal}`;
    if (!undo && (evidence.result === 'applied' || evidence.result === 'not verified'))
      out += `; undo with: jcgraph apply --undo ${shownJournal} --yes`;
    if (evidence.result === 'failed' || evidence.result === 'interrupted')
      out += `; continue with: jcgraph apply ${undo ? `--undo ${shownJournal}` : `${shownPath} --resume`} --yes`;
    out += '\n';
  }
  return safeLines(out);
}

/** Text made of lines, each shown safely (names come from the tenant). */
function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => safeText(line))
    .join('\n');
}

function exitCode(evidence: ApplyEvidence): number {
  switch (evidence.result) {
    case 'applied':
    case 'ready':
    case 'nothing to do':
      return 0;
    case 'interrupted':
      return 130;
    default:
      return 1;
  }
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'act on a plan file: check it live, send it with --yes (journaled, verified, undoable)',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('apply', argv, OPTIONS);
    const undo = values.undo;
    if (undo !== undefined ? positionals.length > 0 : positionals.length !== 1)
      throw new UsageError('jcgraph apply: give one PLAN.json, or --undo PLAN.json.journal (see jcgraph apply --help)');
    if (undo !== undefined && values.resume)
      throw new UsageError('jcgraph apply: --undo continues by itself when run again; it takes no --resume');
    const yes = values.yes?.length ?? 0;
    if (values.confirm !== undefined && yes === 0) throw new UsageError('jcgraph apply: --confirm goes with --yes');
    const baseUrl = values['base-url'];
    if (baseUrl !== undefined && !URL.canParse(baseUrl))
      throw new UsageError(`jcgraph apply: --base-url must be a URL such as https://console.eu.jumpcloud.com, not "${baseUrl}"`);
    // The plan file (an undo names its journal, PLAN.json.journal), as given and resolved.
    const shownPath = undo !== undefined ? undo.replace(/\.journal$/, '') : (positionals[0] as string);
    const shownJournal = undo ?? `${shownPath}.journal`;
    const planFile = resolve(io.cwd, shownPath);
    const journalFile = resolve(io.cwd, shownJournal);
    const plan = undo === undefined ? await readPlanFile(planFile) : (await readApplyJournal(journalFile)).header.plan;
    const apiKey = requireApiKey(io.env, 'for jcgraph apply');
    checkApiKey(apiKey);
    const expectSnapshot =
      values.snapshot !== undefined
        ? { path: values.snapshot, sha256: (await readSnapshotFile(resolve(io.cwd, values.snapshot))).sha256 }
        : undefined;
    if (values.rules !== undefined && (await refusedByRules(plan, values, io, expectSnapshot?.sha256))) return 1;
    const rate = numberOption('rate', values.rate);
    const tty = io.stderr.isTTY === true;
    const options: RunOptions = {
      apiKey,
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(values['org-id'] !== undefined ? { orgId: values['org-id'] } : {}),
      ...(rate !== undefined ? { rate } : {}),
      ...(expectSnapshot ? { expectSnapshot } : {}),
      timeoutMs: intOption('apply', 'timeout', values.timeout, 30_000, 1),
      settleMs: intOption('apply', 'settle', values.settle, 10, 0) * 1000,
      send: yes > 0,
      signal: io.signal,
      onProgress: (p: ApplyProgress) => {
        if (!tty) return;
        const what =
          p.phase === 'sending'
            ? `sending step ${p.step ?? 0} of ${p.of ?? 0}`
            : p.phase === 'checking'
              ? 'reading the live state'
              : 'verifying';
        io.stderr.write(`\r\x1b[Kjcgraph apply: ${what}…`);
      },
    };
    if (yes > 0 && undo === undefined) {
      const orgId = values['org-id'] ?? plan.snapshot.orgId;
      if (values.confirm !== undefined && values.confirm !== orgId) {
        io.stderr.write(
          `jcgraph apply: --confirm names organization ${safeText(values.confirm)}, but ${safeText(shownPath)} acts on ${safeText(orgId || "(the key's own)")}; nothing was sent.\n`,
        );
        return 1;
      }
      if (tty && yes === 1 && values.confirm === undefined) {
        const host = baseUrl ?? (plan.snapshot.kind === 'snapshot' ? plan.snapshot.apiHost : '');
        const name = host ? await organizationName(apiKey, checkApiUrl(host).origin, orgId, io) : undefined;
        const wanted = name ?? orgId;
        io.stderr.write(
          `This sends up to ${plural(plan.steps.length, 'write')} to organization ${safeText(orgId || "(the key's own)")}${name ? ` (${safeText(name)})` : ''} at ${safeText(host)}.\nType the organization's ${name ? 'name' : 'id'} to go on: `,
        );
        const typed = await readLine(io);
        if (typed?.trim() !== wanted) {
          io.stderr.write(`jcgraph apply: that is not the organization's ${name ? 'name' : 'id'}; nothing was sent.\n`);
          return 1;
        }
      }
    }
    const evidence =
      undo === undefined
        ? await applyPlan(plan, {
            ...options,
            planPath: shownPath,
            journalPath: journalFile,
            evidencePath: evidencePath(planFile, 'apply'),
            resume: values.resume === true,
          })
        : await undoApply(journalFile, { ...options, evidencePath: evidencePath(planFile, 'undo') });
    if (tty) io.stderr.write('\r\x1b[K');
    if (values.json) io.stdout.write(`${JSON.stringify(evidence, null, 2)}\n`);
    else io.stdout.write(report(evidence, plan, shownPath, shownJournal));
    return exitCode(evidence);
  },
};
