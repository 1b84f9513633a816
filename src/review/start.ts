/**
 * `review start`: a campaign from a snapshot's graph. The population is frozen with the snapshot's
 * identity (SHA-256 of its bytes, organization, fetch time) and coverage: a partial snapshot is refused
 * unless the caller allows it, and then every page of the campaign and its evidence says so. Then one
 * worksheet per reviewer (CSV and HTML) and `campaign.json`, every file written atomically with mode 0600.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Coverage } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { TOOL_VERSION } from '../common/version.ts';
import { coverageBanner } from '../report/coverage.ts';
import { ReviewError } from '../errors.ts';
import { CAMPAIGN_FORMAT, CAMPAIGN_VERSION, type Campaign, type CampaignItem, type CampaignSnapshot } from './format.ts';
import { campaignPath, writeCampaign, writeCampaignFile } from './file.ts';
import { buildPopulation, type PathPicture } from './population.ts';
import { compareWithPrevious } from './previous.ts';
import type { ReviewerAssigner } from './reviewers.ts';
import type { Scope } from './scope.ts';
import { worksheetCsv, worksheetName } from './worksheet.ts';
import { worksheetHtml } from './worksheet-html.ts';

/** The snapshot a campaign starts from: its metadata as the snapshot file holds it, and the SHA-256 of its bytes. */
export interface StartSnapshot {
  /** The snapshot file as the user named it. */
  readonly path: string;
  /** Its absolute path. */
  readonly location: string;
  readonly sha256: string;
  readonly meta: {
    readonly orgId: string;
    readonly apiHost: string;
    readonly startedAt: string;
    readonly fetchedAt: string;
    readonly toolVersion: string;
    readonly coverage?: Coverage;
  };
}

/** What `review start` is given. */
export interface StartOptions {
  readonly snapshot: StartSnapshot;
  readonly scope: Scope;
  readonly reviewers: ReviewerAssigner;
  /** The owners file's name and SHA-256, when reviewers come from one. */
  readonly ownersFile?: { readonly path: string; readonly sha256: string };
  /**
   * Start on a partial snapshot (every page then says what it lacks).
   * @default false
   */
  readonly allowPartial?: boolean;
  /**
   * When the campaign starts.
   * @default now
   */
  readonly now?: Date;
  /**
   * The previous campaign, and the graph of its snapshot when it is at hand (previous.ts).
   * @default none
   */
  readonly previous?: { readonly campaign: Campaign; readonly graph?: AccessGraph };
}

/** A started campaign and its items' path pictures (for the HTML worksheets). */
export interface StartedCampaign {
  readonly campaign: Campaign;
  readonly pictures: ReadonlyMap<string, readonly PathPicture[]>;
}

/** The sentence a partial campaign shows on every page. */
function partialNotice(coverage: Coverage): string {
  return `PARTIAL: this campaign was started with --allow-partial on a snapshot that is not complete. ${coverageBanner(coverage).replace(/^PARTIAL: this review is/, 'It is')}`;
}

/** The snapshot identity a campaign records; ReviewError for a partial snapshot unless allowed. */
export function campaignSnapshot(snapshot: StartSnapshot, allowPartial: boolean): CampaignSnapshot {
  const { meta } = snapshot;
  const coverage = meta.coverage;
  const partial = coverage !== undefined && !coverage.complete;
  if (partial && !allowPartial) {
    throw new ReviewError(
      `The snapshot ${snapshot.path} is partial (the fetch could not read ${coverage.gaps.length} ${coverage.gaps.length === 1 ? 'collection' : 'collections'}; jcgraph coverage lists them), so its population is not complete: fetch again, or give --allow-partial to review it anyway (every page of the campaign and its evidence will say so).`,
    );
  }
  return {
    path: snapshot.path,
    location: snapshot.location,
    sha256: snapshot.sha256,
    orgId: meta.orgId,
    apiHost: meta.apiHost,
    startedAt: meta.startedAt,
    fetchedAt: meta.fetchedAt,
    toolVersion: meta.toolVersion,
    complete: !partial,
    gaps: coverage?.gaps.length ?? 0,
    ...(partial ? { partialNotice: partialNotice(coverage) } : {}),
  };
}

