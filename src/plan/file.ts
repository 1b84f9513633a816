/**
 * Plan files on disk: written through src/io (atomically, mode 0600: a plan names who can reach what)
 * and read back with every field checked. Any problem is a PlanFileError, one sentence naming the file
 * and the field; a plan whose content no longer matches its digest (edited by hand, damaged) is refused.
 */
import { readFile } from 'node:fs/promises';
import { PlanFileError } from '../errors.ts';
import { writeOutput } from '../io/output.ts';
import { isJsonObject, type JsonObject } from '../model/index.ts';
import { planDigest } from './digest.ts';
import { PLAN_FORMAT, PLAN_VERSION, type PlanFile } from './format.ts';
import { unreadable } from '../common/unreadable.ts';

/** Writes a plan file (mode 0600, atomically: a reader never sees half a plan). */
export async function writePlanFile(path: string, plan: PlanFile): Promise<void> {
  try {
    await writeOutput(path, [`${JSON.stringify(plan, null, 2)}\n`]);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new PlanFileError(`Could not write the plan ${path}${code ? ` (${code})` : ''}.`, { path, cause: error });
  }
}

/** Reads a plan file, checking its format, version, every field, and its digest. */
export async function readPlanFile(path: string): Promise<PlanFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const why = unreadable(error);
    throw new PlanFileError(`The plan ${path} ${why}.`, { path, cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`The plan ${path} is not valid JSON (truncated or corrupt).`, { path, cause: error });
  }
  return parsePlan(path, data);
}

/** A plan from parsed JSON, checked as readPlanFile checks it; `path` names it in errors. */
export function parsePlan(path: string, data: unknown): PlanFile {
  if (!isJsonObject(data) || data['format'] !== PLAN_FORMAT) throw new PlanFileError(`The file ${path} is not a jcgraph plan.`, { path });
  if (data['version'] !== PLAN_VERSION) {
    throw new PlanFileError(
      `The plan ${path} has format version ${JSON.stringify(data['version'])}; this jcgraph reads version ${PLAN_VERSION}.`,
      { path },
    );
  }
  new PlanChecker(path).plan(data);
  const digest = data['digest'] as string;
  const actual = planDigest(data);
  if (digest !== actual) {
    throw new PlanFileError(
      `The plan ${path} was changed after jcgraph wrote it: its field digest says ${short(digest)} but its content hashes to ${short(actual)}, and jcgraph applies a plan only as it was written.`,
      { path },
    );
  }
  return data as unknown as PlanFile;
}

