/**
 * `jcgraph review`: access-review campaigns. `review start` freezes a population from a snapshot and
 * writes one worksheet per reviewer; the other subcommands read and extend the campaign directory.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { capped, plural, ref, safeText, table, writeJson } from '../format.ts';
import { planOutput, writePlan } from '../plan-out.ts';
import { parseLimit, stepDetail, stepHead } from './revoke.ts';
import { parseAt, rulesOption, violationsVerdict } from './check.ts';
import type { AccessGraph } from '../../graph/index.ts';
import { planSnapshotOf, readPlanFile, type PlanFile } from '../../plan/index.ts';
import { changeViolations } from '../../rules/index.ts';
import { openSnapshotGraph } from '../../snapshot-index/index.ts';
import { ReviewError } from '../../errors.ts';
import {
  DECISIONS,
  closeCampaign,
  evidencePack,
  postRemediationCheck,
  writeEvidencePack,
  type PostRemediationCheck,
  campaignStatus,
  formatSheetError,
  importWorksheets,
  readCampaign,
  writeCampaign,
  managerReviewers,
  ownerReviewers,
  parseScope,
  readOwners,
  startCampaign,
  writeStartedCampaign,
  type Campaign,
  type ClosedCampaign as ReviewClosed,
  type DecisionValue,
  type ReviewerAssigner,
  type WorksheetFile,
} from '../../review/index.ts';
import { unreadable } from '../../common/unreadable.ts';

type ClosedCampaign = ReviewClosed & { readonly graph: AccessGraph };

const SUMMARY = 'access reviews: freeze a population, worksheets per reviewer, decisions, one remediation plan, evidence';

const HELP = `Usage: jcgraph review start --snapshot FILE --out DIR [--scope WORD …] [--reviewers manager|OWNERS.csv]
                            [--fallback-reviewer NAME] [--allow-partial] [--previous DIR] [--json]
       jcgraph review import DIR SHEET.csv … [--as REVIEWER] [--json]
       jcgraph review status DIR [--json]
       jcgraph review close DIR --unreviewed keep|revoke|flag --out PLAN.json [--snapshot FILE]
                            [--rules FILE [--at TIME]] [--no-exemptions] [--limit N] [--json]
       jcgraph review evidence DIR --out PACK [--after SNAPSHOT] [--plan PLAN.json]
                            [--apply-evidence FILE] [--snapshot FILE] [--json]

An access review as a campaign in a directory.

review start
  Freezes the population: one item per (user, resource) binding in scope, with its label, paths, sudo,
  the findings that touch it and the user's last login when the snapshot has it, on the snapshot named
  by the SHA-256 of its bytes. A partial snapshot is refused (a review needs the whole population)
  unless --allow-partial, which every page of the campaign then states. Writes DIR/campaign.json and,
  per reviewer, DIR/worksheets/NAME.csv (to fill in: decision keep, revoke or flag, and a reason) and
  NAME.html (the same rows with the paths drawn, sortable and filtered as you type). Every file is
  written atomically with mode 0600.

Options of start:
  --snapshot FILE      The snapshot to review (written by jcgraph fetch).
  --out DIR            The campaign directory (created; must not hold a campaign already).
  --scope WORD         What to review (repeatable, or comma-separated; default all):
                         all          every binding of every user
                         privileged   sudo bindings (from the paths or the user's global sudo) and
                                      admin-like applications (a name with admin, console, root, superuser)
                         TYPE         bindings to every resource of a type: system, application,
                                      system_group, policy, radius_server, ldap_server, …
                         OBJECT       an id or type:name: a resource (bindings to it), a group (bindings
                                      through it), a user (the user's bindings)
  --reviewers manager  Each item goes to its user's manager (the manager attribute). Default.
  --reviewers FILE     An owners CSV with the columns object and reviewer: each line a resource or group
                       (id or type:name) and who reviews access to it; an item goes to its resource's
                       owner, else to the owner of the first group on its paths that has one.
  --fallback-reviewer NAME
                       Reviews the items nothing else assigns (without it, such items are an error).
  --allow-partial      Review a partial snapshot all the same.
  --previous DIR       The last campaign: items whose binding did not exist at its snapshot are marked
                       new (against its population only when that snapshot file is gone), its decision
                       on a binding reached the same way is shown as a suggestion (never a decision),
                       and bindings it decided revoke that are there again are listed.
  --json               Print what was written as JSON.

An item whose reviewer is its own user is a self-review: its decision needs a reason.

review import
  Takes the decisions of filled worksheets into the campaign. Each file is checked whole first, and a
  file with any error gives nothing; each error names the file, line and column: an unknown item id, a
  frozen column changed (every column but decision and reason), a decision other than keep, revoke or
  flag, a decision on another reviewer's item, the same item decided twice differently, a truncated
  file, a row with the wrong number of fields. Columns are found by their header, so a sheet saved by a
  spreadsheet with its columns reordered, a byte-order mark, CRLF or semicolons imports as it is.
  Decisions carry the sheet's reviewer, the file's time and line; importing a sheet again changes only
  what changed (the earlier decision is kept as superseded).
  --as REVIEWER        Whose decisions the sheets hold (default: the reviewer of each sheet's first row).

review status
  Per reviewer: items decided of their total, keep/revoke/flag, the items flagged with their reasons,
  and self-reviews decided without a reason. --json prints it all.

review close
  One remediation plan for the whole campaign, written as a plan file (mode 0600) that jcgraph apply
  runs: the removals that end every binding decided revoke while every binding decided keep keeps a
  path, ending as few other bindings as possible (collateral), then making as few changes as possible.
  It is never worse than the single-pair least-collateral plans applied one after the other, and it is
  checked by re-traversal. Only explicit keep decisions bind it. A revoke whose every cut would end a
  kept binding is a conflict: listed with both bindings and the edges they share, and left out. A
  membership a dynamic group's rule produces is cut by an exemption (the group's PUT adding the member to
  memberQueryExemptions; in a review-required group followed by the removal), never by a removal alone,
  which the rule would undo.
  --unreviewed P       What the items nobody decided are recorded as (required): keep or flag (recorded
                       only: every one the plan ends is listed as collateral), or revoke (the plan ends
                       them too).
  --out PLAN.json      The plan file to write.
  --snapshot FILE      The campaign's snapshot, when it is no longer where review start read it (its
                       SHA-256 must be the campaign's).
  --rules FILE         Refuse the plan (exit 1, nothing written) if it adds a violation of this rule
                       file (see jcgraph check); --at TIME judges exceptions as of then.
  --no-exemptions      Never exempt a member from a dynamic group's rule: a revoke whose every other cut
                       ends a kept binding is then a conflict, left out of the plan.
  --limit N            Lines shown per list (default 20; --json has them all).
  The campaign is then closed: it takes no more decisions.

review evidence
  A folder an auditor can take: the population (population.csv, .json) with its provenance
  (provenance.json: the snapshot's SHA-256, fetch, coverage, jcgraph versions, every worksheet by its
  SHA-256), every decision with reviewer, times and reason (decisions.csv, .json), the close and the
  plan (close.json, plan.json), the apply's evidence (apply-evidence.json: PLAN.json.evidence.json
  when it is there), the post-remediation check, a summary in plain words (summary.md, summary.html)
  and MANIFEST.sha256 over every file (sha256sum -c MANIFEST.sha256 checks it). Nothing in it claims
  compliance: it states what was reviewed, decided, changed and checked.
  --out PACK           The folder to write (created; must be empty).
  --after SNAPSHOT     A snapshot fetched after the apply: every revoked binding must be absent and every
                       kept one present, and the snapshot complete (exit 1 otherwise, the pack written
                       all the same); what else changed between the two snapshots is listed.
  --plan PLAN.json     The campaign's plan file, when it is not where review close wrote it.
  --apply-evidence F   The apply's evidence (default PLAN.json.evidence.json beside the plan, if there).
  --snapshot FILE      The campaign's snapshot, when it is not where review start read it (--after needs it).

Exit codes: 0 done, 1 failure (start: a partial snapshot, items without a reviewer, DIR holds a
campaign; import: any sheet with an error, the others imported; close: a snapshot that is not the
campaign's, a plan that adds a rule violation or that re-traversal does not confirm; evidence: the
post-remediation check failed), 2 usage error.
`;

const START_OPTIONS = {
  snapshot: { type: 'string' },
  out: { type: 'string' },
  scope: { type: 'string', multiple: true },
  reviewers: { type: 'string' },
  'fallback-reviewer': { type: 'string' },
  'allow-partial': { type: 'boolean' },
  previous: { type: 'string' },
} as const;

async function reviewersOf(
  value: string | undefined,
  fallback: string | undefined,
  graph: Parameters<typeof readOwners>[0],
  io: CliIo,
): Promise<{ assigner: ReviewerAssigner; ownersFile?: { path: string; sha256: string } }> {
  if (value === undefined || value === 'manager') return { assigner: managerReviewers(graph, fallback) };
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(io.cwd, value));
  } catch (error) {
    throw new ReviewError(`The owners file ${value} ${unreadable(error)}; --reviewers takes manager or an owners CSV.`);
  }
  const owners = readOwners(graph, value, bytes.toString('utf8'));
  return {
    assigner: ownerReviewers(owners, fallback),
    ownersFile: { path: value, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

async function start(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('review start', argv, START_OPTIONS);
  if (positionals.length > 0)
    throw new UsageError(`jcgraph review start: unexpected argument "${positionals[0]}" (see jcgraph review --help)`);
  if (values.snapshot === undefined) throw new UsageError('jcgraph review start: give the snapshot to review with --snapshot FILE');
  if (values.out === undefined) throw new UsageError('jcgraph review start: give the campaign directory with --out DIR');
  const fallback = values['fallback-reviewer'];
  if (fallback !== undefined && fallback.trim() === '') throw new UsageError('jcgraph review start: --fallback-reviewer needs a name');
  const { graph, meta, sha256 } = await openSnapshotGraph(resolve(io.cwd, values.snapshot));
  const scope = parseScope(graph, values.scope ?? []);
  const { assigner, ownersFile } = await reviewersOf(values.reviewers, fallback?.trim(), graph, io);
  const previous = values.previous !== undefined ? await previousCampaign(values.previous, io) : undefined;
  const started = startCampaign(graph, {
    snapshot: { path: values.snapshot, location: resolve(io.cwd, values.snapshot), sha256, meta },
    scope,
    reviewers: assigner,
    ...(ownersFile ? { ownersFile } : {}),
    allowPartial: values['allow-partial'] === true,
    ...(previous ? { previous } : {}),
  });
  const dir = resolve(io.cwd, values.out);
  const files = await writeStartedCampaign(dir, started);
  const { campaign } = started;
  if (values.json) {
    writeJson(io, {
      campaign: campaign.id,
      dir: values.out,
      snapshot: campaign.snapshot,
      scope: campaign.scope,
      items: campaign.items.length,
      worksheets: files,
      ...(campaign.previous ? { previous: campaign.previous } : {}),
    });
    return 0;
  }
  let out = '';
  if (campaign.snapshot.partialNotice) out += `${safeText(campaign.snapshot.partialNotice)}\n`;
  out += `Campaign ${campaign.id} started in ${safeText(values.out)}: ${plural(campaign.items.length, 'binding')} to review (${safeText(campaign.scope.description)}),\n`;
  out += `on the snapshot ${safeText(values.snapshot)} of ${safeText(campaign.snapshot.orgId || 'the organization')} fetched ${campaign.snapshot.startedAt} (SHA-256 ${campaign.snapshot.sha256.slice(0, 16)}…).\n`;
  out += `${plural(files.length, 'worksheet')}:\n`;
  out += table(
    files.map((f) => [f.reviewer, String(f.items), f.selfReviews > 0 ? String(f.selfReviews) : '', f.csv]),
    ['reviewer', 'items', 'self-reviews', 'worksheet (and .html beside it)'],
  );
  const p = campaign.previous;
  if (p) {
    out += `Against campaign ${p.id} (${p.comparedWith === 'snapshot' ? 'its snapshot' : 'its population only: its snapshot is not at hand'}): ${plural(p.newBindings, 'binding')} new since, ${plural(p.suggestions, 'previous decision')} offered as suggestions (never taken as decisions).\n`;
    if (p.cameBack.length > 0) {
      out += `${plural(p.cameBack.length, 'binding')} decided revoke last time ${p.cameBack.length === 1 ? 'is' : 'are'} there again:\n`;
      for (const b of p.cameBack.slice(0, 20))
        out += `  ${ref(b.user)} → ${ref(b.resource)} (revoked by ${safeText(b.reviewer)}${b.reason ? `: ${safeText(b.reason)}` : ''})\n`;
      if (p.cameBack.length > 20) out += `  … and ${p.cameBack.length - 20} more (--json for all)\n`;
    }
  }
  out += `Send each reviewer their CSV; bring the filled ones back with jcgraph review import ${safeText(values.out)} SHEET.csv …\n`;
  io.stdout.write(out);
  return 0;
}

const IMPORT_OPTIONS = { as: { type: 'string' } } as const;

async function importSheets(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('review import', argv, IMPORT_OPTIONS);
  const [dirArg, ...sheets] = positionals;
  if (dirArg === undefined || sheets.length === 0)
    throw new UsageError('jcgraph review import: give the campaign directory and one or more worksheets (see jcgraph review --help)');
  const dir = resolve(io.cwd, dirArg);
  const campaign = await readCampaign(dir);
  const files: WorksheetFile[] = [];
  for (const sheet of sheets) {
    const path = resolve(io.cwd, sheet);
    try {
      const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
      files.push({ name: sheet, bytes, modifiedAt: info.mtime });
    } catch (error) {
      throw new ReviewError(`The worksheet ${sheet} ${unreadable(error)}; nothing was imported.`);
    }
  }
  const result = importWorksheets(campaign, files, values.as !== undefined ? { as: values.as } : {});
  const imported = result.files.filter((f) => f.errors.length === 0);
  if (imported.length > 0) await writeCampaign(dir, result.campaign);
  if (values.json)
    writeJson(io, { campaign: campaign.id, files: result.files, errors: result.errors.map((e) => ({ ...e, text: formatSheetError(e) })) });
  else {
    let out = '';
    for (const f of result.files) {
      if (f.errors.length > 0) {
        out += `${safeText(f.file)} (${safeText(f.reviewer || '?')}): NOT imported, ${plural(f.errors.length, 'error')} (listed on stderr).\n`;
        continue;
      }
      const changes = [
        f.replaced > 0 ? `${f.replaced} replacing an earlier decision` : '',
        f.unchanged > 0 ? `${f.unchanged} already imported` : '',
      ]
        .filter((x) => x !== '')
        .join(', ');
      out += `${safeText(f.file)} (${safeText(f.reviewer)}): ${plural(f.decisions, 'decision')} imported${changes ? ` (${changes})` : ''}, ${plural(f.undecided, 'row')} undecided.\n`;
    }
    const decided = result.campaign.decisions.length;
    out += `Campaign ${campaign.id}: ${decided} of ${campaign.items.length} items decided. jcgraph review status ${safeText(dirArg)} shows who is left.\n`;
    io.stdout.write(out);
  }
  for (const e of result.errors) io.stderr.write(`jcgraph review import: ${safeText(formatSheetError(e))}\n`);
  return result.errors.length > 0 ? 1 : 0;
}

async function status(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('review status', argv, {});
  if (positionals.length !== 1) throw new UsageError('jcgraph review status: give the campaign directory (see jcgraph review --help)');
  const s = campaignStatus(await readCampaign(resolve(io.cwd, positionals[0]!)));
  if (values.json) {
    writeJson(io, s);
    return 0;
  }
  let out = '';
  if (s.partialNotice) out += `${safeText(s.partialNotice)}\n`;
  out += `Campaign ${s.campaign} of ${safeText(s.orgId || 'the organization')}, started ${s.startedAt}${s.closedAt ? `, closed ${s.closedAt}` : ''}: ${s.decided} of ${s.total} items decided (keep ${s.decisions.keep}, revoke ${s.decisions.revoke}, flag ${s.decisions.flag}).\n`;
  out += table(
    s.reviewers.map((r) => [
      r.reviewer,
      `${r.decided}/${r.total}`,
      String(r.decisions.keep),
      String(r.decisions.revoke),
      String(r.decisions.flag),
      r.selfReviewsWithoutReason.length > 0 ? String(r.selfReviewsWithoutReason.length) : '',
    ]),
    ['reviewer', 'decided', 'keep', 'revoke', 'flag', 'self-reviews without reason'],
  );
  const flagged = s.reviewers.flatMap((r) => r.flagged.map((f) => ({ ...f, reviewer: r.reviewer })));
  if (flagged.length > 0) {
    out += `Flagged (${flagged.length}):\n`;
    for (const f of flagged)
      out += `  ${ref(f.user)} → ${ref(f.resource)} (${safeText(f.reviewer)}): ${safeText(f.reason || 'no reason given')}\n`;
  }
  const selfWithout = s.reviewers.flatMap((r) => r.selfReviewsWithoutReason);
  if (selfWithout.length > 0) {
    out += `Self-reviews decided without a reason (${selfWithout.length}): a reviewer deciding on their own access must say why.\n`;
    for (const f of selfWithout) out += `  ${ref(f.user)} → ${ref(f.resource)} (item ${f.item})\n`;
  }
  io.stdout.write(out);
  return 0;
}

const CLOSE_OPTIONS = {
  unreviewed: { type: 'string' },
  out: { type: 'string' },
  snapshot: { type: 'string' },
  rules: { type: 'string' },
  at: { type: 'string' },
  limit: { type: 'string' },
  'no-exemptions': { type: 'boolean' },
} as const;

/** The campaign's snapshot opened as a graph: `--snapshot` if given, else where review start read it; its SHA-256 must be the campaign's. */
/** The previous campaign of `--previous DIR`, with the graph of its snapshot when that file is still there unchanged. */
async function previousCampaign(dirArg: string, io: CliIo): Promise<{ campaign: Campaign; graph?: AccessGraph }> {
  const campaign = await readCampaign(resolve(io.cwd, dirArg));
  const path = [campaign.snapshot.location, resolve(io.cwd, campaign.snapshot.path)].find((p) => existsSync(p));
  if (path === undefined) return { campaign };
  const opened = await openSnapshotGraph(path);
  // A file of that name that is not the reviewed snapshot any more: compare with the population only.
  return opened.sha256 === campaign.snapshot.sha256 ? { campaign, graph: opened.graph } : { campaign };
}