/** A new campaign on `g` (the graph of `options.snapshot`). */
export function startCampaign(g: AccessGraph, options: StartOptions): StartedCampaign {
  const snapshot = campaignSnapshot(options.snapshot, options.allowPartial === true);
  const startedAt = (options.now ?? new Date()).toISOString();
  const { items, pictures } = buildPopulation(g, { snapshotSha256: snapshot.sha256, scope: options.scope, reviewers: options.reviewers });
  const base: Campaign = {
    format: CAMPAIGN_FORMAT,
    version: CAMPAIGN_VERSION,
    id: `c-${createHash('sha256').update(`${snapshot.sha256}\0${startedAt}`, 'utf8').digest('hex').slice(0, 16)}`,
    startedAt,
    tool: { name: 'jcgraph', version: TOOL_VERSION },
    snapshot,
    scope: { given: options.scope.given, description: options.scope.description },
    reviewers: {
      method: options.reviewers.method,
      ...(options.ownersFile ? { ownersFile: options.ownersFile } : {}),
      ...(options.reviewers.fallback !== undefined ? { fallback: options.reviewers.fallback } : {}),
    },
    items,
    decisions: [],
    superseded: [],
    imports: [],
  };
  if (!options.previous) return { campaign: base, pictures };
  const compared = compareWithPrevious(base, options.previous.campaign, options.previous.graph);
  return { campaign: { ...base, items: compared.items, previous: compared.previous }, pictures };
}

/** One reviewer's worksheet files, relative to the campaign directory. */
export interface WorksheetFiles {
  readonly reviewer: string;
  readonly items: number;
  readonly selfReviews: number;
  readonly csv: string;
  readonly html: string;
}

/** Items by reviewer, reviewers in name order. */
export function itemsByReviewer(items: readonly CampaignItem[]): Map<string, CampaignItem[]> {
  const by = new Map<string, CampaignItem[]>();
  for (const item of items) {
    const list = by.get(item.reviewer.name);
    if (list) list.push(item);
    else by.set(item.reviewer.name, [item]);
  }
  return new Map([...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Writes a started campaign into `dir` (created when missing, mode 0700): `campaign.json` and, in
 * `worksheets/`, each reviewer's CSV and HTML. ReviewError when `dir` already holds a campaign.
 */
export async function writeStartedCampaign(dir: string, started: StartedCampaign): Promise<WorksheetFiles[]> {
  const existing = await stat(campaignPath(dir)).catch(() => undefined);
  if (existing) throw new ReviewError(`${dir} already holds a campaign (campaign.json); start a new one in another directory.`);
  try {
    await mkdir(join(dir, 'worksheets'), { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ReviewError(`Could not create the campaign directory ${dir}${code ? ` (${code})` : ''}.`, { cause: error });
  }
  const { campaign, pictures } = started;
  const files: WorksheetFiles[] = [];
  for (const [reviewer, items] of itemsByReviewer(campaign.items)) {
    const name = worksheetName(reviewer, createHash('sha256').update(reviewer, 'utf8').digest('hex'));
    const csv = `worksheets/${name}.csv`;
    const html = `worksheets/${name}.html`;
    await writeCampaignFile(join(dir, csv), [worksheetCsv(campaign, items)]);
    await writeCampaignFile(join(dir, html), [worksheetHtml(campaign, reviewer, items, pictures, `${name}.csv`)]);
    files.push({ reviewer, items: items.length, selfReviews: items.filter((i) => i.selfReview).length, csv, html });
  }
  // The campaign file last: a directory with campaign.json holds every worksheet it speaks of.
  await writeCampaign(dir, campaign);
  return files;
}
