/** The watch loop: a snapshot kept current by incremental refreshes, and JSON lines for what changed that matters. */
export { watch, type WatchOptions, type WatchLine, type WatchEnd } from './watch.ts';
export { detectionFinding } from './lines.ts';
export { ruleDisagreements, updatedDisagreements, disagreementFindings, type RuleDisagreement } from './disagreements.ts';
