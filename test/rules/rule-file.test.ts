/**
 * The rule file: what reads, what is refused (with file, line and column), and the JSON Schema that ships
 * beside the reader agreeing with it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { GRAPH_TYPES } from '../../src/model/index.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import {
  RULE_KINDS,
  SELECTOR_FIELDS,
  SEVERITIES,
  RuleFileError,
  checkNamesExist,
  parseRuleFile,
  readRuleFile,
} from '../../src/rules/index.ts';
import { ROOT } from '../cli/run.ts';

const schema = JSON.parse(readFileSync(resolve(ROOT, 'src/rules/jcgraph-rules.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const EXAMPLE = resolve(ROOT, 'examples/jcgraph-rules.yaml');

/** A one-rule file around `rule` (YAML lines, indented under `rules:`). */
function file(rule: string, head = 'version: 1\n'): string {
  return `${head}rules:\n${rule}`;
}

function refusal(text: string): RuleFileError {
  try {
    parseRuleFile(text, 'r.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RuleFileError);
    return error as RuleFileError;
  }
  throw new Error('the file was accepted');
}

const refused: [string, string, number, number, RegExp][] = [
  ['not YAML', 'version: 1\nrules: [\n', 3, 1, /not YAML/],
  ['no version', 'rules:\n  - id: a\n', 1, 1, /version: 1/],
  [
    'an unknown kind',
    file('  - id: a\n    title: t\n    kind: deny\n'),
    5,
    11,
    /"deny" is not a kind of rule; kinds are forbid, exclusive, only_through, require, none/,
  ],
  ['a kind missing', file('  - id: a\n    title: t\n'), 3, 5, /needs a kind/],
  [
    'an unknown selector key',
    file('  - id: a\n    title: t\n    kind: none\n    subjects: { tpye: user }\n'),
    6,
    17,
    /"tpye" is not a selector.*record: \{tpye: …\}/,
  ],
  [
    'an unknown type',
    file('  - id: a\n    title: t\n    kind: none\n    subjects: { type: person }\n'),
    6,
    23,
    /"person" is not an object type/,
  ],
  [
    'a bad member_of',
    file('  - id: a\n    title: t\n    kind: none\n    subjects: { member_of: Contractors }\n'),
    6,
    28,
    /must be GROUP_TYPE:NAME/,
  ],
  [
    'a field of another kind',
    file('  - id: a\n    title: t\n    kind: none\n    subjects: { type: user }\n    left: { type: user }\n'),
    7,
    5,
    /exclusive rules have/,
  ],
  [
    'a missing selector',
    file('  - id: a\n    title: t\n    kind: forbid\n    subjects: { type: user }\n'),
    3,
    5,
    /forbid rule a needs resources/,
  ],
  ['an empty selector', file('  - id: a\n    title: t\n    kind: none\n    subjects: {}\n'), 6, 15, /at least one condition/],
  [
    'a bad severity',
    file('  - id: a\n    title: t\n    severity: urgent\n    kind: none\n    subjects: { type: user }\n'),
    5,
    15,
    /"urgent" is not one of info, low, medium, high, critical/,
  ],
  [
    'a rule id used twice',
    file('  - { id: a, title: t, kind: none, subjects: { type: user } }\n  - { id: a, title: t, kind: none, subjects: { type: user } }\n'),
    4,
    11,
    /"a" is used twice/,
  ],
  [
    'an exception without an owner',
    file(
      '  - id: a\n    title: t\n    kind: none\n    subjects: { type: user }\n    exceptions:\n      - { subjects: { id: x }, reason: r }\n',
    ),
    8,
    9,
    /needs an owner/,
  ],
  [
    'a date that is not one',
    file(
      '  - id: a\n    title: t\n    kind: none\n    subjects: { type: user }\n    exceptions:\n      - { subjects: { id: x }, owner: o, reason: r, expires: 2026-02-30 }\n',
    ),
    8,
    62,
    /"2026-02-30" is not a date/,
  ],
  ['a top-level field it does not know', 'version: 1\nstrcit: true\nrules: []\n', 2, 1, /no field "strcit"/],
];

describe('the rule file', () => {
  it('reads the example: every kind, selectors, tags, exceptions with an end date', async () => {
    const f = await readRuleFile(EXAMPLE, 'examples/jcgraph-rules.yaml');
    expect(f.rules.map((r) => r.kind)).toEqual(['forbid', 'exclusive', 'only_through', 'require', 'none']);
    const forbid = f.rules[0]!;
    expect(forbid).toMatchObject({ id: 'contractors-no-servers', severity: 'high', tags: ['soc2:CC6.3', 'iso27001:A.5.18'] });
    expect(forbid.kind === 'forbid' && forbid.subjects).toMatchObject({
      op: 'member_of',
      groups: [{ type: 'user_group', name: 'Contractors' }],
    });
    expect(forbid.exceptions[0]).toMatchObject({
      owner: 'it-security@example.com',
      expires: { text: '2027-03-31', instant: Date.UTC(2027, 3, 1) },
    });
    expect(forbid.at).toEqual({ line: 6, column: 5 });
  });

  it('takes combinators, record fields, lists of values and a severity default of high', () => {
    const f = parseRuleFile(
      file(`  - id: r1
    title: t
    kind: none
    subjects:
      any:
        - { type: user, state: [SUSPENDED, STAGED] }
        - not: { name: "svc-*" }
        - record: { customField: 3 }
`),
      'r.yaml',
    );
    const rule = f.rules[0]!;
    expect(rule.severity).toBe('high');
    expect(rule.kind === 'none' && rule.subjects).toMatchObject({
      op: 'any',
      of: [
        {
          op: 'all',
          of: [
            { op: 'type', types: ['user'] },
            { op: 'field', field: 'state', values: ['SUSPENDED', 'STAGED'] },
          ],
        },
        { op: 'not', of: { op: 'name', globs: ['svc-*'] } },
        { op: 'field', field: 'customField', values: [3] },
      ],
    });
  });

  it.each(refused)('refuses %s, naming file, line and column', (_what, text, line, column, message) => {
    const error = refusal(text);
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file: 'r.yaml', line, column });
    expect(error.message).toMatch(new RegExp(`^r\\.yaml:${line}:${column}: `));
    expect(error.message).toMatch(message);
    expect(error.message.trim().split('\n')).toHaveLength(1);
  });

  it('in strict mode refuses a name, id or group that matches nothing, where it is written', () => {
    const g = AccessGraph.fromTenant(generateTenant({ preset: 'tiny', seed: 1 }));
    const strict = (selector: string) =>
      parseRuleFile(`version: 1\nstrict: true\nrules:\n  - id: a\n    title: t\n    kind: none\n    subjects: ${selector}\n`, 'r.yaml');
    expect(() => checkNamesExist(g, strict('{ member_of: user_group:Contractors }'))).not.toThrow();
    const cases: [string, number, RegExp][] = [
      ['{ member_of: "user_group:No Such Group" }', 28, /no user_group is named "No Such Group" \(strict\)/],
      ['{ type: user, name: "zz-nobody*" }', 29, /no object is named "zz-nobody\*"/],
      ['{ all: [{ id: "000000000000000000000000" }] }', 25, /no object has the id/],
    ];
    for (const [selector, column, message] of cases) {
      const f = strict(selector);
      expect(() => checkNamesExist(g, f)).toThrow(RuleFileError);
      try {
        checkNamesExist(g, f);
      } catch (error) {
        expect((error as RuleFileError).line).toBe(7);
        expect((error as RuleFileError).column).toBe(column);
        expect((error as Error).message).toMatch(message);
      }
    }
  });
});

