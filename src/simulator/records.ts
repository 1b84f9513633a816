/**
 * Raw records of each type, shaped as their list endpoint serves them and valid for the list schemas of
 * the specs (v1 `systemuserreturn`, `system`, `application`, `commandslist` items, `radiusserver`; v2
 * `UserGroup`, `SystemGroup`, `PolicyGroup`, `Policy`, `software-app`, `ldap-server`, `active-directory`,
 * `Directory`, healthmonitoring `Rule`). Field order is fixed so equal tenants serialize to equal bytes.
 */
import type { JsonObject } from '../model/index.ts';
import { isoSeconds } from './ids.ts';
import { Rng, hash32 } from './random.ts';
import { APP_CATALOG, COMMAND_NAMES, JOB_TITLES, LOCATIONS, POLICY_TEMPLATES, RULE_EVENTS, SOFTWARE_CATALOG } from './names.ts';

export interface RecordContext {
  readonly rng: Rng;
  readonly orgId: string;
}

export type UserState = 'ACTIVATED' | 'STAGED' | 'SUSPENDED';

/** What the v1 `employeeType` of a generated user holds (free text in the API; these three here). */
export type EmployeeType = 'employee' | 'contractor' | 'intern';

export const EMPLOYEE_TYPES: readonly EmployeeType[] = ['employee', 'contractor', 'intern'];

/** The company of every employee and intern; contractors come from one of CONTRACTOR_COMPANIES. */
export const OWN_COMPANY = 'Example Corp';
export const CONTRACTOR_COMPANIES = ['Acme Staffing', 'Globex Consulting', 'Initech Contracting'] as const;

/** What a user's `description` says (free text in the API): the work arrangement, or nothing. */
export const USER_DESCRIPTIONS = ['', 'On-site', 'Hybrid', 'Remote'] as const;

/**
 * The cost center of a department: `CC-` and four digits derived from the department's name, so the
 * same department always has the same cost center (a rule on `costCenter` then selects a department).
 */
export function costCenterOf(department: string): string {
  return `CC-${String(1000 + (hash32(`cost-center:${department}`) % 9000))}`;
}

export interface UserFacts {
  readonly id: string;
  readonly created: number;
  readonly index: number;
  readonly firstname: string;
  readonly lastname: string;
  readonly username: string;
  readonly department: string;
  /**
   * A contractor (employeeType `contractor`, `company` a staffing firm). Otherwise the user is an intern
   * when their job title is Intern, else an employee.
   * @default false
   */
  readonly contractor?: boolean;
  readonly state: UserState;
  readonly locked: boolean;
  /** The user record's own global sudo flags (v1 `sudo`, `passwordless_sudo`). */
  readonly sudo: boolean;
  readonly passwordlessSudo: boolean;
}

export function userRecord(ctx: RecordContext, u: UserFacts): JsonObject {
  const { rng } = ctx;
  // The attributes dynamic-group rules read beyond department and location come from the user's own
  // stream, so adding them left every other draw (and so every name) of the generated tenants as it was.
  const own = new Rng(hash32(`user-attributes:${u.id}`));
  // Drawn in the order the fields were always drawn in, so the main stream gives what it gave.
  const mfaConfigured = rng.chance(0.7);
  const lockedDate = u.locked ? isoSeconds(u.created + 86_400 * rng.between(30, 600)) : null;
  const allowPublicKey = rng.chance(0.8);
  const title = rng.pick(JOB_TITLES);
  const employeeType: EmployeeType = u.contractor === true ? 'contractor' : title === 'Intern' ? 'intern' : 'employee';
  return {
    _id: u.id,
    account_locked: u.locked,
    account_locked_date: lockedDate,
    activated: u.state !== 'STAGED',
    allow_public_key: allowPublicKey,
    company: employeeType === 'contractor' ? own.pick(CONTRACTOR_COMPANIES) : OWN_COMPANY,
    costCenter: costCenterOf(u.department),
    created: isoSeconds(u.created),
    department: u.department,
    description: own.pick(USER_DESCRIPTIONS),
    displayname: `${u.firstname} ${u.lastname}`,
    email: `${u.username}@example.com`,
    employeeIdentifier: `E${String(u.index + 1).padStart(6, '0')}`,
    employeeType,
    enable_managed_uid: false,
    enable_user_portal_multifactor: mfaConfigured,
    firstname: u.firstname,
    jobTitle: `${u.department} ${title}`,
    lastname: u.lastname,
    ldap_binding_user: false,
    location: rng.pick(LOCATIONS),
    mfa: { configured: mfaConfigured, exclusion: false },
    organization: ctx.orgId,
    password_expired: rng.chance(0.03),
    password_never_expires: rng.chance(0.05),
    passwordless_sudo: u.passwordlessSudo,
    samba_service_user: false,
    state: u.state,
    sudo: u.sudo,
    suspended: u.state === 'SUSPENDED',
    totp_enabled: mfaConfigured,
    unix_guid: 5000 + u.index,
    unix_uid: 5000 + u.index,
    username: u.username,
  };
}

