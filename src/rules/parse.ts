/**
 * Reading a rule file: YAML through the `yaml` package (which keeps where every node was written), then
 * the rule file's form checked node by node, so that every refusal names the file, line and column of
 * the part at fault in one sentence. The same form is written down as a JSON Schema
 * (`jcgraph-rules.schema.json`, for editors and CI); a test checks the two agree on the examples.
 */
import { readFile } from 'node:fs/promises';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { GRAPH_TYPES } from '../model/index.ts';
import { RuleFileError, type SourcePosition } from './errors.ts';
import {
  RULE_KINDS,
  SEVERITIES,
  type FieldValue,
  type GroupName,
  type Rule,
  type RuleException,
  type RuleFile,
  type RuleKind,
  type Selector,
  type Severity,
} from './types.ts';

/** Record fields a selector may name directly (`department: Sales`); any other goes under `record:`. */
export const SELECTOR_FIELDS: readonly string[] = [
  // users (v1 systemuser records)
  'username',
  'email',
  'firstname',
  'lastname',
  'displayname',
  'department',
  'employeeType',
  'employeeIdentifier',
  'jobTitle',
  'company',
  'costCenter',
  'location',
  'description',
  'state',
  'suspended',
  'account_locked',
  'activated',
  'sudo',
  'passwordless_sudo',
  'mfa',
  // systems (v1 system records)
  'os',
  'osFamily',
  'hostname',
  'displayName',
  'version',
  'arch',
  'serialNumber',
  'active',
  'agentVersion',
  // groups
  'membershipMethod',
];

const COMBINATORS = ['all', 'any', 'not'] as const;
const LEAVES = ['type', 'id', 'name', 'member_of', 'record'] as const;

/** Which selector keys each kind of rule takes, and whether it must have them. */
const KIND_FIELDS: Readonly<Record<RuleKind, Readonly<Record<string, 'required' | 'optional'>>>> = {
  forbid: { subjects: 'required', resources: 'required', sudo: 'optional', direct: 'optional' },
  exclusive: { subjects: 'optional', left: 'required', right: 'required' },
  only_through: { subjects: 'optional', resources: 'required', sudo: 'optional', through: 'required' },
  require: { subjects: 'required', resources: 'required' },
  none: { subjects: 'required', resources: 'optional' },
};
const COMMON_FIELDS = ['id', 'title', 'description', 'severity', 'tags', 'kind', 'exceptions'];
const GROUP_TYPES = ['user_group', 'system_group', 'policy_group'];
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** What the reader keeps while walking one file. */
class Reader {
  constructor(
    readonly file: string,
    readonly lines: LineCounter,
  ) {}

  at(node: Node | Pair | null | undefined): SourcePosition {
    const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    const { line, col } = this.lines.linePos(range?.[0] ?? 0);
    return { line, column: col };
  }

  fail(node: Node | Pair | null | undefined, sentence: string): never {
    throw new RuleFileError(this.file, this.at(node), sentence);
  }

