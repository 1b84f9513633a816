/** The simulator's options, and the checks that refuse bad ones before anything listens. */
import type { TenantData } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import { defaultOrgId, generateTenant } from '../generate.ts';
import type { PresetName } from '../presets.ts';
import type { SimulatorClock } from './clock.ts';
import type { FaultName, FaultSettings } from './faults.ts';
import type { InsightsDenial } from './insights.ts';

export interface SimulatorOptions {
  /**
   * Preset of the generated organizations.
   * @default 'tiny'
   */
  preset?: PresetName;
  /**
   * Seed of the first organization.
   * @default 1
   */
  seed?: number;
  /**
   * Organizations served; organization i is generated with seed + i and a deterministic id.
   * @default 1
   */
  orgs?: number;
  /**
   * Serve these tenants instead of generating (the first is the default organization).
   * @default none (generated from `preset` and `seed`)
   */
  tenants?: readonly TenantData[];
  /**
   * Loopback address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port.
   * @default 0 (a free port)
   */
  port?: number;
  /**
   * The key clients must send in `x-api-key`.
   * @default a fresh random key per start
   */
  apiKey?: string;
  /**
   * Token-bucket requests per second across all organizations; beyond it 429.
   * @default none (no limit)
   */
  rate?: number;
  /**
   * Faults to switch on: names (each at its default intensity) or name → probability.
   * @default none
   */
  faults?: readonly FaultName[] | FaultSettings;
  /**
   * Seed of every fault decision.
   * @default 1
   */
  faultSeed?: number;
  /**
   * Serve `POST /simulator/v1/changes`, which applies a list of changes (tests).
   * @default false
   */
  allowChanges?: boolean;
  /**
   * Random changes applied per minute to every organization, as time passes.
   * @default none
   */
  churn?: number;
  /**
   * Seed of the random changes (churn and `Simulator.churn`).
   * @default `seed`
   */
  churnSeed?: number;
  /**
   * Directory Insights: days of events kept, and a status the events API answers instead (not in the plan, …).
   * @default 90 days of events, answered normally
   */
  insights?: { readonly retentionDays?: number; readonly denied?: InsightsDenial };
  /**
   * How long `drop-after` refuses connections, in milliseconds.
   * @default 60000
   */
  dropPauseMs?: number;
  /**
   * Called as each request ends: its URL (path and query) and its byStatus key (`200`, `403`, `reset`, `truncated`, `dropped`).
   * @default none
   */
  onAnswer?: (url: string, status: string) => void;
  /**
   * Where the simulator reads the time (tests hold a clock of their own and move it instead of sleeping).
   * @default the real clocks: `performance.now()` and `Date.now()`
   */
  clock?: SimulatorClock;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** Throws a SimulatorError naming the first option that cannot be served. */
export function checkOptions(options: SimulatorOptions): void {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new SimulatorError(`the simulator listens on loopback only, not on "${host}"`);
  if (options.rate !== undefined && !(options.rate > 0))
    throw new SimulatorError(`rate must be a positive number of requests per second, not ${String(options.rate)}`);
  if (options.churn !== undefined && !(options.churn > 0))
    throw new SimulatorError(`churn must be a positive number of changes per minute, not ${String(options.churn)}`);
  const retentionDays = options.insights?.retentionDays ?? 90;
  if (!(retentionDays > 0)) throw new SimulatorError(`retentionDays must be a positive number of days, not ${String(retentionDays)}`);
}

/** The tenants to serve: those given, or `orgs` generated from the preset, organization i with seed + i. */
export function tenantsFor(options: SimulatorOptions): TenantData[] {
  if (options.tenants) {
    if (options.tenants.length === 0) throw new SimulatorError('tenants must hold at least one organization');
    return [...options.tenants];
  }
  const orgs = options.orgs ?? 1;
  if (!Number.isInteger(orgs) || orgs < 1) throw new SimulatorError(`orgs must be a positive integer, not ${String(orgs)}`);
  const seed = options.seed ?? 1;
  return Array.from({ length: orgs }, (_, i) =>
    generateTenant({ preset: options.preset ?? 'tiny', seed: seed + i, orgId: defaultOrgId(seed + i) }),
  );
}
