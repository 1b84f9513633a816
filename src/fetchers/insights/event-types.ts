/**
 * What each Directory Insights event type of the `directory` service means for the graph, as data.
 * Source: the event-type tables of the Directory Insights spec (spec/api/insights/directory/1.0,
 * "Directory - Object Events", "User and Admin Events", "Command and Policy Events", "Integrations",
 * "MTP/MSP Events") and public sample events. A test checks that every directory event type those tables
 * list is classified here. DI lower-cases what it stores, so every name is compared in lower case.
 *
 * - `association_change`: an edge was added, removed or re-attributed (memberships are logged this way:
 *   from the group to the member).
 * - Lifecycle events `<object>_<action>` (`user_create`, `group_update`, `radiusserver_delete`,
 *   `gsuite_directory_create`, …): an object was created, changed or deleted.
 * - `user_admin_granted` / `user_admin_revoked`: sudo on devices changed for a user (its associations'
 *   attributes).
 * - Everything listed in NO_GRAPH_CHANGE: logins, passwords, MFA, admins, billing, integrations that are
 *   not graph objects: nothing the graph holds changes.
 * Any other type is unknown: the refresh does not guess what it did (see ./interpret.ts).
 */
import { GRAPH_TYPES, type GraphType } from '../../model/index.ts';

/**
 * Names DI uses for object types, mapped to jcgraph's types: every GraphType as itself, plus the API's
 * other spellings of the same types (the v1 `systemuser`, the URL segments `usergroups` → `usergroup`, …,
 * and `o365` from the `o365_directory_*` events).
 */
export const TYPE_ALIASES: Readonly<Record<string, GraphType>> = {
  ...Object.fromEntries(GRAPH_TYPES.map((t) => [t, t])),
  systemuser: 'user',
  usergroup: 'user_group',
  systemgroup: 'system_group',
  policygroup: 'policy_group',
  radiusserver: 'radius_server',
  ldapserver: 'ldap_server',
  activedirectory: 'active_directory',
  gsuite: 'g_suite',
  gsuite_directory: 'g_suite',
  office365: 'office_365',
  o365: 'office_365',
  o365_directory: 'office_365',
  softwareapp: 'software_app',
  passwordmanageritem: 'password_manager_item',
  idp_policy: 'idp_routing_policy',
};

/**
 * Types the API names that jcgraph deliberately does not model: edges to them are left out of every
 * fetch (and counted as unknown), so an event about them changes nothing jcgraph holds.
 */
export const UNMODELLED_TYPES: ReadonlySet<string> = new Set(['agent', 'agent_group', 'admin', 'organization']);

/** The object part of lifecycle event types, and the type it names (`group` stands for every group type). */
export const LIFECYCLE_OBJECTS: Readonly<Record<string, GraphType | 'group'>> = {
  user: 'user',
  systemuser: 'user',
  group: 'group',
  usergroup: 'user_group',
  systemgroup: 'system_group',
  policygroup: 'policy_group',
  system: 'system',
  application: 'application',
  command: 'command',
  policy: 'policy',
  radiusserver: 'radius_server',
  activedirectory: 'active_directory',
  gsuite_directory: 'g_suite',
  o365_directory: 'office_365',
  ldapserver: 'ldap_server',
  softwareapp: 'software_app',
};

/** Lifecycle actions: what the event says happened to the object. */
export const LIFECYCLE_ACTIONS: Readonly<Record<string, 'create' | 'update' | 'delete'>> = {
  create: 'create',
  delete: 'delete',
  update: 'update',
  suspended: 'update',
  unsuspended: 'update',
  activated: 'update',
  lockout: 'update',
  unlocked: 'update',
  password_set: 'update',
};

/** Event types that change a user's sudo on devices (attributes of its associations). */
export const SUDO_EVENT_TYPES: ReadonlySet<string> = new Set(['user_admin_granted', 'user_admin_revoked']);

/** Directory event types that change nothing in the graph. */
export const NO_GRAPH_CHANGE: ReadonlySet<string> = new Set([
  // Object events that are not about graph objects
  'group_warning',
  'integrationattribute_include',
  'integrationattribute_exclude',
  'invoice_download',
  'notification_delete',
  'organization_create',
  'organization_update',
  'user_group_admin_grant',
  'user_group_admin_revoke',
  // Users and admins: authentication, passwords, MFA, schedules, provisioning into external applications
  'admin_create',
  'admin_delete',
  'admin_login_attempt',
  'admin_password_reset_request',
  'admin_update',
  'admin_totp_start_enrollment',
  'admin_totp_finish_enrollment',
  'admin_totp_disable',
  'admin_password_change',
  'admin_unsuspend',
  'admin_lockout',
  'admin_suspended',
  'totp_start_enrollment',
  'totp_finish_enrollment',
  'totp_delete_enrollment',
  'user_login_attempt',
  'user_mfa_exclusion_expired',
  'user_password_expired',
  'user_password_reset_request',
  'user_password_warning_email',
  'user_password_change',
  'user_activation_email',
  'user_activation_schedule_create',
  'user_activation_schedule_delete',
  'user_suspension_schedule_create',
  'user_suspension_schedule_delete',
  'user_create_provision',
  'user_update_provision',
  'user_delete_provision',
  // Commands and policies: runs, results and files are not edges; conditional access policies and IP lists are not graph objects
  'command_run',
  'commandresult_delete',
  'file_create',
  'file_delete',
  'file_update',
  'authnpolicy_create',
  'authnpolicy_delete',
  'authnpolicy_update',
  'authpolicy_update',
  'iplist_create',
  'iplist_delete',
  'iplist_update',
  // Integrations that are not graph objects
  'idsource_create',
  'idsource_delete',
  'idsource_update',
  'sambadomain_create',
  'sambadomain_delete',
  'sambadomain_update',
  'workday_create',
  'workday_delete',
  'workday_update',
  'integration_activate',
  'integration_deactivate',
  'integration_domain_add',
  'integration_domain_delete',
  'integration_default_domain_add',
  'integration_default_domain_update',
  'integration_default_domain_delete',
  // Multi-tenant portal (provider, billing and ticketing integrations)
  'provider_update',
  'mtp_download_invoice',
  'msp_ticket_create',
]);

/** Prefixes of MSP ticketing and billing integrations' event types (ConnectWise, Autotask, Syncro): no graph change. */
export const NO_GRAPH_CHANGE_PREFIXES: readonly string[] = ['connectwise_', 'autotask_', 'syncro_'];