const OS_PROFILES = [
  { os: 'Windows', osFamily: 'windows', version: '11 Pro', arch: 'x86_64', prefix: 'WIN' },
  { os: 'Mac OS X', osFamily: 'darwin', version: '14.5', arch: 'arm64', prefix: 'MAC' },
  { os: 'Ubuntu', osFamily: 'linux', version: '22.04', arch: 'x86_64', prefix: 'LNX' },
] as const;

export type OsFamily = (typeof OS_PROFILES)[number]['osFamily'];
export const OS_FAMILIES: readonly OsFamily[] = OS_PROFILES.map((p) => p.osFamily);

export function systemRecord(ctx: RecordContext, id: string, created: number, index: number, osFamily: OsFamily): JsonObject {
  const { rng } = ctx;
  const profile = OS_PROFILES.find((p) => p.osFamily === osFamily) ?? OS_PROFILES[0];
  const hostname = `${profile.prefix.toLowerCase()}-${String(index + 1).padStart(5, '0')}`;
  const active = rng.chance(0.85);
  return {
    _id: id,
    active,
    agentVersion: `1.${rng.between(100, 180)}.0`,
    allowMultiFactorAuthentication: rng.chance(0.5),
    allowPublicKeyAuthentication: osFamily === 'linux',
    allowSshPasswordAuthentication: osFamily === 'linux' && rng.chance(0.3),
    allowSshRootLogin: false,
    arch: profile.arch,
    created: isoSeconds(created),
    displayName: `${profile.prefix}-${rng.pick(LOCATIONS).replace(/\s+/g, '').toUpperCase().slice(0, 3)}-${String(index + 1).padStart(5, '0')}`,
    hostname,
    lastContact: active ? isoSeconds(created + 86_400 * rng.between(1, 400)) : null,
    modifySSHDConfig: osFamily === 'linux',
    organization: ctx.orgId,
    os: profile.os,
    osFamily,
    remoteIP: `10.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`,
    serialNumber: `SN${rng.nextUint32().toString(36).toUpperCase().padStart(7, '0')}`,
    systemTimezone: rng.pick([-480, -300, 0, 60, 330, 540]),
    tags: [],
    version: profile.version,
  };
}

export function applicationRecord(ctx: RecordContext, id: string, created: number, index: number): JsonObject {
  const { rng } = ctx;
  const base = APP_CATALOG[index % APP_CATALOG.length] as string;
  const round = Math.floor(index / APP_CATALOG.length);
  const label = round === 0 ? base : `${base} ${round + 1}`;
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return {
    _id: id,
    active: rng.chance(0.9),
    beta: false,
    color: '',
    config: {},
    created: isoSeconds(created),
    description: `${label} single sign-on`,
    displayLabel: label,
    displayName: base,
    learnMore: '',
    name: slug,
    organization: ctx.orgId,
    sso: { type: rng.chance(0.8) ? 'saml' : 'oidc', jit: rng.chance(0.3), beta: false, hidden: false },
    ssoUrl: `https://sso.jumpcloud.com/saml2/${slug}`,
  };
}

