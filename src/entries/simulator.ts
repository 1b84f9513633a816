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
  type SimulatorClock,
  type GenerateOptions,
  type SimulatorStats,
  type FaultSettings,
  type ProbabilityFaultName,
  type ListFaultName,
  type CountFaultName,
  type LogFaultName,
  type SwitchFaultName,
  type InsightsDenial,
  type SimChange,
  type AppliedChange,
  type AppliedAlone,
  type RuleMadeMembership,
  type FieldChange,
  type NamedRef,
} from '../simulator/index.ts';
