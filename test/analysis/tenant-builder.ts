/** Hand-built tenants for analysis tests: readable names, ids derived from them, records shaped like the API's. */
import {
  associationEdge,
  membershipEdge,
  type JsonObject,
  type JsonValue,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../src/model/index.ts';

const V1_TYPES = new Set(['user', 'system', 'application', 'command', 'radius_server']);
const NAME_FIELD: Record<string, string> = { user: 'username', system: 'displayName', application: 'displayLabel' };

export class TenantBuilder {
  readonly objects: TenantObject[] = [];
  readonly edges: TenantEdge[] = [];

  /** Adds an object of any type; its id is `<type>-<name>` unless given. */
  add(type: string, name: string, fields: JsonObject = {}, id = `${type}-${name}`.replace(/[^A-Za-z0-9_-]/g, '_')): ObjectRef {
    const idField = V1_TYPES.has(type) ? '_id' : 'id';
    const nameField = NAME_FIELD[type] ?? 'name';
    const record: JsonObject = { [idField]: id, [nameField]: name, ...(V1_TYPES.has(type) ? {} : { type }), ...fields };
    this.objects.push({ type, id, record });
    return { type, id };
  }

  user(name: string, fields: JsonObject = {}): ObjectRef {
    return this.add('user', name, {
      email: `${name}@example.com`,
      state: 'ACTIVATED',
      suspended: false,
      activated: true,
      account_locked: false,
      ...fields,
    });
  }

  userGroup(name: string, attributes: JsonObject = {}): ObjectRef {
    return this.add('user_group', name, { attributes, membershipMethod: 'STATIC' });
  }

  /**
   * A dynamic user or system group: its method, its rule (v1 filters `[field, operator, value]`, or a raw
   * memberQuery) and, in `fields`, exemptions, error flags or anything else of the record.
   */
  dynamicGroup(
    type: 'user_group' | 'system_group',
    name: string,
    method: 'DYNAMIC_AUTOMATED' | 'DYNAMIC_REVIEW_REQUIRED',
    rule: readonly (readonly [string, string, JsonValue])[] | JsonObject,
    fields: JsonObject = {},
  ): ObjectRef {
    const memberQuery: JsonObject = Array.isArray(rule)
      ? { queryType: 'FilterQuery', filters: rule.map(([field, operator, value]) => ({ field, operator, value })) }
      : (rule as JsonObject);
    return this.add(type, name, {
      attributes: type === 'user_group' ? {} : null,
      description: '',
      email: '',
      memberQuery,
      memberQueryExemptions: [],
      membershipMethod: method,
      ...fields,
    });
  }

  system(name: string, fields: JsonObject = {}): ObjectRef {
    return this.add('system', name, { hostname: `${name}.example.com`, os: 'Ubuntu', active: true, ...fields });
  }

  systemGroup(name: string): ObjectRef {
    return this.add('system_group', name);
  }

  member(group: ObjectRef, member: ObjectRef): this {
    this.edges.push(membershipEdge(group, member));
    return this;
  }

  associate(x: ObjectRef, y: ObjectRef, attributes: JsonObject | null = null): this {
    this.edges.push(associationEdge(x, y, attributes));
    return this;
  }

  build(orgId = 'org-test'): TenantData {
    return { orgId, objects: [...this.objects], edges: [...this.edges] };
  }
}

export const SUDO = { sudo: { enabled: true, withoutPassword: false } } as const;