describe('the JSON Schema of the rule file', () => {
  it('accepts the example file', () => {
    const ok = validate(parseYaml(readFileSync(EXAMPLE, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('refuses what the reader refuses (the files of the refusals above that are YAML)', () => {
    for (const [what, text] of refused) {
      let data: unknown;
      try {
        data = parseYaml(text);
      } catch {
        continue; // not YAML: nothing for a schema to judge
      }
      // Duplicate ids and impossible dates are beyond a JSON Schema; the reader alone refuses those.
      if (what === 'a rule id used twice' || what === 'a date that is not one') continue;
      expect(validate(data), what).toBe(false);
    }
  });

  it('lists the kinds, severities, types and selector fields the reader knows', () => {
    const defs = schema.definitions;
    expect(defs.rule.oneOf.map((r: any) => r.properties.kind.const)).toEqual([...RULE_KINDS]);
    expect(defs.rule.oneOf[0].properties.severity.enum).toEqual([...SEVERITIES]);
    expect(defs.selector.properties.type.oneOf[0].enum).toEqual([...GRAPH_TYPES]);
    const keys = Object.keys(defs.selector.properties);
    expect(keys).toEqual(['all', 'any', 'not', 'type', 'id', 'name', 'member_of', 'record', ...SELECTOR_FIELDS]);
  });
});
