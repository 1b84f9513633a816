/**
 * The bodies of the writes, read as the specs define them, each fault a 400 whose message names the field
 * and whose v2 `status` is the spec's lowerCamelCase code for it (`null<Field>` when it is missing,
 * `invalid<Field>` when it is wrong, as the Error schema's examples `nullName` and `invalidName`):
 * - `GraphOperation-*` (members and associations POSTs): `op`, `type`, `id` required; `attributes` an
 *   object or null, a `sudo` in it `{enabled, withoutPassword}` booleans (`GraphAttribute-Sudo`);
 * - `UserGroupPut` / `SystemGroupPut`: `name` required, the other fields typed as the schemas type them;
 * - `systemuserput` (v1): the fields the simulator keeps, typed; `state` `ACTIVATED` or `SUSPENDED`.
 * Fields a schema does not name are accepted and ignored (the record as read may be sent back whole).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';

function capitalized(field: string): string {
  const last =
    field
      .split(/[.[\]]+/)
      .filter((p) => p !== '' && !/^\d+$/.test(p))
      .pop() ?? field;
  return last.charAt(0).toUpperCase() + last.slice(1);
}

/** A 400 naming the field: `null<Field>` when it is missing, else `invalid<Field>`. */
export function badField(field: string, problem: string, missing = false): SimulatorError {
  return new SimulatorError(`${field} ${problem}`, 400, `${missing ? 'null' : 'invalid'}${capitalized(field)}`);
}

/** The body as a JSON object, or a 400. */
export function jsonObjectBody(body: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SimulatorError('the request body is not valid JSON', 400, 'invalidBody');
  }
  if (!isJsonObject(parsed)) throw new SimulatorError('the request body must be a JSON object', 400, 'invalidBody');
  return parsed;
}

function requiredString(body: JsonObject, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw badField(field, 'is required', true);
  if (typeof value !== 'string' || value === '') throw badField(field, `must be a non-empty string, not ${JSON.stringify(value)}`);
  return value;
}

function checkSudo(attributes: JsonObject, field: string): void {
  const sudo = attributes['sudo'];
  if (sudo === undefined || sudo === null) return;
  if (!isJsonObject(sudo) || typeof sudo['enabled'] !== 'boolean' || typeof sudo['withoutPassword'] !== 'boolean')
    throw badField(`${field}.sudo`, `must be {"enabled": boolean, "withoutPassword": boolean} or null, not ${JSON.stringify(sudo)}`);
}

function attributesOf(value: JsonValue | undefined, field: string): JsonObject | null | undefined {
  if (value === undefined || value === null) return value;
  if (!isJsonObject(value)) throw badField(field, `must be an object or null, not ${JSON.stringify(value)}`);
  checkSudo(value, field);
  return value;
}

export type GraphOp = 'add' | 'remove' | 'update';

/** A `GraphOperation` body: what to do to the edge between the path's object and `{type, id}`. */
export interface GraphOperation {
  readonly op: GraphOp;
  readonly type: string;
  readonly id: string;
  /** Absent (undefined), null, or the edge's attributes. */
  readonly attributes: JsonObject | null | undefined;
}

/** Reads a GraphOperation whose `op` is one of `ops` and whose `type` is one of `types`. */
export function graphOperation(body: string, ops: readonly GraphOp[], types: readonly string[]): GraphOperation {
  const json = jsonObjectBody(body);
  const op = requiredString(json, 'op');
  if (!(ops as readonly string[]).includes(op)) throw badField('op', `must be ${ops.join(', ')} here, not ${JSON.stringify(op)}`);
  const type = requiredString(json, 'type');
  if (!types.includes(type)) throw badField('type', `must be one of ${types.join(', ')}, not ${JSON.stringify(type)}`);
  const id = requiredString(json, 'id');
  return { op: op as GraphOp, type, id, attributes: attributesOf(json['attributes'], 'attributes') };
}

const MEMBERSHIP_METHODS = ['NOTSET', 'STATIC', 'DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED'];

/** The fields of `UserGroupPut` and `SystemGroupPut` (the same names; the user group's attributes are richer). */
export const GROUP_PUT_FIELDS = [
  'name',
  'description',
  'email',
  'attributes',
  'memberQuery',
  'membershipMethod',
  'memberSuggestionsNotify',
  'memberQueryExemptions',
] as const;

