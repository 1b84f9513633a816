/**
 * What the three examples share: where the organization comes from. `--snapshot FILE` reads a snapshot
 * written by `jcgraph fetch`; otherwise a simulated organization is started on loopback and fetched
 * over HTTP, exactly as a real tenant would be (`--preset`, `--seed` pick it).
 */
import { fetchTenant, loadSnapshot, type TenantData } from 'jcgraph';
import { startSimulator, type PresetName } from 'jcgraph/simulator';

export interface Opened {
  readonly tenant: TenantData;
  /** Where it came from, in words. */
  readonly source: string;
}

export async function openTenant(options: { snapshot?: string; preset?: string; seed?: string }): Promise<Opened> {
  if (options.snapshot) return { tenant: (await loadSnapshot(options.snapshot)).tenant, source: `snapshot ${options.snapshot}` };
  return simulatedTenant((options.preset ?? 'small') as PresetName, Number(options.seed ?? 1));
}

/** Starts a simulator serving `tenant` (or a generated one), fetches it over HTTP, stops it. */
export async function simulatedTenant(preset: PresetName, seed: number, tenant?: TenantData): Promise<Opened> {
  const sim = await startSimulator(tenant ? { tenants: [tenant] } : { preset, seed });
  try {
    const fetched = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
    return { tenant: fetched.tenant, source: tenant ? `simulator at ${sim.baseUrl}` : `simulator ${preset}:${seed}` };
  } finally {
    await sim.close();
  }
}

export const TENANT_OPTIONS = {
  snapshot: { type: 'string' },
  preset: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;
