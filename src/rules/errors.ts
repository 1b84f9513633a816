/** Errors of the rules layer that the shared hierarchy (src/errors.ts) has no class for. */
import { InputError } from '../errors.ts';

/** Where in a rule file something is: 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A rule file jcgraph refuses: not YAML, not of the rule file's form, an unknown kind or selector, or
 * (strict) a name that matches nothing. The message is one sentence that starts with `FILE:LINE:COLUMN:`.
 * The CLI exits 2 on it, as on any input it cannot read.
 */
export class RuleFileError extends InputError {
  override name = 'RuleFileError';
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(file: string, at: SourcePosition, sentence: string) {
    super(`${file}:${at.line}:${at.column}: ${sentence}`);
    this.file = file;
    this.line = at.line;
    this.column = at.column;
  }
}
