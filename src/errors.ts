/**
 * jcgraph's error hierarchy. Every error a user can cause or meet is one of these, with a message that is
 * one plain sentence naming what went wrong and where, so that tests and scripts can match by type
 * (`instanceof`) or by `name`. Messages never contain an API key.
 */

/** Any error jcgraph throws: match by class (`instanceof`) or by `name`. */
export class JcGraphError extends Error {
  override name = 'JcGraphError';
}

/**
 * How the last attempt of a failed request ended: an HTTP status, or `network` (reset, refused),
 * `timeout`, `truncated` (a 200 whose body was cut short), `malformed` (a body that is not JSON), or
 * `refused` (a failure no retry can mend: a refused certificate, an invalid header, a bad URL).
 */
export type RequestOutcome = number | 'network' | 'timeout' | 'truncated' | 'malformed' | 'refused';

/** The JumpCloud API (or the simulator) refused, failed or answered something unusable. */
export class JcApiError extends JcGraphError {
  override name = 'JcApiError';
  /** The request, as `GET /api/v2/usergroups/…/members` (never with headers). */
  readonly endpoint: string;
  /** The HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** How the last attempt ended, when the request was sent. */
  readonly outcome: RequestOutcome | undefined;
  /** Attempts made for the request, when it was sent. */
  readonly attempts: number | undefined;
  constructor(
    message: string,
    details: { endpoint: string; status?: number; outcome?: RequestOutcome; attempts?: number; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.outcome = details.outcome ?? details.status;
    this.attempts = details.attempts;
  }
}

/**
 * The API host stopped answering altogether (no request sent after the failure began was answered):
 * the network is gone or the host is down, for longer than the retries could ride out. A fetch stops
 * on it, keeping its journal, so that `jcgraph fetch --resume` can continue later.
 */
export class ConnectionLostError extends JcApiError {
  override name = 'ConnectionLostError';
}

/** A snapshot file is missing, truncated, corrupt, of a foreign format or version, or could not be written. */
export class SnapshotError extends JcGraphError {
  override name = 'SnapshotError';
  readonly path: string;
  constructor(message: string, details: { path: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.path = details.path;
  }
}

/** A fetch journal (`FILE.partial`) cannot be resumed: missing, of another organization or host, of another format, or unreadable. */
export class JournalError extends JcGraphError {
  override name = 'JournalError';
  readonly path: string;
  constructor(message: string, details: { path: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.path = details.path;
  }
}

/** An object named by id or `type:name` is not in the graph, or the name matches several objects. */
export class UnknownObjectError extends JcGraphError {
  override name = 'UnknownObjectError';
  /** The reference as the user gave it. */
  readonly reference: string;
  /** Near matches or, for an ambiguous name, every match, as `type:name (id)`. */
  readonly candidates: readonly string[];
  constructor(message: string, details: { reference: string; candidates?: readonly string[] }) {
    super(message);
    this.reference = details.reference;
    this.candidates = details.candidates ?? [];
  }
}

/** A question the graph cannot answer as asked (an unknown endpoint path, a type with no such traversal). */
export class QueryError extends JcGraphError {
  override name = 'QueryError';
}

/** A revoke plan is impossible, e.g. every cut needs a protected edge; the message says which and why. */
export class PlanError extends JcGraphError {
  override name = 'PlanError';
}

/** A plan file (`jcgraph-plan`) is missing, unreadable, of another format or version, malformed, or edited since jcgraph wrote it. */
export class PlanFileError extends JcGraphError {
  override name = 'PlanFileError';
  readonly path: string;
  constructor(message: string, details: { path: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.path = details.path;
  }
}

/**
 * An access-review campaign cannot go on as asked: a campaign file missing, malformed or of another
 * snapshot, a worksheet with errors (each naming the file, line and column), an owners file that names
 * nothing, items without a reviewer.
 */
export class ReviewError extends JcGraphError {
  override name = 'ReviewError';
}

/** Options or configuration that cannot work (plain http to a remote host, a missing API key, a bad rate). */
export class ConfigError extends JcGraphError {
  override name = 'ConfigError';
}

/**
 * An argument the caller passed cannot be read or cannot be: a malformed object reference, edge or change,
 * an edge between types that cannot be so joined, an option outside its values. The CLI exits 2 on it.
 */
export class InputError extends JcGraphError {
  override name = 'InputError';
}

/** The operation was cancelled by an AbortSignal or Ctrl-C. */
export class CancelledError extends JcGraphError {
  override name = 'CancelledError';
}
