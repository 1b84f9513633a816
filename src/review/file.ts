/**
 * The campaign directory on disk: `campaign.json` written through src/io (atomically, mode 0600) with one
 * item per line (a campaign of a large organization holds hundreds of thousands), and read back with its
 * format, version and fields checked. Any problem is a ReviewError naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReviewError } from '../errors.ts';
import { jsonTextChunks } from '../io/json-text.ts';
import { writeOutput, type Chunks } from '../io/output.ts';
import { isJsonObject, type JsonObject } from '../model/index.ts';
import { CAMPAIGN_FORMAT, CAMPAIGN_VERSION, DECISIONS, type Campaign } from './format.ts';
import { unreadable } from '../common/unreadable.ts';

/** The campaign file of a campaign directory. */
export function campaignPath(dir: string): string {
  return join(dir, 'campaign.json');
}

/** Writes a file of the campaign (mode 0600, atomically); ReviewError names it when it cannot be written. */
export async function writeCampaignFile(path: string, chunks: Chunks): Promise<void> {
  try {
    await writeOutput(path, chunks);
  } catch (error) {
    if (error instanceof ReviewError) throw error;
    const code = (error as { code?: string }).code;
    throw new ReviewError(`Could not write ${path}${code ? ` (${code})` : ''}.`, { cause: error });
  }
}

/** Writes `DIR/campaign.json`. */
export async function writeCampaign(dir: string, campaign: Campaign): Promise<void> {
  await writeCampaignFile(campaignPath(dir), [...jsonTextChunks(campaign, { leafDepth: 2, compactLeaves: true }), '\n']);
}

/** Reads and checks `DIR/campaign.json`. */
export async function readCampaign(dir: string): Promise<Campaign> {
  const path = campaignPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const why = unreadable(error, 'has no campaign.json: is it a directory written by jcgraph review start?');
    throw new ReviewError(`The campaign directory ${dir} ${why}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReviewError(`The campaign file ${path} is not valid JSON (truncated or corrupt).`, { cause: error });
  }
  checkCampaign(path, data);
  return data;
}

function checkCampaign(path: string, data: unknown): asserts data is Campaign {
  const fail = (field: string, expected: string): never => {
    throw new ReviewError(`The campaign file ${path} is invalid: ${field} ${expected}.`);
  };
  if (!isJsonObject(data) || data['format'] !== CAMPAIGN_FORMAT) throw new ReviewError(`The file ${path} is not a jcgraph campaign.`);
  if (data['version'] !== CAMPAIGN_VERSION)
    throw new ReviewError(
      `The campaign ${path} has format version ${JSON.stringify(data['version'])}; this jcgraph reads version ${CAMPAIGN_VERSION}.`,
    );
  const object = (v: unknown, field: string): JsonObject => (isJsonObject(v) ? v : fail(field, 'must be an object'));
  const string = (v: unknown, field: string): string => (typeof v === 'string' ? v : fail(field, 'must be a string'));
  const array = (v: unknown, field: string): unknown[] => (Array.isArray(v) ? v : fail(field, 'must be an array'));
  string(data['id'], 'id');
  string(data['startedAt'], 'startedAt');
  const snapshot = object(data['snapshot'], 'snapshot');
  if (!/^[0-9a-f]{64}$/.test(string(snapshot['sha256'], 'snapshot.sha256'))) fail('snapshot.sha256', 'must be 64 hex digits');
  for (const f of ['path', 'orgId', 'apiHost', 'startedAt', 'fetchedAt']) string(snapshot[f], `snapshot.${f}`);
  object(data['scope'], 'scope');
  object(data['reviewers'], 'reviewers');
  const ids = new Set<string>();
  array(data['items'], 'items').forEach((v, i) => {
    const item = object(v, `items[${i}]`);
    const id = string(item['id'], `items[${i}].id`);
    if (ids.has(id)) fail(`items[${i}].id`, `repeats ${id}`);
    ids.add(id);
    string(object(item['user'], `items[${i}].user`)['id'], `items[${i}].user.id`);
    string(object(item['resource'], `items[${i}].resource`)['id'], `items[${i}].resource.id`);
    string(object(item['reviewer'], `items[${i}].reviewer`)['name'], `items[${i}].reviewer.name`);
    array(item['paths'], `items[${i}].paths`);
    array(item['findings'], `items[${i}].findings`);
  });
  for (const list of ['decisions', 'superseded'] as const) {
    array(data[list], list).forEach((v, i) => {
      const d = object(v, `${list}[${i}]`);
      if (!ids.has(string(d['item'], `${list}[${i}].item`))) fail(`${list}[${i}].item`, 'must name an item of the campaign');
      if (!(DECISIONS as readonly unknown[]).includes(d['decision']))
        fail(`${list}[${i}].decision`, `must be one of ${DECISIONS.join(', ')}`);
      string(d['reviewer'], `${list}[${i}].reviewer`);
      string(d['reason'], `${list}[${i}].reason`);
    });
  }
  array(data['imports'], 'imports');
}
