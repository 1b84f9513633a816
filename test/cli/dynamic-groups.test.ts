/** The commands on a tenant with dynamic groups, in-process through main(): what they say about rules. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, TenantData } from '../../src/model/index.ts';
import { cli } from './run.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { dynamicTenant } from '../analysis/dynamic-tenant.ts';

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

  it('revoke shows an exemption as the group PUT with the whole body, says the rule stays, and which attribute it matches', async () => {
    const r = await run(['revoke', 'user:jana', 'application:GitHub', '--strategy', 'subject-only', '--snapshot', 'dynamic.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `  1. exempt user:jana from user_group:Engineering's rule\n` +
        `     the rule stays (department eq "Engineering", DYNAMIC_REVIEW_REQUIRED); only this member is exempted, and the next step removes the membership, which then holds\n` +
        `     or, without an exemption, change what the rule matches: department = "Engineering"\n` +
        `     PUT /api/v2/usergroups/${t.eng.id} {"name":"Engineering","description":"","email":"","attributes":{},"memberQuery":{"queryType":"FilterQuery","filters":[{"field":"department","operator":"eq","value":"Engineering"}]},"membershipMethod":"DYNAMIC_REVIEW_REQUIRED","memberQueryExemptions":[{"id":"${t.omar.id}","type":"user"},{"id":"${t.jana.id}","type":"user"}]}\n` +
        `  2. remove membership user_group:Engineering>user:jana   (cuts path 1)\n` +
        `     holds: the previous step exempted user:jana from the rule\n`,
    );
    expect(r.stdout).toContain(`user_group:Engineering's rule (department eq "Engineering") adds user:lee`);
    const json = JSON.parse(
      (await run(['revoke', 'user:jana', 'application:GitHub', '--strategy', 'subject-only', '--snapshot', 'dynamic.json', '--json']))
        .stdout,
    );
    expect(json.steps.map((s: { action: string }) => s.action)).toEqual(['exempt', 'remove']);
    expect(json.steps[0].operation.method).toBe('PUT');
    expect(json.exemptions).toBe(true);
  });

  it('revoke --no-exemptions: exit 1 naming the group and the rule when every plan needs an exemption', async () => {
    const r = await run([
      'revoke',
      'jana',
      'GitHub',
      '--no-exemptions',
      '--protect',
      'user_group:Engineering~application:GitHub',
      '--snapshot',
      'dynamic.json',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '(user_group:Engineering adds user:jana by its rule department eq "Engineering"); it is not revocable without changing a rule.',
    );
  });

  it('offboard --suspend: the suspension step, the groups whose rule drops the user by itself, exemptions for the rest', async () => {
    const r = await run(['offboard', 'jana', '--suspend', '--snapshot', 'dynamic.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Once suspended, user:jana leaves user_group:"All Staff" by its rule (userState eq "active"): no step needed.\n',
    );
    expect(r.stdout).toContain(
      `  2. suspend user:jana   (ends paths to application:Slack)\n     PUT /api/systemusers/${t.jana.id} {"state":"SUSPENDED"}\n`,
    );
    expect(r.stdout).toContain("  3. exempt user:jana from user_group:Engineering's rule   (ends nothing by itself)\n");
    expect(r.stdout).toContain('Checked: after the plan, user:jana has no binding left.\n');
    const json = JSON.parse((await run(['offboard', 'jana', '--suspend', '--snapshot', 'dynamic.json', '--json'])).stdout);
    expect(json.steps.map((s: { action: string }) => s.action)).toEqual(['exempt', 'suspend', 'exempt', 'remove', 'remove']);
    expect(json.droppedByRule).toHaveLength(1);
  });

  it('offboard --no-exemptions: says which memberships a rule keeps, and exits 1 on what remains', async () => {
    const r = await run(['offboard', 'jana', '--no-exemptions', '--snapshot', 'dynamic.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `Not revocable without changing a rule (exemptions not allowed): user_group:Engineering's rule (department eq "Engineering") keeps user:jana.\n`,
    );
    expect(r.stdout).toContain('WARNING: after the plan, user:jana still has 3 bindings:');
  });

  it('whatif --set: a mover, with the memberships the rules change listed before the access', async () => {
    const r = await run(['whatif', '--set', 'user:lee', 'userState=suspended', 'location=Paris', '--snapshot', 'dynamic.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  1. set user:lee userState=suspended location=Paris\n');
    expect(r.stdout).toContain(
      "The dynamic groups' rules then change 3 memberships:\n" +
        `  user_group:Engineering's rule (department eq "Engineering") adds user:lee\n` +
        `  user_group:"All Staff"'s rule (userState eq "active") removes user:lee\n` +
        `  user_group:Leavers's rule (userState eq "suspended") adds user:lee\n`,
    );
    expect(r.stdout).toContain('- loses application:Slack (indirect)');
    expect(r.stdout).toContain('+ gains application:"Exit Survey" (indirect)');
    const json = JSON.parse(
      (await run(['whatif', '--set', 'user:lee', 'userState=suspended', '--snapshot', 'dynamic.json', '--json'])).stdout,
    );
    expect(json.changes).toEqual([{ op: 'set', id: t.lee.id, fields: { state: 'SUSPENDED', suspended: true } }]);
    expect(json.rules.memberships).toHaveLength(3);
    expect((await run(['whatif', '--set', 'user:lee', '--snapshot', 'dynamic.json'])).stderr).toContain(
      '--set user:lee needs FIELD=VALUE after it',
    );
  });
});
