/**
 * The shape every `jcgraph` command has. Commands live one per file in ./commands and are listed in
 * ./commands/index.ts. Only the CLI writes to stdout/stderr, and only through the context it is given,
 * so tests can run any command in-process and read what it printed.
 */

export interface CliIo {
  /** Where results go (bytes only for binary output: a gzipped snapshot to stdout). */
  readonly stdout: { write(chunk: string | Uint8Array): unknown; isTTY?: boolean };
  /** Where progress, warnings and errors go. */
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** Working directory for relative paths. */
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for the command table of `jcgraph --help`. */
  readonly summary: string;
  /** Full `--help` text of the command. */
  readonly help: string;
  /** Runs the command; returns the exit code (0 success, 1 failure, 2 usage, 3 partial). Throws JcGraphError subclasses. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Resolves when the signal is aborted (Ctrl-C): how the long-running commands (sim, serve) wait. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * A command known by its name and summary, its module loaded when it runs or shows its help (the
 * command table lists these, so that starting jcgraph loads no command it does not run).
 */
export interface LazyCommand {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

/** What a command table holds. */
export type CommandEntry = Command | LazyCommand;

/** The command itself, loading its module when the entry is lazy. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  return 'load' in entry ? entry.load() : entry;
}
