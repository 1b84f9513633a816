/**
 * answer() is typed by the endpoint its path names (AnswerOf, from the model's endpoint table): the type
 * assertions are checked by `npm run typecheck` (expectTypeOf is the compiler's), and each is held against
 * what answer() returns at run time on a small tenant.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import {
  GRAPH_ENDPOINTS,
  associationEdge,
  membershipEdge,
  type AnswerOf,
  type EndpointKindOf,
  type GraphConnection,
  type GraphObjectWithPaths,
  type TenantData,
} from '../../src/model/index.ts';

const tenant: TenantData = {
  orgId: 'o',
  objects: [
    { type: 'user', id: 'u1', record: { _id: 'u1', username: 'ann' } },
    { type: 'user_group', id: 'g1', record: { id: 'g1', name: 'Staff' } },
    { type: 'system', id: 's1', record: { _id: 's1', hostname: 'web' } },
  ],
  edges: [
    membershipEdge({ type: 'user_group', id: 'g1' }, { type: 'user', id: 'u1' }),
    associationEdge({ type: 'user_group', id: 'g1' }, { type: 'system', id: 's1' }),
  ],
};

describe('answer() is typed by its endpoint', () => {
  const g = AccessGraph.fromTenant(tenant);
  const user: string = 'u1';
  const group: string = 'g1';

  it('a traversal, memberof or membership path gives GraphObjectWithPaths[]', () => {
    const systems = answer(g, `/users/${user}/systems`);
    expectTypeOf(systems).toEqualTypeOf<GraphObjectWithPaths[]>();
    expect(systems.map((s) => [s.id, s.paths.length])).toEqual([['s1', 1]]);
    const groups = answer(g, `/api/v2/users/${user}/memberof?limit=10`);
    expectTypeOf(groups).toEqualTypeOf<GraphObjectWithPaths[]>();
    expect(groups.map((o) => o.id)).toEqual(['g1']);
    expectTypeOf(answer(g, `/usergroups/${group}/membership`)).toEqualTypeOf<GraphObjectWithPaths[]>();
    expectTypeOf<AnswerOf<`/identity-provider/policies/${string}/associations/users`>>().toEqualTypeOf<GraphObjectWithPaths[]>();
  });

  it('an associations or members path gives GraphConnection[]', () => {
    const members = answer(g, `/usergroups/${group}/members`);
    expectTypeOf(members).toEqualTypeOf<GraphConnection[]>();
    expect(members.map((c) => c.to.id)).toEqual(['u1']);
    const bound = answer(g, `/api/v2/usergroups/${group}/associations?targets=system`);
    expectTypeOf(bound).toEqualTypeOf<GraphConnection[]>();
    expect(bound.map((c) => c.to.id)).toEqual(['s1']);
    expectTypeOf<AnswerOf<`/identity-provider/policies/${string}/associations`>>().toEqualTypeOf<GraphConnection[]>();
  });

  it('a path whose type does not tell gives either shape', () => {
    const path: string = GRAPH_ENDPOINTS.find((e) => e.operationId === 'graph_userTraverseSystem')!.path.replace('{user_id}', user);
    expectTypeOf(answer(g, path)).toEqualTypeOf<GraphConnection[] | GraphObjectWithPaths[]>();
    expectTypeOf<EndpointKindOf<'/nowhere/x'>>().toBeNever();
    expectTypeOf<EndpointKindOf<`/users/${string}/widgets`>>().toBeNever();
  });

  it("reads each kind from the endpoint table: a traversal's answer is not a list of connections", () => {
    expectTypeOf<EndpointKindOf<'/systems/s/memberof'>>().toEqualTypeOf<'memberof'>();
    expectTypeOf<EndpointKindOf<'/systemgroups/g/members'>>().toEqualTypeOf<'members'>();
    expectTypeOf<EndpointKindOf<'/policies/p/systems'>>().toEqualTypeOf<'traverse'>();
    // @ts-expect-error: GraphObjectWithPaths[] is not GraphConnection[]
    const wrong: GraphConnection[] = answer(g, `/users/${user}/systems`);
    expect(wrong).toHaveLength(1);
  });
});
