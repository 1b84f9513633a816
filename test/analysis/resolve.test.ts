import { describe, expect, it } from 'vitest';
import {
  formatEdgeSpec,
  formatReference,
  parseEdgeSpec,
  resolveEdgeSpec,
  resolveObject,
  type NamedObject,
  type ObjectDirectory,
} from '../../src/analysis/resolve.ts';
import { InputError, UnknownObjectError } from '../../src/errors.ts';
import { objectName, type TenantData } from '../../src/model/index.ts';
import { TenantBuilder } from './tenant-builder.ts';

/** A directory over a tenant's objects (what AccessGraph offers, without the graph). */
export function directoryOf(tenant: TenantData): ObjectDirectory {
  const byId = new Map<string, NamedObject>(tenant.objects.map((o) => [o.id, { ...o, name: objectName(o.type, o.record, o.id) }]));
  return {
    hasObject: (id) => byId.has(id),
    object: (id) => {
      const o = byId.get(id);
      if (!o) throw new UnknownObjectError(`no ${id}`, { reference: id });
      return o;
    },
    objects: (type) => [...byId.values()].filter((o) => type === undefined || o.type === type),
  };
}

function fixture() {
  const b = new TenantBuilder();
  const jdoe = b.user('jdoe');
  const jdoe2 = b.add('system', 'jdoe', {}, 'sys-jdoe');
  const staff = b.userGroup('All Staff');
  const eng = b.userGroup('Engineering');
  const eng2 = b.add('user_group', 'engineering', {}, 'ug-eng-lower');
  const web = b.system('web-01', { hostname: 'web01.internal' });
  const odd = b.userGroup('a>b~c "q"');
  return { dir: directoryOf(b.build()), jdoe, jdoe2, staff, eng, eng2, web, odd };
}

describe('resolving references', () => {
  it('finds objects by id, type:name, quoted name, type:id and any name field', () => {
    const { dir, jdoe, staff, web } = fixture();
    expect(resolveObject(dir, jdoe.id).id).toBe(jdoe.id);
    expect(resolveObject(dir, 'user:jdoe').id).toBe(jdoe.id);
    expect(resolveObject(dir, 'user_group:"All Staff"').id).toBe(staff.id);
    expect(resolveObject(dir, `system:${web.id}`).id).toBe(web.id);
    expect(resolveObject(dir, 'system:web01.internal').id).toBe(web.id);
    expect(resolveObject(dir, 'user:jdoe@example.com').id).toBe(jdoe.id);
    expect(resolveObject(dir, 'user:JDOE').id).toBe(jdoe.id);
  });

  it('matches display names, with the ambiguity rule of other names', () => {
    const b = new TenantBuilder();
    const ada = b.user('alovelace', { displayname: 'Ada Lovelace' });
    const web = b.system('web-01', { hostname: 'web01.internal', displayName: 'Front web' });
    const twin = b.user('ada2', { displayname: 'Ada Lovelace' });
    const dir = directoryOf(b.build());
    expect(resolveObject(dir, 'system:"Front web"').id).toBe(web.id);
    expect(resolveObject(dir, `user:${ada.id}`).id).toBe(ada.id);
    expect(resolveObject(dir, `user:${twin.id}`).id).toBe(twin.id);
    expect(() => resolveObject(dir, 'user:"Ada Lovelace"')).toThrow(UnknownObjectError);
    expect(() => resolveObject(dir, 'user:"Ada Lovelace"')).toThrow(/alovelace[\s\S]*ada2|ada2[\s\S]*alovelace/);
  });

  it('prefers an exact-case match over case-insensitive ones', () => {
    const { dir, eng, eng2 } = fixture();
    expect(resolveObject(dir, 'user_group:Engineering').id).toBe(eng.id);
    expect(resolveObject(dir, 'user_group:engineering').id).toBe(eng2.id);
  });

  it('lists every match of an ambiguous name and near matches of an unknown one', () => {
    const { dir } = fixture();
    const ambiguous = (() => {
      try {
        resolveObject(dir, 'jdoe');
      } catch (e) {
        return e;
      }
    })();
    expect(ambiguous).toBeInstanceOf(UnknownObjectError);
    expect((ambiguous as UnknownObjectError).candidates).toEqual(['system:jdoe (sys-jdoe)', 'user:jdoe (user-jdoe)']);
    const unknown = (() => {
      try {
        resolveObject(dir, 'user_group:Enginering');
      } catch (e) {
        return e;
      }
    })() as UnknownObjectError;
    expect(unknown).toBeInstanceOf(UnknownObjectError);
    expect(unknown.message).toMatch(/No user_group named "Enginering".*did you mean/);
    expect(unknown.candidates.slice(0, 2)).toEqual([
      'user_group:Engineering (user_group-Engineering)',
      'user_group:engineering (ug-eng-lower)',
    ]);
    expect(() => resolveObject(dir, 'widget:x')).toThrow(InputError);
  });

  it('parses and resolves edge specs, quoted names included', () => {
    const { dir, jdoe, eng, web, odd } = fixture();
    expect(parseEdgeSpec('user_group:Engineering>user:jdoe')).toEqual({
      kind: 'membership',
      from: { type: 'user_group', name: 'Engineering' },
      to: { type: 'user', name: 'jdoe' },
    });
    expect(resolveEdgeSpec(dir, 'user_group:Engineering>user:jdoe')).toEqual({ kind: 'membership', from: eng, to: jdoe });
    // Association ends come back in canonical order whichever way they are written.
    expect(resolveEdgeSpec(dir, 'system:web-01~user_group:Engineering')).toEqual({ kind: 'association', from: eng, to: web });
    const spec = `${formatReference({ type: 'user_group', name: 'a>b~c "q"' })}~system:web-01`;
    expect(resolveEdgeSpec(dir, spec)).toEqual({ kind: 'association', from: odd, to: web });
    expect(formatEdgeSpec(dir, { kind: 'association', from: odd, to: web })).toBe(spec);
    expect(() => resolveEdgeSpec(dir, 'user:jdoe>user_group:Engineering')).toThrow(/cannot contain/);
    expect(() => parseEdgeSpec('user:jdoe')).toThrow(InputError);
    expect(() => parseEdgeSpec('user_group:"open>user:jdoe')).toThrow(/unclosed/);
  });
});