export function commandRecord(ctx: RecordContext, id: string, index: number): JsonObject {
  const { rng } = ctx;
  const commandType = rng.pick(['linux', 'mac', 'windows'] as const);
  const name = `${COMMAND_NAMES[index % COMMAND_NAMES.length]} ${index + 1}`;
  const scheduled = rng.chance(0.3);
  return {
    _id: id,
    command: commandType === 'windows' ? `Write-Output "${name}"` : `echo "${name}"`,
    commandType,
    description: `${name} on ${commandType} devices`,
    launchType: scheduled ? 'repeated' : rng.pick(['manual', 'trigger']),
    listensTo: '',
    name,
    organization: ctx.orgId,
    schedule: scheduled ? '0 0 2 * * *' : '',
    scheduleRepeatType: scheduled ? 'day' : '',
    timeToLiveSeconds: rng.pick([0, 3600, 86_400]),
    timeout: String(rng.pick([60, 120, 600])),
    trigger: '',
  };
}

export function radiusServerRecord(ctx: RecordContext, id: string, index: number): JsonObject {
  const { rng } = ctx;
  return {
    _id: id,
    authIdp: rng.chance(0.8) ? 'JUMPCLOUD' : 'AZURE',
    caSource: 'NONE',
    deviceCertEnabled: false,
    mfa: rng.pick(['DISABLED', 'ENABLED', 'REQUIRED'] as const),
    name: `RADIUS ${rng.pick(LOCATIONS)} ${index + 1}`,
    networkSourceIp: `203.0.113.${1 + rng.int(254)}`,
    organization: ctx.orgId,
    requireTlsAuth: false,
    tagNames: [],
    userCertEnabled: false,
    userLockoutAction: 'REMOVE',
    userPasswordEnabled: true,
    userPasswordExpirationAction: 'REMOVE',
  };
}

export type MembershipMethod = 'STATIC' | 'DYNAMIC_REVIEW_REQUIRED' | 'DYNAMIC_AUTOMATED';

/** The fields a dynamic group's record carries (v2 `UserGroup`/`SystemGroup`): its rule, exemptions and error flags. */
export interface GroupRuleFields {
  readonly memberQuery: JsonObject;
  readonly memberQueryExemptions: readonly { readonly id: string; readonly type: string }[];
  /** Set only on a rule the tenant flags in error (`CYCLE`, `INVALID_GROUP_REFERENCE`). */
  readonly memberQueryErrorFlags?: readonly string[];
}

