/**
 * Directory Insights events as JumpCloud writes them, for the changes the simulator applies and for the
 * everyday noise around them. Shapes follow the DI spec's "Directory Attributes" and public sample events
 * (SIEM parsers' test fixtures): every event has `id`, `event_type`, `service`, `organization`,
 * `timestamp`, `initiated_by`; an `association_change` has `association: {op, action_source,
 * connection: {from, to: {object_id, type, name}}, attributes}` (a membership: from the group to the
 * member; an association: its ends in either order); object events have `resource: {id, type, …}` and,
 * for updates, `changes: [{field, from, to}]`. DI stores values lower-cased, so types and event types
 * are lower case here; users are sometimes typed `systemuser`, as in the spec's example.
 *
 * These tables are the simulator's own: the engine's parser (src/fetchers/insights) is written apart,
 * so that one cannot hide a misreading of the other.
 */
import type { GraphType, JsonObject } from '../../model/index.ts';
import { unitHash } from '../random.ts';
import type { AppliedChange, NamedRef } from '../changes/changes.ts';

/** The event-type prefix of each type's lifecycle events (`group_create`, `radiusserver_delete`, …). */
const LIFECYCLE_PREFIX: Partial<Record<GraphType, string>> = {
  user: 'user',
  user_group: 'group',
  system_group: 'group',
  policy_group: 'group',
  system: 'system',
  application: 'application',
  command: 'command',
  policy: 'policy',
  radius_server: 'radiusserver',
  active_directory: 'activedirectory',
  g_suite: 'gsuite_directory',
  office_365: 'o365_directory',
};

export interface EventContext {
  readonly orgId: string;
  /** Seed of the choices that vary between events (who, from where, which spelling). */
  readonly seed: number;
}

/** The administrator every change is made by (one per organization). */
function admin(ctx: EventContext): JsonObject {
  const id = Math.floor(unitHash(ctx.seed, 'admin', ctx.orgId) * 2 ** 32)
    .toString(16)
    .padStart(8, '0');
  return { id: `5c86b6cf${id}00001d3800c`.slice(0, 24), type: 'admin', email: 'it-admin@example.com' };
}

function client(ctx: EventContext, key: string): JsonObject {
  const u = (what: string): number => unitHash(ctx.seed, what, key);
  return {
    client_ip: `198.51.100.${1 + Math.floor(u('ip') * 254)}`,
    geoip: { country_code: 'US', timezone: 'America/Denver', region_name: 'Colorado', region_code: 'CO', continent_code: 'NA' },
    useragent: { name: 'Chrome', major: '126', minor: '0', os: 'Mac OS X', os_name: 'Mac OS X', device: 'Mac' },
  };
}

function end(ref: NamedRef): JsonObject {
  return { object_id: ref.id, type: ref.type, name: ref.name };
}

function resource(ref: NamedRef, key: string, ctx: EventContext): JsonObject {
  if (ref.type === 'user') {
    return { id: ref.id, type: unitHash(ctx.seed, 'systemuser', key) < 0.3 ? 'systemuser' : 'user', username: ref.name };
  }
  return { id: ref.id, type: ref.type, name: ref.name };
}

/**
 * The events a change leaves in the log (fields other than `id` and `timestamp`), or none: the change's
 * own, then one `association_change` per membership the rules of dynamic groups added or removed after it.
 * `key` is unique per change and makes the varying choices reproducible.
 */
export function changeEvents(applied: AppliedChange, key: string, ctx: EventContext): JsonObject[] {
  const own = ownEvents(applied, key, ctx);
  const ruleMade = (applied.ruleMade ?? []).map((m, i) => {
    const [event] = ownEvents(
      {
        effect: 'edge',
        change: { kind: `${m.op}-member`, group: m.group, member: m.member },
        op: m.op,
        membership: true,
        from: m.group,
        to: m.member,
        attributes: null,
      },
      `${key}:rule:${i}`,
      ctx,
    );
    // What DI writes as the source of a membership a rule made is not documented: "automated" is this
    // simulator's choice (jcgraph's refresh reads the connection, not the source).
    return { ...event, association: { ...(event?.['association'] as JsonObject), action_source: 'automated' } };
  });
  return [...own, ...ruleMade];
}

function ownEvents(applied: AppliedChange, key: string, ctx: EventContext): JsonObject[] {
  const common = (eventType: string): JsonObject => ({
    event_type: eventType,
    service: 'directory',
    organization: ctx.orgId,
    initiated_by: admin(ctx),
    auth_method: unitHash(ctx.seed, 'auth', key) < 0.7 ? 'session' : 'api key',
    success: true,
    provider: null,
    '@version': '1',
    ...client(ctx, key),
  });
  switch (applied.effect) {
    case 'none':
      return [];
    case 'edge': {
      // DI names no direction for an association: either end may come first.
      const swap = !applied.membership && unitHash(ctx.seed, 'swap', key) < 0.5;
      const [from, to] = swap ? [applied.to, applied.from] : [applied.from, applied.to];
      return [
        {
          ...common('association_change'),
          association: {
            op: applied.op,
            action_source: 'manual',
            connection: { from: end(from), to: end(to) },
            attributes: applied.attributes,
          },
        },
      ];
    }
    case 'create':
    case 'delete':
    case 'update': {
      const prefix = LIFECYCLE_PREFIX[applied.object.type as GraphType];
      if (prefix === undefined) return []; // a type with no documented lifecycle event
      const event: JsonObject = { ...common(`${prefix}_${applied.effect}`), resource: resource(applied.object, key, ctx) };
      if (applied.effect === 'update') {
        event['changes'] = applied.fields.map((f) => ({ field: f.field, from: f.from ?? null, to: f.to ?? null }));
      }
      return [event];
    }
  }
}

const NOISE = [
  'admin_login_attempt',
  'user_login_attempt',
  'user_login_attempt',
  'user_password_change',
  'command_run',
  'admin_update',
] as const;

/** An event that changes nothing in the graph: logins, a password change, a command run. */
export function noiseEvent(key: string, ctx: EventContext): JsonObject {
  const type = NOISE[Math.floor(unitHash(ctx.seed, 'noise', key) * NOISE.length)] ?? 'user_login_attempt';
  const success = unitHash(ctx.seed, 'success', key) < 0.9;
  const base: JsonObject = { event_type: type, service: 'directory', organization: ctx.orgId, '@version': '1', ...client(ctx, key) };
  switch (type) {
    case 'admin_login_attempt':
      return { ...base, initiated_by: admin(ctx), resource: { ...admin(ctx) }, success, mfa: true, provider: null };
    case 'user_login_attempt':
    case 'user_password_change':
      return {
        ...base,
        initiated_by: { type: 'user', username: `user${Math.floor(unitHash(ctx.seed, 'who', key) * 1000)}` },
        success,
        mfa: false,
      };
    case 'command_run':
      return {
        ...base,
        initiated_by: admin(ctx),
        resource: { type: 'command', id: '6127579ec58b6d6144c06492', name: 'Rotate logs' },
        success: true,
      };
    case 'admin_update':
      return {
        ...base,
        initiated_by: admin(ctx),
        resource: { ...admin(ctx) },
        changes: [{ field: 'enableMultiFactor', from: false, to: true }],
        success: true,
      };
  }
}