function checkExemptions(value: JsonValue): void {
  if (!Array.isArray(value)) throw badField('memberQueryExemptions', `must be a list of {id, type}, not ${JSON.stringify(value)}`);
  value.forEach((entry, i) => {
    const field = `memberQueryExemptions[${i}]`;
    if (!isJsonObject(entry)) throw badField(field, `must be an object {id, type}, not ${JSON.stringify(entry)}`);
    for (const key of ['id', 'type']) {
      const v = entry[key];
      if (typeof v !== 'string' || v === '')
        throw badField(`${field}.${key}`, 'is required, a non-empty string', v === undefined || v === null);
    }
    if (entry['organizationId'] !== undefined && typeof entry['organizationId'] !== 'string')
      throw badField(`${field}.organizationId`, 'must be a string');
  });
}

/** The fields of a group PUT body the simulator takes (the schema's), each checked; `name` required. */
export function groupPut(body: string): JsonObject {
  const json = jsonObjectBody(body);
  requiredString(json, 'name');
  const out: JsonObject = {};
  for (const field of GROUP_PUT_FIELDS) {
    const value = json[field];
    if (value === undefined) continue;
    switch (field) {
      case 'description':
      case 'email':
        if (typeof value !== 'string') throw badField(field, `must be a string, not ${JSON.stringify(value)}`);
        break;
      case 'attributes':
        attributesOf(value, field);
        break;
      case 'memberQuery':
        // Nothing validates a rule (JumpCloud: "There is no validation when creating a dynamic user group").
        if (value !== null && !isJsonObject(value)) throw badField(field, `must be an object or null, not ${JSON.stringify(value)}`);
        break;
      case 'membershipMethod':
        if (typeof value !== 'string' || !MEMBERSHIP_METHODS.includes(value))
          throw badField(field, `must be one of ${MEMBERSHIP_METHODS.join(', ')}, not ${JSON.stringify(value)}`);
        break;
      case 'memberSuggestionsNotify':
        if (typeof value !== 'boolean') throw badField(field, `must be true or false, not ${JSON.stringify(value)}`);
        break;
      case 'memberQueryExemptions':
        checkExemptions(value);
        break;
      case 'name':
        break;
    }
    out[field] = value;
  }
  return out;
}

/** String fields of `systemuserput` the simulator keeps on the user's record. */
const USER_STRING_FIELDS = [
  'alternateEmail',
  'company',
  'costCenter',
  'department',
  'description',
  'displayname',
  'email',
  'employeeIdentifier',
  'employeeType',
  'firstname',
  'jobTitle',
  'lastname',
  'location',
  'manager',
  'middlename',
  'username',
] as const;

/** Boolean fields of `systemuserput` the simulator keeps (`suspended` is read with `state`). */
const USER_BOOLEAN_FIELDS = [
  'account_locked',
  'allow_public_key',
  'enable_managed_uid',
  'enable_user_portal_multifactor',
  'ldap_binding_user',
  'password_never_expires',
  'samba_service_user',
  'sudo',
] as const;

/**
 * The fields a v1 user PUT sets on the record as it is now (`record`): the typed fields it gives, and the
 * state, which `state` and `suspended` both say and must agree on. Suspending sets `state: SUSPENDED`
 * and `suspended: true`; `{"state": "ACTIVATED"}` or `{"suspended": false}` reinstates a suspended user
 * (a staged user stays staged when only `suspended: false` is sent). Other schema fields (`password`,
 * `ssh_keys`, `mfa`, …) are accepted and not kept.
 */
export function userPut(body: string, record: JsonObject): JsonObject {
  const json = jsonObjectBody(body);
  const set: JsonObject = {};
  for (const field of USER_STRING_FIELDS) {
    const value = json[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw badField(field, `must be a string, not ${JSON.stringify(value)}`);
    set[field] = value;
  }
  for (const field of USER_BOOLEAN_FIELDS) {
    const value = json[field];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw badField(field, `must be true or false, not ${JSON.stringify(value)}`);
    set[field] = value;
  }
  const state = json['state'];
  const suspended = json['suspended'];
  if (state !== undefined && state !== 'ACTIVATED' && state !== 'SUSPENDED')
    throw badField('state', `must be ACTIVATED or SUSPENDED, not ${JSON.stringify(state)}`);
  if (suspended !== undefined && typeof suspended !== 'boolean')
    throw badField('suspended', `must be true or false, not ${JSON.stringify(suspended)}`);
  if (state !== undefined && suspended !== undefined && (state === 'SUSPENDED') !== suspended)
    throw badField('suspended', `(${String(suspended)}) contradicts state ${state}`);
  if (state !== undefined) {
    set['state'] = state;
    set['suspended'] = state === 'SUSPENDED';
  } else if (suspended === true) {
    set['state'] = 'SUSPENDED';
    set['suspended'] = true;
  } else if (suspended === false) {
    set['suspended'] = false;
    if (record['state'] === 'SUSPENDED') set['state'] = 'ACTIVATED';
  }
  return set;
}
