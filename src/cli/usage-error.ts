/** The CLI's own error, outside the library's hierarchy (src/errors.ts) though a kind of its InputError. */
import { InputError } from '../errors.ts';

/** A command line the CLI cannot run (an unknown flag, a missing argument): exit code 2, as every InputError. */
export class UsageError extends InputError {
  override name = 'UsageError';
}
