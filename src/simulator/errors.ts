import { JcGraphError } from '../model/index.ts';

/**
 * The simulator's own error: bad options (an unknown preset or fault, a non-loopback host) or a request
 * it refuses. A JcGraphError (whose root lives in src/model, the one layer the simulator may import).
 */
export class SimulatorError extends JcGraphError {
  override name = 'SimulatorError';
  /** The HTTP status the simulator answers this error with, when it comes from a request (400, 404). */
  readonly status: number | undefined;
  /** A machine-readable reason in lowerCamelCase (the v2 Error `status`), for validation errors. */
  readonly reason: string | undefined;
  constructor(message: string, status?: number, reason?: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}
