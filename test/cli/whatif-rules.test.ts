/**
 * `jcgraph whatif --rules`: a change that adds a violation of the rule file is refused (exit 1) and the
 * violation named with its paths; one that adds none is allowed (exit 0), with what it resolves.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantBuilder } from '../analysis/tenant-builder.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { cli } from './run.ts';

let dir: string;
let snapshot: string;
let rules: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-whatif-rules-'));
  const t = new TenantBuilder();
  const ann = t.user('ann', { employeeType: 'contractor' });
  const bob = t.user('bob');
  const contractors = t.userGroup('Contractors');
  const staff = t.userGroup('Staff');
  const prod = t.systemGroup('Prod');
  const db = t.system('prod-db');
  t.member(contractors, ann).member(staff, bob).member(prod, db).associate(staff, prod);
  snapshot = join(dir, 'org.json');
  await saveHandMadeSnapshot(snapshot, t.build());
  rules = join(dir, 'rules.yaml');
  await writeFile(
    rules,
    'version: 1\nrules:\n  - { id: no-contractors-prod, title: Contractors never reach Prod, kind: forbid, subjects: { employeeType: contractor }, resources: { name: prod-db } }\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jcgraph whatif --rules', () => {
  it('refuses a change that adds a violation, naming it with its path', async () => {
    const r = await cli(['whatif', '--snapshot', snapshot, '--add', 'user_group:Staff>user:ann', '--rules', rules]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\+ gains system:prod-db/);
    expect(r.stdout).toContain(
      `REFUSED by ${rules}: the change adds 1 violation:\n  HIGH no-contractors-prod: user:ann reaches system:prod-db, which rule no-contractors-prod (Contractors never reach Prod) forbids.\n    path: user:ann → user_group:Staff → system_group:Prod → system:prod-db\n`,
    );
  });

  it('allows a change that adds none, and says what it resolves; with --json the verdict goes to stderr', async () => {
    const allowed = await cli([
      'whatif',
      '--snapshot',
      snapshot,
      '--add',
      'user_group:Staff>user:ann',
      '--remove',
      'user_group:Staff~system_group:Prod',
      '--rules',
      rules,
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(`Allowed by ${rules}: the change adds no violation.\n`);
    const refused = await cli(['whatif', '--snapshot', snapshot, '--add', 'user_group:Staff>user:ann', '--rules', rules, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).totals.gained).toBeGreaterThan(0);
    expect(refused.stderr).toMatch(/^REFUSED by .*: the change adds 1 violation:/);
  });
});
