/** Errors of src/report. */
import { JcGraphError } from '../errors.ts';

/** A report or export could not be built or written (the message names the file and why). */
export class ReportError extends JcGraphError {
  override name = 'ReportError';
}
