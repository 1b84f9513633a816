/**
 * The evidence pack of a campaign (`review evidence DIR --out PACK/`): a folder an auditor can take.
 *
 * - `population.csv`, `population.json`: every item reviewed, with its provenance (`provenance.json`:
 *   the snapshot's SHA-256, its fetch, coverage, the jcgraph versions that fetched and that reviewed,
 *   the scope, how reviewers were assigned, every worksheet imported by its SHA-256);
 * - `decisions.csv`, `decisions.json`: each item's outcome, with the reviewer, the times and the reason,
 *   and the worksheet line it came from (superseded decisions kept in the JSON);
 * - `close.json` and `plan.json` (the plan file as written, its digest checked) once the campaign is closed;
 * - `apply-evidence.json`: `jcgraph apply`'s evidence for that plan, when there is one;
 * - `post-remediation.json`: the check against a snapshot fetched after the apply, when one is given;
 * - `summary.md` and `summary.html`: all of it in plain words;
 * - `MANIFEST.sha256`: the SHA-256 of every other file, as `sha256sum -c` reads it.
 *
 * A partial snapshot's notice opens every page (the first line of each CSV, a field of each JSON file,
 * the top of each summary). Nothing in the pack says the review meets a standard: it states what was
 * reviewed, decided, changed and checked.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TOOL_VERSION } from '../common/version.ts';
import { isJsonObject } from '../model/index.ts';
import { formatReference, type NamedRef } from '../analysis/index.ts';
import { escapeHtml, ObjectTable, renderPage, type TableSpec } from '../report/html.ts';
import { csvCell } from '../report/csv.ts';
import type { PlanFile } from '../plan/index.ts';
import { ReviewError } from '../errors.ts';
import type { Campaign, CampaignItem, Decision } from './format.ts';
import { writeCampaignFile } from './file.ts';
import type { PostRemediationCheck } from './post-check.ts';
import { campaignStatus } from './status.ts';
import { WORKSHEET_COLUMNS } from './worksheet.ts';

/** What the pack is made from. */
export interface EvidenceInput {
  readonly campaign: Campaign;
  /** The closed campaign's plan file: its bytes as written, and as read (its digest checked). */
  readonly plan?: { readonly bytes: Uint8Array; readonly file: PlanFile };
  /** `jcgraph apply`'s evidence for the plan: its bytes as written. */
  readonly applyEvidence?: Uint8Array;
  readonly postCheck?: PostRemediationCheck;
  /**
   * When the pack is made.
   * @default now
   */
  readonly now?: Date;
}

/** One file of the pack. */
export interface PackFile {
  readonly name: string;
  readonly content: string | Uint8Array;
}

/** What the apply's evidence says, read without trusting its shape. */
interface ApplySummary {
  /** `apply` or `undo` (an undo's evidence given by hand). */
  readonly run: string;
  /** Nothing was sent (apply without --yes). */
  readonly dryRun: boolean;
  readonly result: string;
  readonly summary: string;
  readonly digest: string;
  readonly steps: number;
  readonly finishedAt: string;
}

function readApplyEvidence(bytes: Uint8Array, planDigest: string | undefined): ApplySummary {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ReviewError('The apply evidence is not valid JSON (truncated or corrupt).', { cause: error });
  }
  if (!isJsonObject(data) || data['format'] !== 'jcgraph-apply-evidence')
    throw new ReviewError('The apply evidence is not a jcgraph apply evidence file.');
  const plan = isJsonObject(data['plan']) ? data['plan'] : {};
  const digest = typeof plan['digest'] === 'string' ? plan['digest'] : '';
  if (planDigest !== undefined && digest !== planDigest)
    throw new ReviewError(
      `The apply evidence is of another plan (digest ${digest.slice(0, 19)}…, the campaign's plan ${planDigest.slice(0, 19)}…).`,
    );
  return {
    run: typeof data['run'] === 'string' ? data['run'] : 'apply',
    dryRun: data['dryRun'] === true,
    result: typeof data['result'] === 'string' ? data['result'] : '?',
    summary: typeof data['summary'] === 'string' ? data['summary'] : '',
    digest,
    steps: Array.isArray(data['steps']) ? data['steps'].length : 0,
    finishedAt: typeof data['finishedAt'] === 'string' ? data['finishedAt'] : '',
  };
}

const sha256 = (content: string | Uint8Array): string => createHash('sha256').update(content).digest('hex');

