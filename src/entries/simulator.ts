/**
 * `jcgraph/simulator`: a simulated JumpCloud organization: a seeded tenant generator and a loopback server
 * speaking the JumpCloud API (what every jcgraph test runs against, and `jcgraph sim`/`demo`).
 *
 * ```ts
 * import { startSimulator } from 'jcgraph/simulator';
 *
 * const sim = await startSimulator({ preset: 'small', seed: 1 });
 * const { tenant } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
 * ```
 */

/** The embedded simulated tenant: a seeded generator and a loopback server speaking the JumpCloud API. */
export {
  startSimulator,
  generateTenant,
  SimulatorError,
  PRESETS,
  FAULT_NAMES,
  type PresetName,
  type FaultName,
  type Simulator,
  type SimulatorOptions,
  type GenerateOptions,
} from '../simulator/index.ts';
