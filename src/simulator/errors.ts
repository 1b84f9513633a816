/**
 * The simulator's own error: bad options (an unknown preset or fault, a non-loopback host) or a request
 * it refuses. Its own root, not a JcGraphError: the simulator is the independent reference and imports
 * nothing of jcgraph but the domain tables (src/model).
 */
export class SimulatorError extends Error {
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
