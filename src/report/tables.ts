/**
 * The review's tables as columns: one definition per table, shared by the CSV, Markdown and HTML
 * renderers so that every format shows the same columns under the same names.
 */
import type { NamedRef } from '../analysis/bindings.ts';
import { describePath } from '../analysis/revoke.ts';
import { formatReference } from '../analysis/resolve.ts';
import type { FindingItem, FindingSection } from './findings.ts';
import type { BindingRow, GroupRow, ResourceRow, UserRow } from './review.ts';

export type Cell = string | number;

export interface Column<T> {
  /** Machine name (CSV header, JSON key). */
  readonly key: string;
  /** Header for people. */
  readonly title: string;
  readonly numeric?: boolean;
  readonly value: (row: T) => Cell;
}

export interface Table<T> {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly Column<T>[];
}

const text = <T>(key: string, title: string, value: (row: T) => string): Column<T> => ({ key, title, value });
const num = <T>(key: string, title: string, value: (row: T) => number): Column<T> => ({ key, title, numeric: true, value });

export function refList(refs: readonly NamedRef[]): string {
  return refs.map(formatReference).join('; ');
}

export function pathsText(paths: BindingRow['paths'] | undefined): string {
  return (paths ?? []).map(describePath).join(' | ');
}

function userColumns<T>(user: (row: T) => BindingRow['user']): Column<T>[] {
  return [
    text('user_id', 'User id', (r) => user(r).id),
    text('user', 'User', (r) => user(r).name),
    text('email', 'Email', (r) => user(r).email),
    text('user_state', 'State', (r) => user(r).state + (user(r).locked ? ' (locked)' : '')),
  ];
}

function resourceColumns<T>(resource: (row: T) => NamedRef): Column<T>[] {
  return [
    text('resource_type', 'Type', (r) => resource(r).type),
    text('resource_id', 'Resource id', (r) => resource(r).id),
    text('resource', 'Resource', (r) => resource(r).name),
  ];
}

const bindingDetail: Column<BindingRow>[] = [
  text('access', 'Access', (r) => r.label),
  text('sudo', 'Sudo', (r) => r.sudo),
  text('via', 'Via groups', (r) => refList(r.via)),
  text('paths', 'Paths', (r) => pathsText(r.paths)),
];

export const BINDINGS_BY_USER: Table<BindingRow> = {
  name: 'bindings',
  title: 'Access by user',
  columns: [...userColumns<BindingRow>((r) => r.user), ...resourceColumns<BindingRow>((r) => r.resource), ...bindingDetail],
};

export const BINDINGS_BY_RESOURCE: Table<BindingRow> = {
  name: 'bindings-by-resource',
  title: 'Access by resource',
  columns: [...resourceColumns<BindingRow>((r) => r.resource), ...userColumns<BindingRow>((r) => r.user), ...bindingDetail],
};

export const USERS: Table<UserRow> = {
  name: 'users',
  title: 'Users',
  columns: [
    ...userColumns<UserRow>((r) => r.user),
    text('inactive', 'Inactive', (r) => r.inactive.join(', ')),
    text('global_sudo', 'Global sudo', (r) => r.globalSudo),
    num('groups', 'Groups', (r) => r.groups),
    num('bindings', 'Bindings', (r) => r.bindings),
    num('systems', 'Systems', (r) => r.systems),
    num('sudo_systems', 'Sudo systems', (r) => r.sudoSystems),
    num('applications', 'Applications', (r) => r.applications),
    num('directories', 'Directories', (r) => r.directories),
    num('direct', 'Direct', (r) => r.direct),
  ],
};

export const RESOURCES: Table<ResourceRow> = {
  name: 'resources',
  title: 'Resources',
  columns: [
    ...resourceColumns<ResourceRow>((r) => r.resource),
    num('users', 'Users', (r) => r.users),
    num('sudo_users', 'Sudo users', (r) => r.sudoUsers),
    num('direct_users', 'Direct users', (r) => r.directUsers),
    num('user_groups', 'Via user groups', (r) => r.userGroups),
  ],
};

export const GROUPS: Table<GroupRow> = {
  name: 'groups',
  title: 'Groups',
  columns: [
    text('group_type', 'Type', (r) => r.group.type),
    text('group_id', 'Group id', (r) => r.group.id),
    text('group', 'Group', (r) => r.group.name),
    num('members', 'Members', (r) => r.members),
    text('method', 'Membership', (r) => r.method),
    text('sudo', 'Own sudo', (r) => r.sudo),
    num('associations', 'Associations', (r) => r.associations.length),
    text('associated_with', 'Associated with', (r) => refList(r.associations)),
    num('bindings_through', 'Bindings through', (r) => r.bindingsThrough),
    num('bindings_only_through', 'Bindings only through', (r) => r.bindingsOnlyThrough),
  ],
};

/** A finding item with its section, for the flat findings table. */
export interface FindingRow {
  readonly section: FindingSection;
  readonly item: FindingItem;
}

export const FINDINGS: Table<FindingRow> = {
  name: 'findings',
  title: 'Findings',
  columns: [
    text('kind', 'Finding', (r) => r.section.kind),
    text('severity', 'Severity', (r) => r.section.severity),
    text('subject_type', 'Subject type', (r) => r.item.subject?.type ?? ''),
    text('subject_id', 'Subject id', (r) => r.item.subject?.id ?? ''),
    text('subject', 'Subject', (r) => r.item.subject?.name ?? ''),
    text('target_type', 'Target type', (r) => r.item.target?.type ?? ''),
    text('target_id', 'Target id', (r) => r.item.target?.id ?? ''),
    text('target', 'Target', (r) => r.item.target?.name ?? ''),
    text('detail', 'Detail', (r) => r.item.detail),
    text('paths', 'Paths', (r) => pathsText(r.item.paths)),
  ],
};

export function findingRows(sections: readonly FindingSection[]): FindingRow[] {
  return sections.flatMap((section) => section.items.map((item) => ({ section, item })));
}