function short(digest: string): string {
  return `${digest.slice(0, 'sha256:'.length + 12)}…`;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks each field of a plan, throwing at the first problem with the field's name. */
class PlanChecker {
  constructor(readonly path: string) {}

  fail(field: string, expected: string): never {
    throw new PlanFileError(`The plan ${this.path} is invalid: ${field} ${expected}.`, { path: this.path });
  }

  object(value: unknown, field: string): JsonObject {
    if (!isJsonObject(value)) this.fail(field, 'must be an object');
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, 'must be a string');
    return value;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value;
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
      this.fail(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return value as T;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, 'must be an array');
    return value;
  }

  objectOrNull(value: unknown, field: string): void {
    if (value !== null && !isJsonObject(value)) this.fail(field, 'must be an object or null');
  }

  ref(value: unknown, field: string, named = false): void {
    const o = this.object(value, field);
    this.string(o['type'], `${field}.type`);
    this.string(o['id'], `${field}.id`);
    if (named) this.string(o['name'], `${field}.name`);
  }

  request(value: unknown, field: string): void {
    const r = this.object(value, field);
    this.oneOf(r['method'], `${field}.method`, ['POST', 'PUT']);
    if (!this.string(r['path'], `${field}.path`).startsWith('/api/')) this.fail(`${field}.path`, 'must start with /api/');
    this.object(r['body'], `${field}.body`);
  }

  bindings(value: unknown, field: string): void {
    this.array(value, field).forEach((b, i) => {
      const o = this.object(b, `${field}[${i}]`);
      this.ref(o['subject'], `${field}[${i}].subject`, true);
      this.ref(o['target'], `${field}[${i}].target`, true);
    });
  }

  plan(data: JsonObject): void {
    if (Number.isNaN(Date.parse(this.string(data['madeAt'], 'madeAt')))) this.fail('madeAt', 'must be an ISO 8601 time');
    this.snapshot(this.object(data['snapshot'], 'snapshot'));
    this.question(this.object(data['question'], 'question'));
    this.array(data['steps'], 'steps').forEach((s, i) => this.step(this.object(s, `steps[${i}]`), `steps[${i}]`));
    const v = this.object(data['verification'], 'verification');
    this.bindings(v['ends'], 'verification.ends');
    this.bindings(v['keeps'], 'verification.keeps');
    if (v['only'] !== undefined) this.ref(v['only'], 'verification.only', true);
    if (!/^sha256:[0-9a-f]{64}$/.test(this.string(data['digest'], 'digest'))) this.fail('digest', 'must be sha256: and 64 hex digits');
  }

  snapshot(s: JsonObject): void {
    const kind = this.oneOf(s['kind'], 'snapshot.kind', ['snapshot', 'simulated']);
    this.string(s['orgId'], 'snapshot.orgId');
    if (kind === 'simulated') {
      this.string(s['preset'], 'snapshot.preset');
      return;
    }
    if (!SHA256_HEX.test(this.string(s['sha256'], 'snapshot.sha256'))) this.fail('snapshot.sha256', 'must be 64 hex digits');
    this.string(s['path'], 'snapshot.path');
    this.string(s['apiHost'], 'snapshot.apiHost');
    this.string(s['startedAt'], 'snapshot.startedAt');
    this.boolean(s['live'], 'snapshot.live');
  }

  question(q: JsonObject): void {
    const kind = this.oneOf(q['kind'], 'question.kind', ['revoke', 'offboard', 'steps']);
    if (kind === 'revoke') {
      this.ref(q['subject'], 'question.subject', true);
      this.ref(q['resource'], 'question.resource', true);
      this.string(q['strategy'], 'question.strategy');
      this.array(q['protect'], 'question.protect').forEach((p, i) => this.string(p, `question.protect[${i}]`));
    } else if (kind === 'offboard') {
      this.ref(q['user'], 'question.user', true);
      this.boolean(q['suspend'], 'question.suspend');
    } else {
      this.string(q['command'], 'question.command');
      this.string(q['description'], 'question.description');
    }
  }

  step(s: JsonObject, field: string): void {
    const action = this.oneOf(s['action'], `${field}.action`, ['remove', 'exempt', 'suspend']);
    const change = this.object(s['change'], `${field}.change`);
    const kind = this.oneOf(change['kind'], `${field}.change.kind`, ['membership', 'association', 'exemption', 'user-state']);
    const expected = { remove: ['membership', 'association'], exempt: ['exemption'], suspend: ['user-state'] }[action];
    if (!expected.includes(kind)) this.fail(`${field}.change.kind`, `must be ${expected.join(' or ')} for the action ${action}`);
    if (kind === 'membership' || kind === 'association') {
      this.ref(change['from'], `${field}.change.from`, true);
      this.ref(change['to'], `${field}.change.to`, true);
      this.objectOrNull(change['attributes'], `${field}.change.attributes`);
    } else if (kind === 'exemption') {
      this.ref(change['group'], `${field}.change.group`, true);
      this.ref(change['member'], `${field}.change.member`, true);
      this.string(change['rule'], `${field}.change.rule`);
    } else {
      this.ref(change['user'], `${field}.change.user`, true);
      this.object(change['before'], `${field}.change.before`);
      this.object(change['after'], `${field}.change.after`);
    }
    this.request(s['request'], `${field}.request`);
    this.request(s['inverse'], `${field}.inverse`);
    const pre = this.object(s['precondition'], `${field}.precondition`);
    const preKind = this.oneOf(pre['kind'], `${field}.precondition.kind`, ['edge', 'group-record', 'user-state']);
    const expectedPre = { remove: 'edge', exempt: 'group-record', suspend: 'user-state' }[action];
    if (preKind !== expectedPre) this.fail(`${field}.precondition.kind`, `must be ${expectedPre} for the action ${action}`);
    if (preKind === 'edge') {
      const edge = this.object(pre['edge'], `${field}.precondition.edge`);
      this.oneOf(edge['kind'], `${field}.precondition.edge.kind`, ['membership', 'association']);
      this.ref(edge['from'], `${field}.precondition.edge.from`);
      this.ref(edge['to'], `${field}.precondition.edge.to`);
      this.objectOrNull(pre['attributes'], `${field}.precondition.attributes`);
    } else if (preKind === 'group-record') {
      this.ref(pre['group'], `${field}.precondition.group`);
      this.object(pre['record'], `${field}.precondition.record`);
    } else {
      this.ref(pre['user'], `${field}.precondition.user`);
      this.object(pre['state'], `${field}.precondition.state`);
    }
    this.bindings(s['ends'], `${field}.ends`);
    this.bindings(s['keeps'], `${field}.keeps`);
  }
}
