/**
 * A small hand-built tenant whose answers the analysis tests work out by hand.
 *
 *   users: jdoe, ann, bob (suspended), carol (staged, bound to nothing)
 *   user groups: Engineering {jdoe, ann} (ldapGroups eng), Admins {jdoe} (sudo), Contractors {} (empty)
 *   systems: web-01, web-02 (both in system group Web Servers), db-01
 *   application GitHub (bound to Engineering), Slack (bound to nothing); command patch (bound to Web Servers)
 *   associations: Engineering~web-01, Engineering~Web Servers, Engineering~GitHub, Admins~db-01,
 *                 ann~web-01 (sudo, without password), bob~db-01, Web Servers~patch
 *
 * Bindings (subject → target: paths):
 *   jdoe → web-01: jdoe>Engineering~web-01; jdoe>Engineering~Web Servers>web-01          (indirect)
 *   jdoe → web-02: jdoe>Engineering~Web Servers>web-02                                      (indirect)
 *   jdoe → Web Servers: jdoe>Engineering~Web Servers                                        (indirect)
 *   jdoe → GitHub: jdoe>Engineering~GitHub                                                  (indirect)
 *   jdoe → db-01: jdoe>Admins~db-01                                   (indirect, sudo from Admins)
 *   ann → web-01: ann~web-01; ann>Engineering~web-01; ann>Engineering~Web Servers>web-01 (direct/indirect, sudo)
 *   ann → web-02, Web Servers, GitHub: as jdoe's
 *   bob → db-01: bob~db-01                                                                  (direct)
 *   web-01 → patch, web-02 → patch: system>Web Servers~patch                                (indirect)
 */
import { TenantBuilder } from './tenant-builder.ts';

export const SUDO_NOPASS = { sudo: { enabled: true, withoutPassword: true } };

export function acme() {
  const b = new TenantBuilder();
  const jdoe = b.user('jdoe');
  const ann = b.user('ann');
  const bob = b.user('bob', { state: 'SUSPENDED', suspended: true });
  const carol = b.user('carol', { state: 'STAGED', activated: false });
  const eng = b.userGroup('Engineering', { ldapGroups: [{ name: 'eng' }] });
  const admins = b.userGroup('Admins', { sudo: { enabled: true, withoutPassword: false } });
  const contractors = b.userGroup('Contractors');
  const web1 = b.system('web-01');
  const web2 = b.system('web-02');
  const db = b.system('db-01');
  const ws = b.systemGroup('Web Servers');
  const github = b.add('application', 'GitHub');
  const slack = b.add('application', 'Slack');
  const patch = b.add('command', 'patch', { command: 'apt-get upgrade -y' });
  b.member(eng, jdoe).member(eng, ann).member(admins, jdoe).member(ws, web1).member(ws, web2);
  b.associate(eng, web1).associate(eng, ws).associate(eng, github).associate(admins, db);
  b.associate(ann, web1, SUDO_NOPASS).associate(bob, db).associate(ws, patch);
  return { tenant: b.build('org-acme'), jdoe, ann, bob, carol, eng, admins, contractors, web1, web2, db, ws, github, slack, patch };
}
