/**
 * Errors of the serve face: a request the server refuses, with the HTTP status to answer and, for a
 * bad query parameter, its name (the answer names it, as the issue asks of every 400).
 */
import { JcGraphError } from '../errors.ts';

/** A request the server refuses: the HTTP status to answer and the parameter at fault. */
export class RequestError extends JcGraphError {
  override name = 'RequestError';
  /** HTTP status to answer with. */
  readonly status: number;
  /** The query parameter (or header, or `body`) at fault, when one is. */
  readonly parameter: string | undefined;
  constructor(status: number, message: string, parameter?: string) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }
}

/** A 400 naming the parameter at fault. */
export function badParameter(parameter: string, message: string): RequestError {
  return new RequestError(400, message, parameter);
}
