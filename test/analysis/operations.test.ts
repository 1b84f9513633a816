import { describe, expect, it } from 'vitest';
import { edgeOperation, formatOperation } from '../../src/analysis/operations.ts';
import { hopEdge, makeEdge } from '../../src/analysis/edges.ts';
import { InputError, QueryError } from '../../src/errors.ts';

const jdoe = { type: 'user', id: 'u1' };
const eng = { type: 'user_group', id: 'g1' };
const web = { type: 'system', id: 's1' };
const servers = { type: 'system_group', id: 'sg1' };
const app = { type: 'software_app', id: 'sw1' };

describe('plan steps as API operations', () => {
  it("removes a membership through the group's members endpoint", () => {
    const op = edgeOperation('remove', hopEdge(jdoe, eng));
    expect(formatOperation(op)).toBe('POST /api/v2/usergroups/g1/members {"op":"remove","type":"user","id":"u1"}');
    expect(formatOperation(edgeOperation('remove', hopEdge(servers, web)))).toBe(
      'POST /api/v2/systemgroups/sg1/members {"op":"remove","type":"system","id":"s1"}',
    );
  });

  it('removes an association from the preferred end that can list the other', () => {
    const edge = hopEdge(jdoe, web);
    expect(edge).toEqual({ kind: 'association', from: jdoe, to: web });
    expect(formatOperation(edgeOperation('remove', edge, ['u1']))).toBe(
      'POST /api/v2/users/u1/associations {"op":"remove","type":"system","id":"s1"}',
    );
    expect(formatOperation(edgeOperation('remove', edge, ['s1']))).toBe(
      'POST /api/v2/systems/s1/associations {"op":"remove","type":"user","id":"u1"}',
    );
    // A system cannot list software apps, so the software app's side is used even when the system is preferred.
    const install = makeEdge('association', web, app);
    expect(formatOperation(edgeOperation('remove', install, ['s1']))).toBe(
      'POST /api/v2/softwareapps/sw1/associations {"op":"remove","type":"system","id":"s1"}',
    );
  });

  it('adds with the edge attributes, and refuses edges the API cannot express', () => {
    const op = edgeOperation('add', hopEdge(eng, web), [], { sudo: { enabled: true, withoutPassword: false } });
    expect(op.body).toEqual({ op: 'add', type: 'system', id: 's1', attributes: { sudo: { enabled: true, withoutPassword: false } } });
    expect(op.path).toBe('/api/v2/usergroups/g1/associations');
    expect(() =>
      edgeOperation('remove', { kind: 'association', from: { type: 'agent', id: 'a' }, to: { type: 'widget', id: 'w' } }),
    ).toThrow(QueryError);
  });

  it("tells membership from association by the ends' types", () => {
    expect(hopEdge(eng, jdoe)).toEqual({ kind: 'membership', from: eng, to: jdoe });
    expect(hopEdge(web, servers)).toEqual({ kind: 'membership', from: servers, to: web });
    expect(hopEdge(web, eng)).toEqual({ kind: 'association', from: eng, to: web });
    expect(() => makeEdge('membership', jdoe, eng)).toThrow(InputError);
    expect(() => makeEdge('membership', jdoe, eng)).toThrow(/cannot contain/);
    expect(() => makeEdge('association', jdoe, eng)).toThrow(/cannot be associated/);
  });
});
