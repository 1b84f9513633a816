/** searchObjects: by a piece of any name or by id, ranked exact id, exact name, prefix, word, substring. */
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { searchObjects } from '../../src/analysis/index.ts';
import { TenantBuilder } from './tenant-builder.ts';

function graph(): AccessGraph {
  const b = new TenantBuilder();
  b.user('webster', { email: 'w@example.com' });
  b.user('ann', { email: 'ann.web@example.com' });
  b.add('system', 'web', { hostname: 'h1.example.com' }, 'sys-web');
  b.add('system', 'cobweb', { hostname: 'h2.example.com' }, 'sys-cobweb');
  b.add('system', 'db', { hostname: 'web-db.example.com' }, 'sys-db');
  b.userGroup('Web Team');
  return AccessGraph.fromTenant(b.build());
}

describe('searchObjects', () => {
  const g = graph();
  it('ranks an exact name first, then prefixes, then word starts, then any substring; ties by name', () => {
    const r = searchObjects(g, 'WEB');
    expect(r.hits.map((h) => h.name)).toEqual(['web', 'db', 'Web Team', 'webster', 'ann', 'cobweb']);
    expect(r.total).toBe(6);
    expect(r.hits[0]).toEqual({ type: 'system', id: 'sys-web', name: 'web', ref: 'system:web' });
    expect(r.hits.find((h) => h.name === 'Web Team')?.ref).toBe('user_group:"Web Team"');
  });

  it('finds an id exactly, filters by type, caps the hits but counts them all', () => {
    expect(searchObjects(g, 'sys-db').hits[0]?.id).toBe('sys-db');
    expect(searchObjects(g, 'web', { types: ['user'] }).hits.map((h) => h.name)).toEqual(['webster', 'ann']);
    const capped = searchObjects(g, 'web', { limit: 2 });
    expect(capped.hits).toHaveLength(2);
    expect(capped.total).toBe(6);
    expect(searchObjects(g, '   ').hits).toEqual([]);
    expect(searchObjects(g, 'zzz').total).toBe(0);
  });
});
