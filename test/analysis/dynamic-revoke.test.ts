/** Revoke and offboarding plans that hold, on the hand-built tenant with dynamic groups (dynamic-tenant.ts). */
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/errors.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { planOffboard, planRevoke, type EdgeCutStep, type OffboardStep } from '../../src/analysis/index.ts';
import { associationEdge, edgeKey, membershipEdge } from '../../src/model/index.ts';
import { parsePlan, planFileFromOffboard, planFileFromRevoke } from '../../src/plan/index.ts';
import { dynamicTenant } from './dynamic-tenant.ts';

const t = dynamicTenant();
const g = AccessGraph.fromTenant(t.tenant);
const key = (e: { kind: 'membership' | 'association'; from: { type: string; id: string }; to: { type: string; id: string } }) => edgeKey(e);
const actions = (steps: readonly (EdgeCutStep | OffboardStep)[]) =>
  steps.map((s) => (s.action === 'suspend' ? ['suspend', s.user.name] : [s.action, s.edgeKey]));
const names = (refs: readonly { subject: { name: string }; target: { name: string } }[]) =>
  refs.map((b) => `${b.subject.name}>${b.target.name}`);

describe('revoke plans that hold', () => {
  it('cuts a membership an automated rule produces with an exemption: the group PUT with the whole record, the rule left as it is', () => {
    const plan = planRevoke(g, t.mac.id, t.patch.id, { protectedEdges: [associationEdge(t.macs, t.patch)] });
    expect(actions(plan.steps)).toEqual([['exempt', key(membershipEdge(t.macs, t.mac))]]);
    const step = plan.steps[0]!;
    if (step.action !== 'exempt') throw new Error('not an exemption');
    const record = t.tenant.objects.find((o) => o.id === t.macs.id)!.record;
    expect(step.operation).toEqual({
      method: 'PUT',
      path: `/api/v2/systemgroups/${t.macs.id}`,
      body: {
        name: 'Mac Devices',
        description: '',
        email: '',
        attributes: null,
        memberQuery: record['memberQuery'],
        membershipMethod: 'DYNAMIC_AUTOMATED',
        memberQueryExemptions: [{ id: t.mac.id, type: 'system' }],
      },
    });
    expect(step.exemption).toMatchObject({
      rule: 'os eq "Mac OS X"',
      method: 'DYNAMIC_AUTOMATED',
      removedBy: 'rule',
      matchedBy: [{ field: 'os', value: 'Mac OS X', filter: 'os eq "Mac OS X"' }],
    });
    expect(step.cutsPaths).toEqual([0]);
    expect([plan.verified, plan.collateral.lost, plan.ruleEffects]).toEqual([true, [], []]);
  });

  it('in a review-required group the exemption is followed by the removal, which then holds; the group re-evaluated adds its pending member', () => {
    const plan = planRevoke(g, t.jana.id, t.github.id, { strategy: 'subject-only' });
    const membership = key(membershipEdge(t.eng, t.jana));
    expect(actions(plan.steps)).toEqual([
      ['exempt', membership],
      ['remove', membership],
    ]);
    const [exempt, removal] = plan.steps;
    expect(exempt!.cutsPaths).toEqual([]); // ends nothing by itself: a review-required rule never removes
    expect(exempt!.collateral).toEqual({ lost: [], surviving: [] });
    expect(removal!.cutsPaths).toEqual([0]);
    expect(removal!.operation).toEqual({
      method: 'POST',
      path: `/api/v2/usergroups/${t.eng.id}/members`,
      body: { op: 'remove', type: 'user', id: t.jana.id },
    });
    expect(removal!.note).toBe('holds: the previous step exempted user:jana from the rule');
    expect(names(removal!.collateral.lost)).toEqual(['jana>web-1']);
    // The PUT makes the tenant run Engineering's rule, which adds lee (the rule matches him, he is not listed).
    expect(plan.ruleEffects).toEqual([
      {
        op: 'add',
        group: expect.objectContaining({ name: 'Engineering' }),
        member: expect.objectContaining({ name: 'lee' }),
        rule: 'department eq "Engineering"',
      },
    ]);
    expect(plan.verified).toBe(true);
  });

  it('prices an exemption as one change: ties on size and collateral go to the plan with fewer exemptions', () => {
    // Cutting jana's membership ends jana>web-1 too; cutting Engineering~GitHub ends ann>GitHub: one each.
    const plan = planRevoke(g, t.jana.id, t.github.id);
    expect(actions(plan.steps)).toEqual([['remove', key(associationEdge(t.eng, t.github))]]);
    expect(names(plan.collateral.lost)).toEqual(['ann>GitHub']);
  });

  it('removes a hand-added member of a review-required group with a plain removal', () => {
    const plan = planRevoke(g, t.bob.id, t.web.id, { strategy: 'subject-only' });
    expect(actions(plan.steps)).toEqual([
      ['remove', key(membershipEdge(t.eng, t.bob))],
      ['remove', key(membershipEdge(t.sales, t.bob))],
    ]);
    expect(plan.steps.every((s) => s.note === undefined)).toBe(true);
  });

  it('removes a membership of a group whose rule it cannot evaluate, and says so', () => {
    const plan = planRevoke(g, t.jana.id, t.mac.id);
    expect(actions(plan.steps)).toHaveLength(1);
    expect(plan.notes).toEqual([expect.stringMatching(/^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate/)]);
    const viaMembership = planRevoke(g, t.jana.id, t.mac.id, { strategy: 'subject-only' });
    expect(viaMembership.steps[0]!.note).toMatch(/cannot evaluate .*: this removal may not hold$/);
  });

  it('without exemptions: cuts elsewhere when it can, and otherwise says the access is not revocable without changing a rule', () => {
    const elsewhere = planRevoke(g, t.mac.id, t.patch.id, { exemptions: false });
    expect(actions(elsewhere.steps)).toEqual([['remove', key(associationEdge(t.macs, t.patch))]]);
    expect(elsewhere.exemptions).toBe(false);
    const protect = [associationEdge(t.eng, t.github)];
    expect(() => planRevoke(g, t.jana.id, t.github.id, { exemptions: false, protectedEdges: protect })).toThrow(PlanError);
    expect(() => planRevoke(g, t.jana.id, t.github.id, { exemptions: false, protectedEdges: protect })).toThrow(
      'No plan can revoke user:jana\'s access to application:GitHub without removing a protected edge or an exemption (exemptions are not allowed): the path user:jana → user_group:Engineering → application:GitHub is made only of protected edges and memberships that dynamic-group rules produce (user_group:Engineering adds user:jana by its rule department eq "Engineering"); it is not revocable without changing a rule.',
    );
    expect(() => planRevoke(g, t.jana.id, t.github.id, { exemptions: false, strategy: 'subject-only' })).toThrow(
      /the subject's own edge on .* is produced by a dynamic-group rule and exemptions are not allowed \(user_group:Engineering adds user:jana by its rule department eq "Engineering"\); it is not revocable without changing a rule\.$/,
    );
  });
});

