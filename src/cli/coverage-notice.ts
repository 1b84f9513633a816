/**
 * The one place a command says that the snapshot it read is partial: on stderr, that the snapshot lacks
 * what the fetch could not read, and whether *this* answer could be affected (src/analysis/coverage.ts);
 * in `--json`, a `coverage` field. Nothing at all is said or added for a complete snapshot (or a
 * simulated organization), so complete answers are exactly what they were.
 */
import { coverageVerdict, type CoverageQuestion, type CoverageVerdict } from '../analysis/coverage.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';
import type { CliIo } from './command.ts';
import { safeText } from './format.ts';

/** What the `--json` of an answer from a partial snapshot carries in its `coverage` field. */
export interface CoverageField {
  readonly complete: false;
  /** Collections the snapshot lacks in full. */
  readonly gaps: number;
  readonly affected: boolean;
  readonly reasons: readonly string[];
}

/** Where an answer's organization came from, as far as coverage goes. */
export interface CoverageSource {
  /** `snapshot acme.json`, `simulated small:1`. */
  readonly label: string;
  /** The snapshot's path, when it is one. */
  readonly path?: string;
  readonly coverage?: Coverage;
}

export function isPartial(source: CoverageSource): boolean {
  return source.coverage !== undefined && !source.coverage.complete;
}

/** The first line of the notice: the snapshot is partial, how much, and where to see every gap. */
export function partialLine(command: string, source: CoverageSource): string {
  const n = source.coverage!.gaps.length;
  const what = source.path !== undefined ? `the snapshot ${source.path}` : source.label;
  const list = source.path !== undefined ? `; jcgraph coverage --snapshot ${source.path} lists them` : '';
  return `jcgraph ${command}: ${what} is PARTIAL: ${n} ${n === 1 ? 'collection was' : 'collections were'} not read${list}.`;
}

function verdictLines(verdict: CoverageVerdict, whole: boolean): string[] {
  if (whole) return ['  This answer covers the whole organization: it lacks what was not read.'];
  if (!verdict.affected) return ['  This answer is not affected: nothing that was not read lies on its paths.'];
  return [
    `  This answer could be affected: ${verdict.reasons[0]}${verdict.reasons.length > 1 ? ` (and ${verdict.reasons.length - 1} more reasons; --json lists them)` : ''}.`,
  ];
}

/**
 * Says on stderr that the snapshot is partial and whether the answer to `question` could be affected
 * (no question: an answer about the whole organization). Returns the `coverage` field for `--json`, or
 * undefined (and says nothing) when the source is complete.
 */
export function noticeCoverage(
  io: CliIo,
  command: string,
  source: CoverageSource,
  graph: AccessGraph,
  question?: CoverageQuestion,
): CoverageField | undefined {
  if (!isPartial(source)) return undefined;
  const verdict = coverageVerdict(graph, source.coverage, question);
  const whole = question === undefined || (question.subject === undefined && question.resource === undefined);
  io.stderr.write(`${[partialLine(command, source), ...verdictLines(verdict, whole)].map(safeText).join('\n')}\n`);
  return { complete: false, gaps: verdict.gaps, affected: verdict.affected, reasons: verdict.reasons };
}

/**
 * The notice for many answers at once (traverse with several paths): how many of them could be
 * affected, naming the first few.
 */
export function noticeCoverageOfMany(
  io: CliIo,
  command: string,
  source: CoverageSource,
  graph: AccessGraph,
  questions: readonly { readonly label: string; readonly question: CoverageQuestion | undefined }[],
): void {
  if (!isPartial(source)) return;
  const affected = questions
    .filter(({ question }) => question !== undefined && coverageVerdict(graph, source.coverage, question).affected)
    .map((q) => q.label);
  const shown = affected.slice(0, 3).join(', ');
  const line =
    affected.length === 0
      ? `  None of these ${questions.length} answers is affected: nothing that was not read lies on their paths.`
      : `  ${affected.length} of these ${questions.length} answers could be affected: ${shown}${affected.length > 3 ? ', …' : ''}.`;
  io.stderr.write(`${[partialLine(command, source), line].map(safeText).join('\n')}\n`);
}

/** The document with its `coverage` field when the source was partial; the document itself otherwise. */
export function withCoverage<T extends object>(document: T, field: CoverageField | undefined): T | (T & { coverage: CoverageField }) {
  return field ? { ...document, coverage: field } : document;
}
