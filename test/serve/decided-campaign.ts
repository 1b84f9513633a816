/**
 * A campaign with decisions, for the tests of `serve --campaign`: `review start` on the review tests'
 * organization (org-review), then decisions written into its campaign file on the first five items
 * (keep, revoke, flag, revoke, keep; the revoke's reason looks like markup), the rest left undecided.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { readCampaign, writeCampaign, type Campaign, type Decision } from '../../src/review/index.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { cli } from '../cli/run.ts';
import { reviewTenant } from '../review/review-tenant.ts';

/** The reason of the second item's decision: markup that must show as text. */
export const MARKUP_REASON = '<img src=x onerror=alert(1)> left the company';

function decisions(campaign: Campaign): Decision[] {
  const values = ['keep', 'revoke', 'flag', 'revoke', 'keep'] as const;
  return values.map((decision, i) => ({
    item: campaign.items[i]!.id,
    decision,
    reason: i === 1 ? MARKUP_REASON : `reason ${i}`,
    reviewer: campaign.items[i]!.reviewer.name,
    decidedAt: `2025-03-0${i + 1}T10:00:00.000Z`,
    importedAt: '2025-03-06T10:00:00.000Z',
    source: { file: 'sheet.csv', sha256: '0'.repeat(64), line: i + 2 },
  }));
}

/** Writes `ROOT/acme.json` (the snapshot) and `ROOT/c` (the decided campaign); returns the campaign directory. */
export async function writeDecidedCampaign(root: string): Promise<string> {
  await saveHandMadeSnapshot(join(root, 'acme.json'), reviewTenant());
  const r = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c', '--json'], { cwd: root });
  expect(r.code, r.stderr).toBe(0);
  const dir = join(root, 'c');
  const started = await readCampaign(dir);
  expect(started.items.length).toBeGreaterThan(8);
  await writeCampaign(dir, { ...started, decisions: decisions(started) });
  return dir;
}