describe('offboarding plans that hold', () => {
  it('exempts the user from every rule that produces one of its memberships', () => {
    const plan = planOffboard(g, t.jana.id);
    expect(actions(plan.steps)).toEqual([
      ['exempt', key(membershipEdge(t.eng, t.jana))],
      ['remove', key(membershipEdge(t.eng, t.jana))],
      ['exempt', key(membershipEdge(t.allStaff, t.jana))],
      ['remove', key(membershipEdge(t.legacy, t.jana))],
    ]);
    expect(plan.steps.map((s) => s.ends.length)).toEqual([0, 2, 1, 1]);
    expect([plan.remaining, plan.droppedByRule, plan.keptByRule, plan.suspend]).toEqual([[], [], [], false]);
    expect(plan.notes).toEqual([expect.stringMatching(/^membership of user_group:Legacy is computed by a rule jcgraph cannot evaluate/)]);
  });

  it('--suspend: the suspension, the groups whose rule then drops the user (no step), an exemption first from a rule that would take the user in', () => {
    const plan = planOffboard(g, t.jana.id, { suspend: true });
    expect(actions(plan.steps)).toEqual([
      ['exempt', key(membershipEdge(t.leavers, t.jana))],
      ['suspend', 'jana'],
      ['exempt', key(membershipEdge(t.eng, t.jana))],
      ['remove', key(membershipEdge(t.eng, t.jana))],
      ['remove', key(membershipEdge(t.legacy, t.jana))],
    ]);
    const [keepOut, suspend] = plan.steps;
    expect(keepOut).toMatchObject({ exemption: { removedBy: 'not-a-member', rule: 'userState eq "suspended"' }, ends: [] });
    expect(suspend).toMatchObject({
      operation: { method: 'PUT', path: `/api/systemusers/${t.jana.id}`, body: { state: 'SUSPENDED' } },
      before: { state: 'ACTIVATED', suspended: false },
      after: { state: 'SUSPENDED' },
      ends: [t.slack.id],
    });
    expect(plan.droppedByRule).toEqual([{ group: expect.objectContaining({ name: 'All Staff' }), rule: 'userState eq "active"' }]);
    expect(plan.remaining).toEqual([]);
  });

  it('without exemptions: the memberships a rule keeps are listed, and remain', () => {
    const plan = planOffboard(g, t.jana.id, { exemptions: false });
    expect(plan.steps.every((s) => s.action === 'remove')).toBe(true);
    expect(plan.keptByRule.map((k) => [k.group.name, k.rule])).toEqual([
      ['Engineering', 'department eq "Engineering"'],
      ['All Staff', 'userState eq "active"'],
    ]);
    expect(plan.remaining.map((b) => b.target.name).sort()).toEqual(['GitHub', 'Slack', 'web-1']);
    // Suspending drops All Staff by its own rule; Engineering's still keeps her.
    const suspended = planOffboard(g, t.jana.id, { exemptions: false, suspend: true });
    expect(suspended.keptByRule.map((k) => k.group.name)).toEqual(['Engineering']);
    expect(suspended.remaining.map((b) => b.target.name).sort()).toEqual(['Exit Survey', 'GitHub', 'web-1']);
  });
});

