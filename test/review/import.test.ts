/**
 * `review import` and `review status`: decisions from filled worksheets, with who and when; a sheet is
 * checked whole and gives nothing when any of it is wrong, each error naming file, line and column; what
 * spreadsheets do on their own (a byte-order mark or none, CRLF or LF, reordered columns, semicolons,
 * the formula guard kept or dropped) is accepted; hostile and broken sheets are refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCampaign, type Campaign } from '../../src/review/index.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { cli } from '../cli/run.ts';
import { FORMULA_NAME, reviewTenant } from './review-tenant.ts';
import { decide, readSheet, sheetText, type Sheet } from './sheets.ts';

let root: string;
/** A fresh copy of the started campaign for each test. */
let dir: string;
let pristine: string;
let sheets: { reviewer: string; csv: string }[];
let campaign: Campaign;

const run = (argv: string[]) => cli(argv, { cwd: dir });

function sheetOf(reviewer: string): string {
  return join(dir, 'c', sheets.find((s) => s.reviewer === reviewer)!.csv);
}

function itemOf(user: string, resource: string): string {
  return campaign.items.find((i) => i.user.name === user && i.resource.name === resource)!.id;
}

async function save(name: string, text: string | Uint8Array, mtime = new Date('2025-03-04T05:06:07Z')): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await utimes(path, mtime, mtime);
  return name;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jcgraph-review-import-'));
  pristine = join(root, 'pristine');
  await saveHandMadeSnapshot(join(root, 'acme.json'), reviewTenant());
  const r = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'pristine/c', '--json'], { cwd: root });
  expect(r.code, r.stderr).toBe(0);
  sheets = JSON.parse(r.stdout).worksheets;
  campaign = await readCampaign(join(pristine, 'c'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
beforeEach(async () => {
  dir = join(root, `t${++n}`);
  await cp(pristine, dir, { recursive: true });
});

async function bossSheet(): Promise<Sheet> {
  return readSheet(sheetOf('boss'));
}

describe('review import', () => {
  it('takes decisions with who, when and where, and status shows them per reviewer', async () => {
    const filled = decide(await bossSheet(), {
      [itemOf('ann', 'db-01')]: ['keep', 'DBA on call'],
      [itemOf('carl', 'web-01')]: ['Revoke', 'left the company'],
      [itemOf('bob', 'AWS Console')]: [' flag ', 'ask finance'],
      [itemOf('boss', 'web-01')]: ['keep'], // a self-review without a reason
    });
    const file = await save('boss.csv', sheetText(filled));
    const r = await run(['review', 'import', 'c', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^boss\.csv \(boss\): 4 decisions imported, \d+ rows undecided\.$/m);
    const after = await readCampaign(join(dir, 'c'));
    const carl = after.decisions.find((d) => d.item === itemOf('carl', 'web-01'))!;
    expect(carl).toMatchObject({ decision: 'revoke', reason: 'left the company', reviewer: 'boss', decidedAt: '2025-03-04T05:06:07.000Z' });
    expect(carl.source.file).toBe('boss.csv');
    expect(carl.source.line).toBe(filled.rows.findIndex((row) => row['item_id'] === carl.item) + 2);
    expect(after.imports).toHaveLength(1);

    const status = JSON.parse((await run(['review', 'status', 'c', '--json'])).stdout);
    const boss = status.reviewers.find((x: any) => x.reviewer === 'boss');
    expect(boss).toMatchObject({ decided: 4, decisions: { keep: 2, revoke: 1, flag: 1 } });
    expect(boss.flagged.map((f: any) => f.reason)).toEqual(['ask finance']);
    expect(boss.selfReviewsWithoutReason.map((f: any) => f.item)).toEqual([itemOf('boss', 'web-01')]);
    const text = (await run(['review', 'status', 'c'])).stdout;
    expect(text).toMatch(/4 of 21 items decided \(keep 2, revoke 1, flag 1\)/);
    expect(text).toMatch(/^boss +4\/18 +2 +1 +1 +1$/m);
    expect(text).toMatch(/^ {2}user:bob → application:"AWS Console" \(boss\): ask finance$/m);
    expect(text).toMatch(/Self-reviews decided without a reason \(1\)/);
  });

  it('importing the same sheet again changes nothing; a changed decision replaces the earlier one, which is kept', async () => {
    const id = itemOf('ann', 'db-01');
    await run(['review', 'import', 'c', await save('a.csv', sheetText(decide(await bossSheet(), { [id]: ['keep', 'ok'] })))]);
    const again = await run(['review', 'import', 'c', 'a.csv']);
    expect(again.stdout).toMatch(/1 decision imported \(1 already imported\)/);
    await run(['review', 'import', 'c', await save('b.csv', sheetText(decide(await bossSheet(), { [id]: ['revoke', 'not needed'] })))]);
    const after = await readCampaign(join(dir, 'c'));
    expect(after.decisions.filter((d) => d.item === id).map((d) => d.decision)).toEqual(['revoke']);
    expect(after.superseded.map((d) => [d.item, d.decision])).toEqual([[id, 'keep']]);
  });

  it('keeps a formula in a reason verbatim in the campaign file', async () => {
    const reason = '=HYPERLINK("http://evil.example","x")';
    const id = itemOf('ann', 'db-01');
    const r = await run(['review', 'import', 'c', await save('f.csv', sheetText(decide(await bossSheet(), { [id]: ['keep', reason] })))]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readCampaign(join(dir, 'c'))).decisions[0]!.reason).toBe(reason);
  });

  it('accepts what a spreadsheet does: no byte-order mark, LF, reordered columns, semicolons, the formula guard dropped', async () => {
    const sheet = await readSheet(sheetOf('it-lead@example.com'));
    expect(sheet.rows.every((r) => r['user'] === `'${FORMULA_NAME}`)).toBe(true);
    const ids = sheet.rows.map((r) => r['item_id']!);
    const filled = decide(sheet, { [ids[0]!]: ['keep', 'a'], [ids[1]!]: ['revoke', 'b'] });
    const reordered = [...filled.header].reverse();
    const unguarded: Sheet = { header: filled.header, rows: filled.rows.map((r) => ({ ...r, user: FORMULA_NAME })) };
    const variants = [
      sheetText(filled, { bom: false, newline: '\n' }),
      sheetText(filled, { columns: reordered }),
      sheetText(filled, { separator: ';' }),
      sheetText(unguarded),
    ];
    for (const [k, text] of variants.entries()) {
      const r = await run(['review', 'import', 'c', await save(`v${k}.csv`, text)]);
      expect(r.code, `variant ${k}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/2 decisions imported/);
    }
    expect((await readCampaign(join(dir, 'c'))).decisions.map((d) => d.decision).sort()).toEqual(['keep', 'revoke']);
  });
});

describe('review import refuses a broken or hostile sheet, naming file, line and column, and takes nothing from it', () => {
  /** Imports `text` as `bad.csv`; expects exit 1, nothing imported, and stderr matching each pattern. */
  async function refused(text: string | Uint8Array, ...patterns: RegExp[]): Promise<string> {
    const r = await run(['review', 'import', 'c', await save('bad.csv', text)]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/bad\.csv \(.*\): NOT imported/);
    for (const p of patterns) expect(r.stderr).toMatch(p);
    expect((await readCampaign(join(dir, 'c'))).decisions).toEqual([]);
    return r.stderr;
  }

  async function filledBoss(): Promise<Sheet> {
    return decide(await bossSheet(), { [itemOf('ann', 'db-01')]: ['keep', 'fine'] });
  }

  it('an unknown item id', async () => {
    const s = await filledBoss();
    s.rows[3] = { ...s.rows[3]!, item_id: 'i-0000000000000000', decision: 'keep' };
    await refused(sheetText(s), /bad\.csv:5:1: item_id "i-0000000000000000" is not an item of campaign c-/);
  });

  it('a frozen column edited', async () => {
    const s = await filledBoss();
    s.rows[2] = { ...s.rows[2]!, resource: 'db-02' };
    const column = s.header.indexOf('resource') + 1;
    await refused(
      sheetText(s),
      new RegExp(`bad\\.csv:4:${column}: resource of item i-[0-9a-f]+ was changed \\(the campaign has "[^"]+", the sheet "db-02"\\)`),
    );
  });

  it('a decision outside keep, revoke, flag', async () => {
    const s = decide(await filledBoss(), { [itemOf('bob', 'db-01')]: ['maybe'] });
    await refused(sheetText(s), /bad\.csv:\d+:16: decision "maybe" is not one of keep, revoke, flag/);
  });

  it('the same item decided twice differently, in one sheet and across two', async () => {
    const s = await filledBoss();
    const twice: Sheet = { header: s.header, rows: [...s.rows, { ...s.rows.find((r) => r['decision'] === 'keep')!, decision: 'revoke' }] };
    await refused(sheetText(twice), /is decided revoke here and keep on line \d+/);
    const other = decide(await bossSheet(), { [itemOf('ann', 'db-01')]: ['revoke'] });
    const r = await run(['review', 'import', 'c', await save('one.csv', sheetText(s)), await save('two.csv', sheetText(other))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/one\.csv:\d+: item i-[0-9a-f]+ is decided keep in one\.csv \(line \d+\) and revoke in two\.csv/);
    expect(r.stderr).toMatch(/two\.csv:\d+: item/);
  });

  it("a reviewer deciding another reviewer's items", async () => {
    const s = await filledBoss();
    const eve = (await readSheet(sheetOf('it-lead@example.com'))).rows[0]!;
    const mixed: Sheet = { header: s.header, rows: [...s.rows, { ...eve, decision: 'revoke' }] };
    await refused(sheetText(mixed), /item i-[0-9a-f]+ is for it-lead@example\.com to review, not boss \(the reviewer of this sheet\)/);
  });

  it('a truncated file: the last line cut short, or a quoted field left open', async () => {
    const text = sheetText(await filledBoss());
    await refused(
      text.slice(0, text.length - 40),
      /the last line has \d+ of the header's 17 fields and no line end: the file looks truncated/,
    );
    const quoted = text.lastIndexOf('"');
    await refused(text.slice(0, quoted), /a quoted field is still open at the end of the file \(the file looks truncated\)/);
  });

  it('UTF-16, text that is not UTF-8, a missing column, an empty file', async () => {
    const text = sheetText(await filledBoss(), { bom: false });
    await refused(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), /bad\.csv:1: the file is UTF-16 text/);
    await refused(Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0xe9, 0x0d, 0x0a])]), /not UTF-8 text/);
    const s = await filledBoss();
    await refused(sheetText(s, { columns: s.header.filter((c) => c !== 'sudo') }), /bad\.csv:1: the header lacks the column sudo/);
    await refused('', /the file is empty/);
  });

  it('a sheet of a closed campaign is refused whole', async () => {
    const c = await readCampaign(join(dir, 'c'));
    const { writeCampaign } = await import('../../src/review/index.ts');
    await writeCampaign(join(dir, 'c'), {
      ...c,
      closed: {
        closedAt: '2025-04-01T00:00:00.000Z',
        unreviewed: 'flag',
        plan: { path: 'p.json', digest: 'sha256:x', steps: 0 },
        summary: {
          items: 0,
          keep: 0,
          revoke: 0,
          flag: 0,
          unreviewed: 0,
          selfReviewsWithoutReason: 0,
          revoked: 0,
          conflicts: 0,
          collateral: 0,
          changes: 0,
          verified: true,
        },
        revoked: [],
        conflicts: [],
        collateral: [],
        search: { exhaustive: true, chosen: 'search', components: 0 },
      },
    });
    const r = await run(['review', 'import', 'c', await save('late.csv', sheetText(await filledBoss()))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was closed at 2025-04-01T00:00:00.000Z; it takes no more decisions/);
  });
});