async function campaignGraph(campaign: Campaign, given: string | undefined, io: CliIo) {
  const candidates = given !== undefined ? [resolve(io.cwd, given)] : [campaign.snapshot.location, resolve(io.cwd, campaign.snapshot.path)];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined)
    throw new ReviewError(
      `The campaign's snapshot ${given ?? campaign.snapshot.location} is not there; name it with --snapshot FILE (its SHA-256 must be ${campaign.snapshot.sha256.slice(0, 16)}…).`,
    );
  const opened = await openSnapshotGraph(path);
  if (opened.sha256 !== campaign.snapshot.sha256)
    throw new ReviewError(
      `The snapshot ${given ?? path} is not the one campaign ${campaign.id} reviewed: its SHA-256 is ${opened.sha256.slice(0, 16)}…, the campaign's ${campaign.snapshot.sha256.slice(0, 16)}…; a plan is made on the reviewed population only.`,
    );
  return { ...opened, path: given ?? campaign.snapshot.path };
}

function closeText(dir: string, closed: Campaign, result: ClosedCampaign, limit: number): string {
  const c = closed.closed!;
  const s = c.summary;
  let out = '';
  if (closed.snapshot.partialNotice) out += `${safeText(closed.snapshot.partialNotice)}\n`;
  out += `Campaign ${closed.id} closed: ${plural(s.items, 'item')}: keep ${s.keep}, revoke ${s.revoke}, flag ${s.flag}, unreviewed ${s.unreviewed} (recorded as ${c.unreviewed}${c.unreviewed === 'revoke' ? ': the plan ends them too' : ''}).\n`;
  if (s.selfReviewsWithoutReason > 0)
    out += `${plural(s.selfReviewsWithoutReason, 'self-review')} decided without a reason (jcgraph review status ${safeText(dir)} lists them).\n`;
  const asked = s.revoked + s.conflicts;
  out += `The plan ends ${s.revoked} of the ${plural(asked, 'binding')} to revoke with ${plural(s.changes, 'change')}; `;
  out += s.verified
    ? 're-traversal confirms every one ends and every binding decided keep stays.\n'
    : `WARNING: re-traversal does not confirm it (${result.remediation.stillReached.length} still reached, ${result.remediation.keptLost.length} kept bindings lost).\n`;
  if (c.conflicts.length > 0) {
    out += `${plural(c.conflicts.length, 'conflict')} (left out of the plan):\n`;
    for (const x of c.conflicts.slice(0, limit)) {
      out += `  ${ref(x.subject)} → ${ref(x.target)}: ${safeText(x.reason)}\n`;
      // Each list cut to --limit as the others are: one conflict through a company-wide group keeps hundreds.
      const more = (n: number): string => (n > limit ? `, … and ${n - limit} more` : '');
      if (x.kept.length > 0)
        out += `    kept: ${x.kept
          .slice(0, limit)
          .map((k) => `${ref(k.subject)} → ${ref(k.target)}`)
          .join(', ')}${more(x.kept.length)}\n`;
      if (x.sharedEdges.length > 0)
        out += `    ${x.kind === 'uncuttable' ? 'edges' : 'shared edges'}: ${safeText(x.sharedEdges.slice(0, limit).join(', '))}${more(x.sharedEdges.length)}\n`;
    }
    if (c.conflicts.length > limit) out += `  … and ${c.conflicts.length - limit} more (--json for all)\n`;
  }
  out +=
    c.collateral.length === 0
      ? 'Collateral: none; the plan ends no binding that was not decided revoke.\n'
      : `Collateral: ${plural(c.collateral.length, 'binding')} nobody decided revoke ${c.collateral.length === 1 ? 'ends' : 'end'} with the plan:\n${capped(
          c.collateral.map((b) => `${ref(b.subject)} → ${ref(b.target)} (${b.status})`),
          limit,
        )}`;
  out += `${plural(result.remediation.steps.length, 'step')}:\n`;
  result.remediation.steps.slice(0, limit).forEach((step, i) => {
    // An exemption the removal after it makes hold (a review-required group) ends nothing itself, as in revoke.
    const ends =
      step.action === 'exempt' && step.exemption.removedBy !== 'rule'
        ? 'ends nothing by itself'
        : `ends ${plural(step.revokes.length, 'revoked binding')}`;
    out += `  ${i + 1}. ${stepHead(result.graph, step)}   (${ends})\n`;
    out += stepDetail(step, '     ');
  });
  if (result.remediation.steps.length > limit)
    out += `  … and ${result.remediation.steps.length - limit} more (--json, or the plan file)\n`;
  return out;
}

