/**
 * A small tenant for report and export tests, with names an attacker could choose (markup, quotes,
 * CSV formula starters, line breaks, control characters) on objects that have access.
 */
import { TenantBuilder, SUDO } from '../analysis/tenant-builder.ts';
import type { TenantData } from '../../src/model/index.ts';

export const HOSTILE_USER = `<img src=x onerror="alert(1)">&'x`;
export const HOSTILE_GROUP = `</script><script>alert("g")</script>`;
export const FORMULA_SYSTEM = `=HYPERLINK("http://evil.example","x")`;
export const MULTILINE_APP = 'line one\nline "two", three\u0001';

export function hostileTenant(): TenantData {
  const b = new TenantBuilder();
  const alice = b.user('alice');
  const bob = b.user('bob', { state: 'SUSPENDED', suspended: true });
  const evil = b.user(HOSTILE_USER, { email: 'evil@example.com' });
  const admins = b.userGroup('Admins', { sudo: { enabled: true, withoutPassword: false } });
  const weird = b.userGroup(HOSTILE_GROUP);
  b.userGroup('Empty');
  const web = b.system('web-01');
  const formula = b.system(FORMULA_SYSTEM);
  const servers = b.systemGroup('Servers');
  const app = b.add('application', MULTILINE_APP);
  b.add('system', 'unbound-01');
  b.member(admins, alice).member(admins, evil).member(weird, evil).member(weird, bob);
  b.member(servers, web).member(servers, formula);
  b.associate(admins, servers);
  b.associate(alice, web, SUDO);
  b.associate(weird, app);
  b.associate(weird, formula);
  return b.build('org-hostile');
}
