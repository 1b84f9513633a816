/**
 * The simulated JumpCloud tenant: a seeded generator, a node:http server speaking the v1 and v2 APIs
 * on loopback (with switchable faults), and the reference answer of every graph endpoint computed by a
 * plain enumeration of the path grammar. Imports src/model only: it is the engine's independent oracle.
 */
export { type PresetName, PRESETS, PRESET_COUNTS, isPresetName } from './presets.ts';
export { generateTenant, defaultOrgId, type GenerateOptions } from './generate.ts';
export { writeTenantJson } from './tenant-json.ts';
export { SimulatorError } from './errors.ts';
export {
  type FaultName,
  type FaultSettings,
  type ProbabilityFaultName,
  type ListFaultName,
  type CountFaultName,
  type SwitchFaultName,
  type LogFaultName,
  FAULT_NAMES,
  TRANSIENT_FAULT_NAMES,
  LIST_FAULT_NAMES,
  COUNT_FAULT_NAMES,
  COUNT_FAULT_MINIMUM,
  SWITCH_FAULT_NAMES,
  WRITE_FAULT_NAMES,
  LOG_FAULT_NAMES,
  DEFAULT_FAULT_INTENSITY,
  DEFAULT_FAULT_VALUES,
  DEFAULT_DROP_PAUSE_MS,
  MAX_CONSECUTIVE_FAILURES,
  MAX_CHURN_EPISODES,
  isFaultName,
  isListFault,
  isCountFault,
  isSwitchFault,
  defaultFaultValue,
  faultSettings,
  entryMatches,
  pickBrokenObjects,
  faultValueProblem,
} from './server/faults.ts';
export { type Simulator, type SimulatorClock, type SimulatorOptions, type SimulatorStats, startSimulator } from './server/server.ts';
export { INSIGHTS_DENIALS, INSIGHTS_EVENTS_PATH, type InsightsDenial } from './server/insights.ts';
export { CHANGES_PATH } from './server/change-door.ts';
export type {
  SimChange,
  SimChangeKind,
  AppliedChange,
  AppliedAlone,
  FieldChange,
  NamedRef,
  RuleMadeMembership,
} from './changes/changes.ts';
export { referenceAnswer, answerEndpoint, type GraphAnswer } from './reference/answers.ts';
export { compileAttributes } from './reference/compile.ts';