async function close(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('review close', argv, CLOSE_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('jcgraph review close: give the campaign directory (see jcgraph review --help)');
  const unreviewed = values.unreviewed;
  if (unreviewed === undefined || !(DECISIONS as readonly string[]).includes(unreviewed))
    throw new UsageError(
      `jcgraph review close: say what the items nobody decided are recorded as: --unreviewed keep, revoke or flag${unreviewed === undefined ? '' : `, not "${unreviewed}"`}`,
    );
  const planPath = planOutput(values.out, io);
  if (!planPath) throw new UsageError('jcgraph review close: give the plan file to write with --out PLAN.json');
  const limit = parseLimit('review close', values.limit);
  const at = parseAt('review close', values.at);
  const rules = values.rules !== undefined ? await rulesOption('review close', values.rules, io, false) : undefined;
  const dir = resolve(io.cwd, positionals[0]!);
  const campaign = await readCampaign(dir);
  if (campaign.closed)
    throw new ReviewError(`Campaign ${campaign.id} was closed at ${campaign.closed.closedAt} with the plan ${campaign.closed.plan.path}.`);
  const { graph, meta, sha256, path } = await campaignGraph(campaign, values.snapshot, io);
  const result = closeCampaign(graph, campaign, {
    unreviewed: unreviewed as DecisionValue,
    planPath: planPath.shown,
    snapshot: planSnapshotOf(meta, sha256, path),
    ...(values['no-exemptions'] === true ? { remediation: { exemptions: false } } : {}),
  });
  let closed = result.campaign;
  if (rules) {
    const verdict = changeViolations(graph, rules, result.remediation.changes, { now: at });
    if (verdict.added.length > 0) {
      io.stderr.write(violationsVerdict(values.rules!, verdict));
      io.stderr.write(`jcgraph review close: the plan was not written and the campaign stays open.\n`);
      return 1;
    }
    const bytes = await readFile(resolve(io.cwd, values.rules!));
    closed = {
      ...closed,
      closed: {
        ...closed.closed!,
        rules: { file: values.rules!, sha256: createHash('sha256').update(bytes).digest('hex'), resolved: verdict.resolved.length },
      },
    };
  }
  const written = await writePlan(planPath, result.plan);
  await writeCampaign(dir, closed);
  if (values.json)
    writeJson(io, {
      campaign: closed.id,
      closed: closed.closed,
      plan: { path: planPath.shown, digest: result.plan.digest },
      steps: result.remediation.steps,
      conflicts: result.remediation.conflicts,
      search: result.remediation.search,
    });
  else io.stdout.write(closeText(positionals[0]!, closed, { ...result, graph }, limit) + written);
  return result.remediation.verified ? 0 : 1;
}

const EVIDENCE_OPTIONS = {
  out: { type: 'string' },
  after: { type: 'string' },
  plan: { type: 'string' },
  'apply-evidence': { type: 'string' },
  snapshot: { type: 'string' },
} as const;

async function readBytes(path: string, what: string, hint: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ReviewError(`${what} ${unreadable(error)}${hint}.`);
  }
}