describe('plan files of plans with exemptions and a suspension', () => {
  const snapshot = { kind: 'simulated', preset: 'hand-made', orgId: 'org-dynamic' } as const;

  it('an exemption step: the group PUT, the record as read as precondition, its PUT as inverse; the file reads back', () => {
    const plan = planRevoke(g, t.jana.id, t.github.id, { strategy: 'subject-only' });
    const file = planFileFromRevoke(g, plan, { snapshot, madeAt: '2026-01-01T00:00:00.000Z' });
    expect(file.steps.map((s) => s.action)).toEqual(['exempt', 'remove']);
    const [exempt] = file.steps;
    const record = t.tenant.objects.find((o) => o.id === t.eng.id)!.record;
    expect(exempt!.change).toEqual({
      kind: 'exemption',
      group: { type: 'user_group', id: t.eng.id, name: 'Engineering' },
      member: { type: 'user', id: t.jana.id, name: 'jana' },
      rule: 'department eq "Engineering"',
    });
    expect(exempt!.precondition).toMatchObject({ kind: 'group-record', group: { type: 'user_group', id: t.eng.id } });
    expect(exempt!.inverse).toEqual({
      method: 'PUT',
      path: `/api/v2/usergroups/${t.eng.id}`,
      body: expect.objectContaining({ name: 'Engineering', memberQueryExemptions: record['memberQueryExemptions'] }),
    });
    expect(parsePlan('plan.json', JSON.parse(JSON.stringify(file)))).toEqual(file);
  });

  it('a suspension step: the user PUT, the state as read as precondition and inverse', () => {
    const plan = planOffboard(g, t.jana.id, { suspend: true });
    const file = planFileFromOffboard(g, plan, { snapshot, madeAt: '2026-01-01T00:00:00.000Z' });
    expect(file.question).toMatchObject({ kind: 'offboard', suspend: true });
    const suspend = file.steps.find((s) => s.action === 'suspend')!;
    expect(suspend.request).toEqual({ method: 'PUT', path: `/api/systemusers/${t.jana.id}`, body: { state: 'SUSPENDED' } });
    expect(suspend.precondition).toEqual({
      kind: 'user-state',
      user: { type: 'user', id: t.jana.id },
      state: { state: 'ACTIVATED', suspended: false },
    });
    expect(suspend.inverse.body).toEqual({ state: 'ACTIVATED', suspended: false });
    expect(parsePlan('plan.json', JSON.parse(JSON.stringify(file)))).toEqual(file);
  });
});
