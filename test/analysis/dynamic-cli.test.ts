/** The commands on a tenant with dynamic groups, in-process through main(): what they say about rules. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, TenantData } from '../../src/model/index.ts';
import { cli } from '../cli/run.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { dynamicTenant } from './dynamic-tenant.ts';

let dir: string;
const t = dynamicTenant();
const run = (argv: string[]) => cli(argv, { cwd: dir });

/** The tenant with one object's record fields replaced. */
function withRecord(tenant: TenantData, id: string, fields: JsonObject): TenantData {
  return { ...tenant, objects: tenant.objects.map((o) => (o.id === id ? { ...o, record: { ...o.record, ...fields } } : o)) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-dynamic-cli-'));
  await saveHandMadeSnapshot(join(dir, 'dynamic.json'), t.tenant);
  // Later: omar is no longer exempt from Engineering, lee is; the rule now takes R&D too.
  await saveHandMadeSnapshot(
    join(dir, 'dynamic-later.json'),
    withRecord(t.tenant, t.eng.id, {
      memberQuery: { queryType: 'FilterQuery', filters: [{ field: 'department', operator: 'in', value: ['Engineering', 'R&D'] }] },
      memberQueryExemptions: [{ id: t.lee.id, type: 'user' }],
    }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('commands on dynamic groups', () => {
  it('diff says which rule changed, in words', async () => {
    const r = await run(['diff', 'dynamic.json', 'dynamic-later.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Dynamic-group rules changed (1):\n  user_group:Engineering: rule department eq "Engineering" → department in ["Engineering", "R&D"]; exempted user:lee; no longer exempt user:omar\n',
    );
    const json = JSON.parse((await run(['diff', 'dynamic.json', 'dynamic-later.json', '--json'])).stdout);
    expect(json.structure.rulesChanged).toHaveLength(1);
  });

  it('findings lists what the rules say that the memberships do not', async () => {
    const r = await run(['findings', '--snapshot', 'dynamic.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Dynamic groups: members a rule would add back (a removal that did not hold, or a run pending) (1):\n  user_group:Engineering (department eq "Engineering"): user:lee\n',
    );
    expect(r.stdout).toContain(
      'Dynamic groups: review-required with pending differences (1):\n  user_group:Engineering (department eq "Engineering"): would add user:lee; members the rule does not match user:bob\n',
    );
    expect(r.stdout).toContain('  user_group:"All Staff" exempts user:sue, suspended\n');
    expect(r.stdout).toContain('  user_group:"All Staff" exempts user user-deleted, no longer in the organization\n');
    expect(r.stdout).toContain('Dynamic groups: rules the tenant flags in error (1):\n  user_group:Flagged: CYCLE\n');
    expect(r.stdout).toContain(
      '  membership of user_group:Flagged is computed by a rule jcgraph cannot evaluate (the tenant flags its rule in error (CYCLE))\n',
    );
    const json = JSON.parse((await run(['findings', '--snapshot', 'dynamic.json', '--json'])).stdout);
    expect(json.dynamicGroups.cannotEvaluate).toHaveLength(2);
  });
});