  map(node: Node | null | undefined, what: string): YAMLMap<Node, Node | null> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping (key: value lines).`);
    for (const pair of node.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string') this.fail(pair, `every key of ${what} must be a plain word.`);
    }
    return node as YAMLMap<Node, Node | null>;
  }

  keyOf(pair: Pair<Node, Node | null>): string {
    return (pair.key as unknown as { value: string }).value;
  }

  /** The mapping's pairs by key, refusing keys that are not allowed. */
  fields(node: YAMLMap<Node, Node | null>, what: string, allowed: readonly string[], hint?: (key: string) => string | undefined) {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of node.items) {
      const key = this.keyOf(pair);
      if (!allowed.includes(key)) this.fail(pair, hint?.(key) ?? `${what} has no field "${key}"; its fields are ${allowed.join(', ')}.`);
      out.set(key, pair);
    }
    return out;
  }

  string(node: Node | null | undefined, what: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '')
      this.fail(node, `${what} must be a non-empty string.`);
    return node.value;
  }

  boolean(node: Node | null | undefined, what: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') this.fail(node, `${what} must be true or false.`);
    return node.value;
  }

  /** A string or a list of strings. */
  strings(node: Node | null | undefined, what: string): { value: string; node: Node }[] {
    if (isSeq(node)) {
      if (node.items.length === 0) this.fail(node, `${what} must not be an empty list.`);
      return (node.items as Node[]).map((item) => ({ value: this.string(item, `every item of ${what}`), node: item }));
    }
    return [{ value: this.string(node, what), node: node! }];
  }

  fieldValues(node: Node | null | undefined, what: string): FieldValue[] {
    const one = (n: Node | null | undefined): FieldValue => {
      if (!isScalar(n)) this.fail(n, `${what} must be a string, a number, true, false or null (or a list of them).`);
      const v = n.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return this.fail(n, `${what} must be a string, a number, true, false or null (or a list of them).`);
    };
    if (isSeq(node)) {
      if (node.items.length === 0) this.fail(node, `${what} must not be an empty list.`);
      return (node.items as Node[]).map(one);
    }
    return [one(node)];
  }
}

function selectorHint(key: string): string | undefined {
  if (SELECTOR_FIELDS.includes(key)) return undefined;
  return `"${key}" is not a selector: use type, id, name, member_of, all, any, not, a record field (${SELECTOR_FIELDS.slice(0, 6).join(', ')}, …) or record: {${key}: …} for another field.`;
}

/** One selector: a mapping of leaves and combinators (several keys: all of them). */
function selector(r: Reader, node: Node | null | undefined, what: string): Selector {
  if (isAlias(node)) r.fail(node, `${what} uses a YAML alias; write the selector out.`);
  const map = r.map(node, what);
  if (map.items.length === 0) r.fail(map, `${what} must name at least one condition.`);
  const allowed = [...COMBINATORS, ...LEAVES, ...SELECTOR_FIELDS];
  const parts: Selector[] = [];
  for (const pair of map.items) {
    const key = r.keyOf(pair);
    if (!allowed.includes(key)) r.fail(pair, selectorHint(key) ?? `"${key}" is not a selector.`);
    const at = r.at(pair);
    const value = pair.value;
    switch (key) {
      case 'all':
      case 'any': {
        if (!isSeq(value) || value.items.length === 0) r.fail(value ?? pair, `${key} must be a non-empty list of selectors.`);
        parts.push({ op: key, of: (value.items as Node[]).map((item) => selector(r, item, `an item of ${key}`)), at });
        break;
      }
      case 'not':
        parts.push({ op: 'not', of: selector(r, value, 'not'), at });
        break;
      case 'type': {
        const types = r.strings(value, 'type');
        for (const t of types) {
          if (!(GRAPH_TYPES as readonly string[]).includes(t.value))
            r.fail(t.node, `"${t.value}" is not an object type; types are ${GRAPH_TYPES.join(', ')}.`);
        }
        parts.push({ op: 'type', types: types.map((t) => t.value), at });
        break;
      }
      case 'id':
        parts.push({ op: 'id', ids: r.strings(value, 'id').map((s) => s.value), at });
        break;
      case 'name':
        parts.push({ op: 'name', globs: r.strings(value, 'name').map((s) => s.value), at });
        break;
      case 'member_of': {
        const groups: GroupName[] = r.strings(value, 'member_of').map(({ value: text, node: n }) => {
          const colon = text.indexOf(':');
          const type = colon > 0 ? text.slice(0, colon) : '';
          const name = colon > 0 ? text.slice(colon + 1) : '';
          if (!GROUP_TYPES.includes(type) || name === '')
            r.fail(
              n,
              `member_of "${text}" must be GROUP_TYPE:NAME with GROUP_TYPE one of ${GROUP_TYPES.join(', ')} (e.g. user_group:Contractors).`,
            );
          return { type, name, at: r.at(n) };
        });
        parts.push({ op: 'member_of', groups, at });
        break;
      }
      case 'record': {
        const fields = r.map(value, 'record');
        if (fields.items.length === 0) r.fail(fields, 'record must name at least one field.');
        for (const f of fields.items) {
          const field = r.keyOf(f);
          parts.push({ op: 'field', field, values: r.fieldValues(f.value, `record field ${field}`), at: r.at(f) });
        }
        break;
      }
      default:
        parts.push({ op: 'field', field: key, values: r.fieldValues(value, key), at });
    }
  }
  return parts.length === 1 ? parts[0]! : { op: 'all', of: parts, at: r.at(map) };
}

/** `2026-12-31` (through the end of that day, UTC) or an ISO-8601 instant. */
function expiry(r: Reader, node: Node | null | undefined): { text: string; instant: number } {
  const text = isScalar(node) && (typeof node.value === 'string' || node.value instanceof Date) ? String(node.value) : undefined;
  if (text === undefined) return r.fail(node, 'expires must be a date (2026-12-31) or an ISO-8601 time.');
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  // A date alone means "through that day": the exception ends when the next day begins, in UTC (a rule
  // chosen here, said in docs/access-rules.md).
  const instant = day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + 1) : Date.parse(text);
  const valid = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))).toISOString().startsWith(text) : true;
  if (Number.isNaN(instant) || !valid || (!day && !/^\d{4}-\d{2}-\d{2}T/.test(text)))
    r.fail(node, `expires "${text}" is not a date (2026-12-31) or an ISO-8601 time.`);
  return { text, instant };
}

function exception(r: Reader, node: Node | null | undefined, index: number, ruleId: string): RuleException {
  const what = `exception ${index + 1} of rule ${ruleId}`;
  const map = r.map(node, what);
  const f = r.fields(map, what, ['subjects', 'resources', 'owner', 'reason', 'expires']);
  for (const required of ['owner', 'reason']) if (!f.has(required)) r.fail(map, `${what} needs an ${required}.`);
  if (!f.has('subjects') && !f.has('resources')) r.fail(map, `${what} must say which subjects or resources it excuses.`);
  return {
    index,
    ...(f.has('subjects') ? { subjects: selector(r, f.get('subjects')!.value, `subjects of ${what}`) } : {}),
    ...(f.has('resources') ? { resources: selector(r, f.get('resources')!.value, `resources of ${what}`) } : {}),
    owner: r.string(f.get('owner')!.value, `owner of ${what}`),
    reason: r.string(f.get('reason')!.value, `reason of ${what}`),
    ...(f.has('expires') ? { expires: expiry(r, f.get('expires')!.value) } : {}),
    at: r.at(map),
  };
}

function rule(r: Reader, node: Node | null | undefined, position: number, seen: Set<string>): Rule {
  const map = r.map(node, `rule ${position + 1}`);
  const kindPair = map.items.find((p) => r.keyOf(p) === 'kind');
  if (!kindPair) r.fail(map, `rule ${position + 1} needs a kind (${RULE_KINDS.join(', ')}).`);
  const kindText = r.string(kindPair.value, 'kind');
  if (!(RULE_KINDS as readonly string[]).includes(kindText))
    r.fail(kindPair.value, `"${kindText}" is not a kind of rule; kinds are ${RULE_KINDS.join(', ')}.`);
  const kind = kindText as RuleKind;
  const kindFields = KIND_FIELDS[kind];
  const allowed = [...COMMON_FIELDS, ...Object.keys(kindFields)];
  const f = r.fields(map, `a ${kind} rule`, allowed, (key) => {
    const owner = RULE_KINDS.find((k) => key in KIND_FIELDS[k]);
    return owner
      ? `a ${kind} rule has no field "${key}" (${owner} rules have); its fields are ${allowed.join(', ')}.`
      : `a rule has no field "${key}"; the fields of a ${kind} rule are ${allowed.join(', ')}.`;
  });
  if (!f.has('id')) r.fail(map, `rule ${position + 1} needs an id.`);
  const id = r.string(f.get('id')!.value, 'id');
  if (!ID_PATTERN.test(id))
    r.fail(f.get('id')!.value, `rule id "${id}" may hold only letters, digits and _ . : - (and start with a letter or digit).`);
  if (seen.has(id)) r.fail(f.get('id')!.value, `rule id "${id}" is used twice.`);
  seen.add(id);
  for (const [field, need] of Object.entries(kindFields))
    if (need === 'required' && !f.has(field)) r.fail(map, `${kind} rule ${id} needs ${field}.`);
  if (!f.has('title')) r.fail(map, `rule ${id} needs a title.`);
  const severityText = f.has('severity') ? r.string(f.get('severity')!.value, 'severity') : 'high';
  if (!(SEVERITIES as readonly string[]).includes(severityText))
    r.fail(f.get('severity')!.value, `severity "${severityText}" is not one of ${SEVERITIES.join(', ')}.`);
  const tagsNode = f.get('tags')?.value;
  if (tagsNode !== undefined && !isSeq(tagsNode)) r.fail(tagsNode, `tags of rule ${id} must be a list.`);
  const tags = tagsNode ? (tagsNode.items as Node[]).map((t) => r.string(t, `a tag of rule ${id}`)) : [];
  const exceptionsNode = f.get('exceptions')?.value;
  if (exceptionsNode !== undefined && !isSeq(exceptionsNode)) r.fail(exceptionsNode, `exceptions of rule ${id} must be a list.`);
  const exceptions = exceptionsNode ? (exceptionsNode.items as Node[]).map((e, i) => exception(r, e, i, id)) : [];
  const sel = (key: string): Selector => selector(r, f.get(key)!.value, `${key} of rule ${id}`);
  const optionalSel = (key: string): { [k: string]: Selector } => (f.has(key) ? { [key]: sel(key) } : {});
  const flag = (key: string): boolean => (f.has(key) ? r.boolean(f.get(key)!.value, `${key} of rule ${id}`) : false);
  const base = {
    id,
    title: r.string(f.get('title')!.value, `title of rule ${id}`),
    severity: severityText as Severity,
    tags,
    exceptions,
    at: r.at(map),
    ...(f.has('description') ? { description: r.string(f.get('description')!.value, `description of rule ${id}`) } : {}),
  };
  switch (kind) {
    case 'forbid':
      return { ...base, kind, subjects: sel('subjects'), resources: sel('resources'), sudo: flag('sudo'), direct: flag('direct') };
    case 'exclusive':
      return { ...base, kind, ...optionalSel('subjects'), left: sel('left'), right: sel('right') };
    case 'only_through':
      return { ...base, kind, ...optionalSel('subjects'), resources: sel('resources'), sudo: flag('sudo'), through: sel('through') };
    case 'require':
      return { ...base, kind, subjects: sel('subjects'), resources: sel('resources') };
    case 'none':
      return { ...base, kind, subjects: sel('subjects'), ...optionalSel('resources') };
  }
}

/** Reads a rule file's text; RuleFileError (file, line, column, one sentence) when it is not a rule file. */
export function parseRuleFile(text: string, file: string): RuleFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r: Reader = new Reader(file, lines);
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    const sentence = error.message.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?$/, '');
    throw new RuleFileError(file, { line, column: col }, `not YAML: ${sentence.replace(/\.?$/, '.')}`);
  }
  const root = doc.contents;
  if (root === null) r.fail(root, 'the rule file is empty; it needs version: 1 and a list of rules.');
  const top = r.map(root, 'the rule file');
  const f = r.fields(top, 'the rule file', ['version', 'strict', 'rules']);
  const version = f.get('version')?.value;
  if (!version || !isScalar(version) || version.value !== 1) r.fail(version ?? top, 'the rule file needs version: 1.');
  const rulesNode = f.get('rules')?.value;
  if (!isSeq(rulesNode) || rulesNode.items.length === 0) r.fail(rulesNode ?? top, 'the rule file needs rules: a non-empty list of rules.');
  const seen = new Set<string>();
  return {
    file,
    version: 1,
    strict: f.has('strict') ? r.boolean(f.get('strict')!.value, 'strict') : false,
    rules: (rulesNode.items as Node[]).map((item, i) => rule(r, item, i, seen)),
  };
}

/** Reads a rule file from disk (`shown` names it in messages; default the path). */
export async function readRuleFile(path: string, shown = path): Promise<RuleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RuleFileError(
      shown,
      { line: 1, column: 1 },
      `cannot read the rule file (${(error as { code?: string }).code ?? String(error)}).`,
    );
  }
  return parseRuleFile(text, shown);
}
