/**
 * `jcgraph` entry point: dispatches to a command, turns errors into one line on stderr and an exit code
 * (0 success, 1 failure, 2 usage, 3 partial: a snapshot was written or read that lacks what could not be
 * fetched). Every message is shown safely (safeText), and never with the API key in it.
 */
import { endWhenReaderCloses, writeBlocking } from './blocking-stdio.ts';
import { JcGraphError, InputError, CancelledError } from '../errors.ts';
import { loadCommand, type CliIo, type CommandEntry } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { safeText } from '../common/safe-text.ts';
import { withoutKey } from './safe-text.ts';

export function globalHelp(commands: readonly CommandEntry[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'jcgraph: who can reach what in a JumpCloud organization, why, and what to remove to revoke it.',
    '',
    'Usage: jcgraph <command> [options]      jcgraph <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output and --help.',
    'Exit codes: 0 success, 1 failure, 2 usage error, 3 partial (fetch wrote a snapshot that lacks what it',
    'could not read; see jcgraph fetch --help), 130 cancelled.',
    'The API key is read from JC_API_KEY (or JUMPCLOUD_API_KEY), never from a flag.',
    "Memory: in a container, jcgraph bounds its heap at three quarters of the container's limit; set",
    'JCGRAPH_MEMORY_MIB to give it a budget yourself, or NODE_OPTIONS=--max-old-space-size=N to choose.',
    '',
  ].join('\n');
}

function processIo(): CliIo {
  const controller = new AbortController();
  let firstAt = 0;
  const onSigint = (): void => {
    // A second Ctrl-C forces the exit; one that follows the first within a moment is the same press
    // delivered twice (by the terminal and by bin/jcgraph.mjs passing it on to a relaunched process).
    if (controller.signal.aborted) {
      if (Date.now() - firstAt > 300) process.exit(130);
      return;
    }
    firstAt = Date.now();
    controller.abort(new CancelledError('cancelled by Ctrl-C'));
  };
  process.on('SIGINT', onSigint);
  for (const stream of [process.stdout, process.stderr]) {
    writeBlocking(stream);
    endWhenReaderCloses(stream);
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: controller.signal,
    cwd: process.cwd(),
  };
}

export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  commands: readonly CommandEntry[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(target ? (await loadCommand(target)).help : globalHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write('jcgraph 0.1.0\n');
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`jcgraph: unknown command "${safeText(name)}"; commands are: ${commands.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  const command = await loadCommand(entry);
  const say = (text: string): void => {
    io.stderr.write(`${safeText(withoutKey(text, io.env))}\n`);
  };
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // Input the library could not read (InputError, and the CLI's own UsageError) is a usage error: exit 2.
    if (error instanceof InputError) {
      say(error.message);
      return 2;
    }
    if (error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError')) {
      say(`jcgraph ${name}: cancelled`);
      return 130;
    }
    if (error instanceof JcGraphError) {
      say(`jcgraph ${name}: ${error.message}`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    say(`jcgraph ${name}: unexpected error: ${message}`);
    if (io.env['JCGRAPH_DEBUG'] && error instanceof Error && error.stack) io.stderr.write(`${withoutKey(error.stack, io.env)}\n`);
    return 1;
  }
}