function csv(notice: string | undefined, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [...(notice ? [csvCell(`# ${notice}`)] : []), header.join(','), ...rows.map((r) => r.map((c) => csvCell(c)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** What happened to each item, in words: its decision, and what the plan did about it. */
function outcomes(campaign: Campaign): Map<string, { decision: Decision | undefined; outcome: string; plan: string }> {
  const decided = new Map(campaign.decisions.map((d) => [d.item, d]));
  const closed = campaign.closed;
  const revoked = new Set(closed?.revoked ?? []);
  const conflicts = new Set((closed?.conflicts ?? []).flatMap((c) => (c.item !== undefined ? [c.item] : [])));
  const collateral = new Set((closed?.collateral ?? []).flatMap((c) => (c.item !== undefined ? [c.item] : [])));
  const out = new Map<string, { decision: Decision | undefined; outcome: string; plan: string }>();
  for (const item of campaign.items) {
    const d = decided.get(item.id);
    const outcome = d ? d.decision : closed ? `unreviewed (recorded ${closed.unreviewed})` : 'unreviewed';
    const plan = !closed
      ? 'not closed'
      : revoked.has(item.id)
        ? 'ended by the plan'
        : conflicts.has(item.id)
          ? 'left out: conflict'
          : collateral.has(item.id)
            ? 'ended by the plan (collateral)'
            : 'unchanged by the plan';
    out.set(item.id, { decision: d, outcome, plan });
  }
  return out;
}

const n = (x: number): string => x.toLocaleString('en');
const pair = (b: { readonly subject: NamedRef; readonly target: NamedRef }): string =>
  `${formatReference(b.subject)} → ${formatReference(b.target)}`;

/** Kept bindings of a conflict, the first few (one through a company-wide group keeps hundreds; close.json has them all). */
function keptList(kept: readonly { readonly subject: NamedRef; readonly target: NamedRef }[]): string {
  const shown = 3;
  return `${kept.slice(0, shown).map(pair).join(', ')}${kept.length > shown ? `, and ${n(kept.length - shown)} more` : ''}`;
}

/** The summary's sections as plain text paragraphs and lists (Markdown and HTML are written from them). */
interface Section {
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly list?: readonly string[];
  /** When the list was cut: how many items there are in all, and where they all are. */
  readonly more?: { readonly total: number; readonly where: string };
}

const LIST_LIMIT = 50;

function listed(items: readonly string[], where: string): Pick<Section, 'list' | 'more'> {
  return items.length > LIST_LIMIT ? { list: items.slice(0, LIST_LIMIT), more: { total: items.length, where } } : { list: items };
}

function sections(input: EvidenceInput, apply: ApplySummary | undefined): Section[] {
  const { campaign, postCheck } = input;
  const s = campaign.snapshot;
  const status = campaignStatus(campaign);
  const closed = campaign.closed;
  const out: Section[] = [];
  out.push({
    title: 'What was reviewed',
    paragraphs: [
      `Campaign ${campaign.id} reviewed ${n(campaign.items.length)} bindings (${campaign.scope.description}) of the organization ${s.orgId || "(the key's own)"} at ${s.apiHost}, as the snapshot fetched from ${s.startedAt} to ${s.fetchedAt} shows them (SHA-256 ${s.sha256}, written by jcgraph ${s.toolVersion}). The campaign started ${campaign.startedAt} with jcgraph ${campaign.tool.version}; this pack was made with jcgraph ${TOOL_VERSION}.`,
      s.complete
        ? 'The snapshot is complete: the fetch read every collection it planned.'
        : `The snapshot is partial: the fetch could not read ${s.gaps} ${s.gaps === 1 ? 'collection' : 'collections'}, so access that depends on them is missing from the population.`,
      `Reviewers were assigned ${campaign.reviewers.method === 'manager' ? "from each user's manager attribute" : `from the owners file ${campaign.reviewers.ownersFile?.path ?? ''} (SHA-256 ${campaign.reviewers.ownersFile?.sha256 ?? ''})`}${campaign.reviewers.fallback !== undefined ? `, with ${campaign.reviewers.fallback} reviewing what nothing else assigned` : ''}. ${n(campaign.items.filter((i) => i.selfReview).length)} items were their reviewer's own access.`,
    ],
  });
  out.push({
    title: 'What was decided',
    paragraphs: [
      `${n(status.decided)} of ${n(status.total)} items were decided: keep ${n(status.decisions.keep)}, revoke ${n(status.decisions.revoke)}, flag ${n(status.decisions.flag)}. ${n(status.total - status.decided)} were not reviewed${closed ? ` and were recorded as ${closed.unreviewed} when the campaign closed${closed.unreviewed === 'revoke' ? ' (the plan ends them too)' : ''}` : ''}.`,
      `Decisions came from ${n(campaign.imports.length)} imported ${campaign.imports.length === 1 ? 'worksheet' : 'worksheets'}, each named in decisions.json by its SHA-256; ${n(campaign.superseded.length)} earlier decisions were replaced by later imports and are kept there too.`,
    ],
    list: status.reviewers.map(
      (r) =>
        `${r.reviewer}: ${n(r.decided)} of ${n(r.total)} decided (keep ${n(r.decisions.keep)}, revoke ${n(r.decisions.revoke)}, flag ${n(r.decisions.flag)})${r.selfReviewsWithoutReason.length > 0 ? `; ${n(r.selfReviewsWithoutReason.length)} own access decided without a reason` : ''}`,
    ),
  });
  if (!closed) {
    out.push({ title: 'What the plan changes', paragraphs: ['The campaign is not closed: no plan has been made.'] });
  } else {
    const c = closed.summary;
    out.push({
      title: 'What the plan changes',
      paragraphs: [
        `The campaign closed ${closed.closedAt} with one plan (plan.json, digest ${closed.plan.digest}) of ${n(c.changes)} ${c.changes === 1 ? 'change' : 'changes'}. It ends ${n(c.revoked)} of the ${n(c.revoked + c.conflicts)} bindings to revoke and keeps every binding decided keep; ${c.verified ? 'jcgraph re-traversed the snapshot with the changes made and found exactly that' : 'jcgraph could NOT confirm that by re-traversal'}.`,
        `It also ends ${n(c.collateral)} ${c.collateral === 1 ? 'binding' : 'bindings'} nobody decided to revoke (listed in close.json).${closed.rules ? ` The plan was checked against the rule file ${closed.rules.file} (SHA-256 ${closed.rules.sha256}) and adds no violation of it.` : ''}`,
        closed.conflicts.length === 0
          ? 'No revoke was left out.'
          : `${n(closed.conflicts.length)} ${closed.conflicts.length === 1 ? 'revoke was' : 'revokes were'} left out of the plan because every way to end them would also end a binding decided keep (or needs a change jcgraph does not make); each is listed with the kept bindings and the edges they share:`,
      ],
      ...listed(
        closed.conflicts.map((x) => `${pair(x)}: ${x.reason}${x.kept.length > 0 ? ` (kept: ${keptList(x.kept)})` : ''}`),
        'close.json',
      ),
    });
  }
  out.push({
    title: 'What was applied',
    paragraphs: [
      apply
        ? `${apply.dryRun ? `jcgraph apply checked the plan (digest ${apply.digest}) as a dry run, sending nothing,` : `jcgraph ${apply.run === 'undo' ? 'apply --undo reversed' : 'apply ran'} the plan (digest ${apply.digest})`} and finished ${apply.finishedAt}: ${apply.result}. ${apply.summary} Its own evidence is apply-evidence.json (${n(apply.steps)} steps, each with its state${apply.dryRun ? '' : ', the times sent and answered and the status'}).`
        : 'No evidence of the plan being applied is in this pack.',
    ],
  });
  if (!postCheck) {
    out.push({
      title: 'What was checked afterwards',
      paragraphs: ['No snapshot fetched after the changes was given, so nothing was checked afterwards.'],
    });
  } else {
    const p = postCheck;
    const stillThere = p.revoked.filter((b) => b.present);
    const keptGone = p.kept.filter((b) => !b.present);
    const collateralBack = p.collateral.filter((b) => b.present);
    out.push({
      title: 'What was checked afterwards',
      paragraphs: [
        `The snapshot ${p.snapshot.path} (SHA-256 ${p.snapshot.sha256}, fetched from ${p.snapshot.startedAt}) was compared with the campaign.${p.snapshot.complete ? '' : ' That snapshot is PARTIAL: a binding missing from it may only be unread, so the check cannot pass on it.'}`,
        `${p.passed ? 'The check passed' : 'The check FAILED'}: ${n(p.revoked.length - stillThere.length)} of ${n(p.revoked.length)} revoked bindings are absent, ${n(p.kept.length - keptGone.length)} of ${n(p.kept.length)} kept bindings are present. ${n(p.collateral.length - collateralBack.length)} of the ${n(p.collateral.length)} bindings the plan ended besides are absent; ${n(p.conflicts.filter((b) => b.present).length)} of the ${n(p.conflicts.length)} revokes left out are still present.`,
        p.otherChanges.length === 0
          ? 'Nothing else changed between the two snapshots.'
          : `Other changes between the two snapshots, which the plan did not make (${n(p.otherChanges.filter((c) => c.change === 'gained').length)} gained, ${n(p.otherChanges.filter((c) => c.change === 'lost').length)} lost):`,
      ],
      ...listed(
        [
          ...stillThere.map((b) => `STILL PRESENT (decided revoke): ${pair(b)}`),
          ...keptGone.map((b) => `GONE (decided keep): ${pair(b)}`),
          ...p.otherChanges.map((c) => `${c.change}: ${pair(c)}`),
        ],
        'post-remediation.json',
      ),
    });
  }
  return out;
}

const PREAMBLE =
  'This pack records what was reviewed, decided, changed and checked, and where each fact comes from. It makes no claim that the review satisfies any standard or control: that is for its reader to judge.';

function markdown(title: string, notice: string | undefined, parts: readonly Section[], files: readonly string[]): string {
  const esc = (t: string): string => t.replace(/([\\`*_[\]<>|#])/g, '\\$1');
  let out = `# ${esc(title)}\n\n`;
  if (notice) out += `> **${esc(notice)}**\n\n`;
  out += `${PREAMBLE}\n\n`;
  for (const s of parts) {
    out += `## ${s.title}\n\n`;
    for (const p of s.paragraphs) out += `${esc(p)}\n\n`;
    if (s.list && s.list.length > 0) out += `${s.list.map((l) => `- ${esc(l)}`).join('\n')}\n\n`;
    if (s.more) out += `(${n(s.more.total - LIST_LIMIT)} more in ${s.more.where}.)\n\n`;
  }
  out += `## Files\n\n${files.map((f) => `- ${esc(f)}`).join('\n')}\n\nEvery file's SHA-256 is in MANIFEST.sha256; \`sha256sum -c MANIFEST.sha256\` in this folder checks them.\n`;
  return out;
}

function html(title: string, notice: string | undefined, parts: readonly Section[], files: readonly string[]): string {
  const body = parts
    .map(
      (s, i) =>
        `<section id="s${i}"><h2>${escapeHtml(s.title)}</h2>${s.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}${
          s.list && s.list.length > 0 ? `<ul>${s.list.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : ''
        }${s.more ? `<p class="note">${n(s.more.total - LIST_LIMIT)} more in ${escapeHtml(s.more.where)}.</p>` : ''}</section>`,
    )
    .join('\n');
  const filesTable: TableSpec = {
    name: 'files',
    title: 'Files',
    columns: [{ key: 'file', title: 'File', kind: 'text' }],
    rows: files.map((f) => [f]),
  };
  return renderPage({
    title,
    intro: escapeHtml(PREAMBLE),
    ...(notice ? { banner: notice } : {}),
    nav: [...parts.map((s, i) => [`s${i}`, s.title] as const), ['files', 'Files']],
    main: `${body}\n<section id="files"><h2>Files</h2><p>Every file's SHA-256 is in MANIFEST.sha256; <code>sha256sum -c MANIFEST.sha256</code> in this folder checks them.</p><div data-table="files"></div></section>`,
    footer: 'jcgraph access review evidence. This file is self-contained: it loads nothing from the network.',
    tables: { files: filesTable },
    objects: new ObjectTable(),
  });
}

/** The files of the pack, MANIFEST.sha256 last (see the module doc). */
export function evidencePack(input: EvidenceInput): PackFile[] {
  const { campaign } = input;
  const notice = campaign.snapshot.partialNotice;
  const closed = campaign.closed;
  if (input.plan && closed && input.plan.file.digest !== closed.plan.digest)
    throw new ReviewError(
      `The plan file's digest (${input.plan.file.digest.slice(0, 19)}…) is not the one campaign ${campaign.id} closed with (${closed.plan.digest.slice(0, 19)}…).`,
    );
  const apply = input.applyEvidence ? readApplyEvidence(input.applyEvidence, closed?.plan.digest) : undefined;
  const made = (input.now ?? new Date()).toISOString();
  const files: PackFile[] = [];
  const provenance = {
    ...(notice ? { partial: notice } : {}),
    campaign: { id: campaign.id, startedAt: campaign.startedAt, jcgraph: campaign.tool.version },
    pack: { madeAt: made, jcgraph: TOOL_VERSION },
    snapshot: campaign.snapshot,
    scope: campaign.scope,
    reviewers: campaign.reviewers,
    worksheets: campaign.imports,
    ...(campaign.previous ? { previous: campaign.previous } : {}),
  };
  files.push({ name: 'provenance.json', content: json(provenance) });
  const itemColumns = WORKSHEET_COLUMNS.filter((c) => c.frozen);
  files.push({
    name: 'population.csv',
    content: csv(
      notice,
      [...itemColumns.map((c) => c.key), 'reviewer_source'],
      campaign.items.map((i: CampaignItem) => [...itemColumns.map((c) => c.value(i)), i.reviewer.source]),
    ),
  });
  files.push({ name: 'population.json', content: json({ ...(notice ? { partial: notice } : {}), provenance, items: campaign.items }) });
  const outcome = outcomes(campaign);
  files.push({
    name: 'decisions.csv',
    content: csv(
      notice,
      [
        'item_id',
        'user',
        'resource_type',
        'resource',
        'outcome',
        'reviewer',
        'reason',
        'decided_at',
        'imported_at',
        'worksheet',
        'worksheet_sha256',
        'worksheet_line',
        'self_review',
        'plan',
      ],
      campaign.items.map((i) => {
        const o = outcome.get(i.id)!;
        const d = o.decision;
        return [
          i.id,
          i.user.name,
          i.resource.type,
          i.resource.name,
          o.outcome,
          d?.reviewer ?? i.reviewer.name,
          d?.reason ?? '',
          d?.decidedAt ?? '',
          d?.importedAt ?? '',
          d?.source.file ?? '',
          d?.source.sha256 ?? '',
          d ? String(d.source.line) : '',
          i.selfReview ? 'yes' : '',
          o.plan,
        ];
      }),
    ),
  });
  files.push({
    name: 'decisions.json',
    content: json({
      ...(notice ? { partial: notice } : {}),
      campaign: campaign.id,
      ...(closed ? { unreviewed: closed.unreviewed } : {}),
      decisions: campaign.decisions,
      superseded: campaign.superseded,
      outcomes: campaign.items.map((i) => ({ item: i.id, outcome: outcome.get(i.id)!.outcome, plan: outcome.get(i.id)!.plan })),
    }),
  });
  if (closed)
    files.push({ name: 'close.json', content: json({ ...(notice ? { partial: notice } : {}), campaign: campaign.id, ...closed }) });
  if (input.plan) files.push({ name: 'plan.json', content: input.plan.bytes });
  if (input.applyEvidence) files.push({ name: 'apply-evidence.json', content: input.applyEvidence });
  if (input.postCheck)
    files.push({ name: 'post-remediation.json', content: json({ ...(notice ? { partial: notice } : {}), ...input.postCheck }) });
  const title = `Access review evidence: campaign ${campaign.id} of ${campaign.snapshot.orgId || 'the organization'}`;
  const parts = sections(input, apply);
  const names = [...files.map((f) => f.name), 'summary.md', 'summary.html'].sort();
  files.push({ name: 'summary.md', content: markdown(title, notice, parts, names) });
  files.push({ name: 'summary.html', content: html(title, notice, parts, names) });
  files.sort((a, b) => (a.name < b.name ? -1 : 1));
  files.push({ name: 'MANIFEST.sha256', content: files.map((f) => `${sha256(f.content)}  ${f.name}\n`).join('') });
  return files;
}

/** Writes the pack into `dir` (created; it must hold no files yet), each file atomically with mode 0600. */
export async function writeEvidencePack(dir: string, files: readonly PackFile[]): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ReviewError(`Could not create the evidence folder ${dir}${code ? ` (${code})` : ''}.`, { cause: error });
  }
  const present = await readdir(dir);
  if (present.length > 0)
    throw new ReviewError(`The evidence folder ${dir} is not empty; give a new folder, so the pack holds nothing else.`);
  for (const f of files) await writeCampaignFile(join(dir, f.name), [f.content]);
}