async function evidence(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('review evidence', argv, EVIDENCE_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('jcgraph review evidence: give the campaign directory (see jcgraph review --help)');
  if (values.out === undefined) throw new UsageError('jcgraph review evidence: give the folder to write with --out PACK');
  const campaign = await readCampaign(resolve(io.cwd, positionals[0]!));
  const closed = campaign.closed;
  let plan: { bytes: Uint8Array; file: PlanFile } | undefined;
  let planLocation: string | undefined;
  if (closed || values.plan !== undefined) {
    const shown = values.plan ?? closed!.plan.path;
    planLocation = resolve(io.cwd, shown);
    const bytes = await readBytes(planLocation, `The plan ${shown}`, values.plan === undefined ? '; name it with --plan PLAN.json' : '');
    plan = { bytes, file: await readPlanFile(planLocation) };
  }
  const applyPath =
    values['apply-evidence'] !== undefined
      ? resolve(io.cwd, values['apply-evidence'])
      : planLocation !== undefined && existsSync(`${planLocation}.evidence.json`)
        ? `${planLocation}.evidence.json`
        : undefined;
  const applyEvidence =
    applyPath !== undefined ? await readBytes(applyPath, `The apply evidence ${values['apply-evidence'] ?? applyPath}`, '') : undefined;
  let postCheck: PostRemediationCheck | undefined;
  if (values.after !== undefined) {
    const before = await campaignGraph(campaign, values.snapshot, io);
    const after = await openSnapshotGraph(resolve(io.cwd, values.after));
    if (after.meta.orgId !== campaign.snapshot.orgId || after.meta.apiHost !== campaign.snapshot.apiHost)
      throw new ReviewError(
        `The snapshot ${values.after} is of ${after.meta.orgId || "the key's own organization"} at ${after.meta.apiHost}, not of the campaign's ${campaign.snapshot.orgId || 'organization'} at ${campaign.snapshot.apiHost}.`,
      );
    postCheck = postRemediationCheck(campaign, before.graph, after.graph, {
      path: values.after,
      sha256: after.sha256,
      orgId: after.meta.orgId,
      startedAt: after.meta.startedAt,
      complete: after.meta.coverage === undefined || after.meta.coverage.complete,
    });
  }
  const files = evidencePack({
    campaign,
    ...(plan ? { plan } : {}),
    ...(applyEvidence ? { applyEvidence } : {}),
    ...(postCheck ? { postCheck } : {}),
  });
  await writeEvidencePack(resolve(io.cwd, values.out), files);
  const failed = postCheck !== undefined && !postCheck.passed;
  if (values.json) {
    writeJson(io, { campaign: campaign.id, out: values.out, files: files.map((f) => f.name), ...(postCheck ? { postCheck } : {}) });
    return failed ? 1 : 0;
  }
  let out = '';
  if (campaign.snapshot.partialNotice) out += `${safeText(campaign.snapshot.partialNotice)}\n`;
  out += `Evidence of campaign ${campaign.id} written to ${safeText(values.out)}: ${files.map((f) => f.name).join(', ')}.\n`;
  if (!closed) out += 'The campaign is not closed: the pack holds no plan.\n';
  if (closed && !applyEvidence) out += 'No apply evidence was found beside the plan (--apply-evidence FILE names it).\n';
  if (postCheck) {
    const still = postCheck.revoked.filter((b) => b.present);
    const gone = postCheck.kept.filter((b) => !b.present);
    out += postCheck.passed
      ? `Post-remediation check passed on ${safeText(values.after!)}: all ${postCheck.revoked.length} revoked bindings are absent, all ${postCheck.kept.length} kept bindings present.\n`
      : `Post-remediation check FAILED on ${safeText(values.after!)}: ${still.length} revoked bindings still present, ${gone.length} kept bindings gone${postCheck.snapshot.complete ? '' : ', and the snapshot is partial (a binding it lacks may only be unread)'}.\n`;
    for (const b of still.slice(0, 20)) out += `  still present: ${ref(b.subject)} → ${ref(b.target)}\n`;
    for (const b of gone.slice(0, 20)) out += `  gone: ${ref(b.subject)} → ${ref(b.target)}\n`;
    out += `${plural(postCheck.otherChanges.length, 'other change')} between the snapshots (post-remediation.json lists them).\n`;
  }
  out += `Check the files with: (cd ${safeText(values.out)} && sha256sum -c MANIFEST.sha256)\n`;
  io.stdout.write(out);
  return failed ? 1 : 0;
}

const SUBCOMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  start,
  import: importSheets,
  status,
  close,
  evidence,
};

export const reviewCommand: Command = {
  name: 'review',
  summary: SUMMARY,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = argv;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run)
      throw new UsageError(
        `jcgraph review: ${sub === undefined ? 'give a subcommand' : `unknown subcommand "${sub}"`}: ${Object.keys(SUBCOMMANDS).join(', ')} (see jcgraph review --help)`,
      );
    return run(rest, io);
  },
};