/** A group record with its rule fields set, its keys kept in the records' alphabetical order. */
export function withRuleFields(record: JsonObject, rule: GroupRuleFields): JsonObject {
  const fields: JsonObject = {
    ...record,
    memberQuery: rule.memberQuery,
    memberQueryExemptions: rule.memberQueryExemptions.map((e) => ({ id: e.id, type: e.type })),
  };
  if (rule.memberQueryErrorFlags) fields['memberQueryErrorFlags'] = [...rule.memberQueryErrorFlags];
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function userGroupRecord(
  ctx: RecordContext,
  id: string,
  name: string,
  attributes: JsonObject | null,
  membershipMethod: MembershipMethod,
): JsonObject {
  return {
    attributes,
    description: `${name} (user group)`,
    email: '',
    id,
    membershipMethod,
    name,
    organizationObjectId: ctx.orgId,
    type: 'user_group',
  };
}

export function systemGroupRecord(ctx: RecordContext, id: string, name: string, membershipMethod: MembershipMethod): JsonObject {
  return {
    attributes: null,
    description: `${name} (device group)`,
    email: '',
    id,
    membershipMethod,
    name,
    organizationObjectId: ctx.orgId,
    type: 'system_group',
  };
}

export function policyGroupRecord(ctx: RecordContext, id: string, name: string): JsonObject {
  return {
    attributes: null,
    description: `${name} (policy group)`,
    email: '',
    id,
    name,
    organizationObjectId: ctx.orgId,
    type: 'policy_group',
  };
}

export function policyRecord(ctx: RecordContext, id: string, index: number, templateIds: readonly string[]): JsonObject {
  const t = index % POLICY_TEMPLATES.length;
  const template = POLICY_TEMPLATES[t] ?? POLICY_TEMPLATES[0];
  return {
    id,
    name: `${template.displayName} ${index + 1}`,
    template: {
      activation: '',
      behavior: '',
      deliveryTypes: ['agent'],
      description: template.displayName,
      displayName: template.displayName,
      id: templateIds[t] ?? '',
      name: template.name,
      osMetaFamily: template.os,
      state: '',
    },
  };
}

export function softwareAppRecord(ctx: RecordContext, id: string, created: number, index: number): JsonObject {
  const { rng } = ctx;
  const base = SOFTWARE_CATALOG[index % SOFTWARE_CATALOG.length] as string;
  const round = Math.floor(index / SOFTWARE_CATALOG.length);
  const displayName = round === 0 ? base : `${base} (${round + 1})`;
  return {
    id,
    displayName,
    organization: ctx.orgId,
    createdAt: isoSeconds(created),
    updatedAt: isoSeconds(created + 86_400 * rng.between(0, 300)),
    settings: [
      {
        packageId: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        autoUpdate: rng.chance(0.5),
        allowUpdateDelay: false,
        packageManager: rng.pick(['CHOCOLATEY', 'APPLE_VPP', 'APT']),
        desiredState: rng.chance(0.9) ? 'Install' : 'Uninstall',
      },
    ],
  };
}

export function ldapServerRecord(ctx: RecordContext, id: string, index: number): JsonObject {
  return {
    id,
    name: index === 0 ? 'JumpCloud LDAP' : `JumpCloud LDAP ${index + 1}`,
    userLockoutAction: 'disable',
    userPasswordExpirationAction: 'disable',
  };
}

export function activeDirectoryRecord(ctx: RecordContext, id: string, created: number, index: number): JsonObject {
  const { rng } = ctx;
  return {
    id,
    domain: index === 0 ? 'corp.example.com' : `corp${index + 1}.example.com`,
    useCase: rng.pick(['TWOWAYSYNC', 'JCASAUTHORITY', 'ADASAUTHORITY'] as const),
    groupsEnabled: rng.chance(0.5),
    delegationState: 'DISABLED',
    updatedAt: isoSeconds(created + 86_400 * rng.between(1, 200)),
    organizationId: ctx.orgId,
  };
}

/** G Suite and Office 365 have no list of their own: their record is their `/directories` item. */
export function cloudDirectoryRecord(
  ctx: RecordContext,
  id: string,
  type: 'g_suite' | 'office_365',
  index: number,
  domainId: string,
): JsonObject {
  const domain = index === 0 ? 'example.com' : `example${index + 1}.com`;
  return {
    id,
    name: `${type === 'g_suite' ? 'Google Workspace' : 'Microsoft 365'} ${domain}`,
    type,
    defaultDomain: { id: domainId, domain },
    organizationId: ctx.orgId,
  };
}

/**
 * IdP routing policies and password manager items have no list endpoint: the API only ever shows them
 * as association ends, `{id, type}`. Their records hold exactly that, so the simulated tenant is what a
 * client can observe (and a fetch can reproduce it byte for byte).
 */
export function unlistedRecord(id: string, type: 'idp_routing_policy' | 'password_manager_item'): JsonObject {
  return { id, type };
}

/** A health-monitoring rule. The spec names its id `objectId`; jcgraph reads `id`, so both carry it. */
export function ruleRecord(ctx: RecordContext, id: string, created: number, index: number): JsonObject {
  const { rng } = ctx;
  const eventType = RULE_EVENTS[index % RULE_EVENTS.length] as string;
  return {
    id,
    objectId: id,
    name: `Alert on ${eventType.replace(/_/g, ' ')} ${index + 1}`,
    description: `Raises an alert on ${eventType}`,
    eventType,
    status: rng.chance(0.8) ? 'RULE_STATUS_ENABLED' : 'RULE_STATUS_DISABLED',
    severity: rng.pick(['RULE_SEVERITY_LOW', 'RULE_SEVERITY_MEDIUM', 'RULE_SEVERITY_HIGH'] as const),
    category: 'RULE_CATEGORY_SYSTEM',
    ruleType: 'RULE_TYPE_TEMPLATE_BASED',
    createdAt: isoSeconds(created),
  };
}
