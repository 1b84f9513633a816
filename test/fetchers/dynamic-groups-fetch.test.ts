/**
 * A group's rule travels with it: the fetch keeps membershipMethod, memberQuery, memberQueryExemptions and
 * memberQueryErrorFlags of every user and system group as the API lists them (no request of its own), a
 * snapshot and its binary index keep them, and the replica (`serve`) lists them again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamicGroups } from '../../src/analysis/dynamic-groups.ts';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { canonicalJson, type JsonObject, type TenantData } from '../../src/model/index.ts';
import { startServer } from '../../src/serve/index.ts';
import { openSnapshotGraph } from '../../src/snapshot-index/index.ts';
import { dynamicTenant } from '../analysis/dynamic-tenant.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { getJson, withSimulator } from '../helpers/sim.ts';

const RULE_FIELDS = ['membershipMethod', 'memberQuery', 'memberQueryExemptions', 'memberQueryErrorFlags'] as const;

/** Each user and system group's rule fields, by id. */
function ruleFieldsOf(groups: Iterable<{ type: string; id: string; record: JsonObject }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of groups) {
    if (o.type !== 'user_group' && o.type !== 'system_group') continue;
    out[o.id] = canonicalJson(Object.fromEntries(RULE_FIELDS.filter((f) => f in o.record).map((f) => [f, o.record[f]])));
  }
  return out;
}

const { tenant } = dynamicTenant();
const expected = ruleFieldsOf(tenant.objects);
const dir = await mkdtemp(join(tmpdir(), 'jcgraph-dynamic-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dynamic groups through fetch, snapshot, index and replica', () => {
  let fetched: TenantData | undefined;

  it('the fetch keeps every group rule field as listed', async () => {
    await withSimulator({ tenants: [tenant] }, async (sim) => {
      const result = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
      fetched = result.tenant;
      expect(ruleFieldsOf(fetched.objects)).toEqual(ruleFieldsOf(sim.tenant().objects));
    });
    expect(ruleFieldsOf(fetched!.objects)).toEqual(expected);
    expect(Object.values(expected).filter((v) => v.includes('memberQuery')).length).toBe(6);
  }, 60_000);

  it('a snapshot read through its binary index gives the same rules', async () => {
    const path = join(dir, 'dynamic.json');
    await saveHandMadeSnapshot(path, fetched ?? tenant);
    const first = await openSnapshotGraph(path); // builds the index
    const second = await openSnapshotGraph(path); // reads it
    for (const { graph } of [first, second]) {
      expect(ruleFieldsOf(graph.objects())).toEqual(expected);
      const texts = (g: AccessGraph) =>
        dynamicGroups(g)
          .map((d) => `${d.group.name}: ${d.rule.text}`)
          .sort();
      expect(texts(graph)).toEqual(texts(AccessGraph.fromTenant(tenant)));
    }
  });

  it('the replica lists the groups with their rules, and each by id', async () => {
    const server = await startServer({ graph: AccessGraph.fromTenant(tenant) });
    try {
      const keyed = { baseUrl: server.baseUrl, apiKey: server.apiKey ?? '' };
      const users = await getJson(keyed, '/api/v2/usergroups', { limit: '100' });
      const systems = await getJson(keyed, '/api/v2/systemgroups', { limit: '100' });
      const listed = [...(users.body as JsonObject[]), ...(systems.body as JsonObject[])].map((record) => ({
        type: record['type'] as string,
        id: record['id'] as string,
        record,
      }));
      expect(ruleFieldsOf(listed)).toEqual(expected);
      const one = await getJson(keyed, `/api/v2/usergroups/${dynamicTenant().eng.id}`);
      expect(one.body.memberQuery).toEqual({
        queryType: 'FilterQuery',
        filters: [{ field: 'department', operator: 'eq', value: 'Engineering' }],
      });
    } finally {
      await server.close();
    }
  });
});
