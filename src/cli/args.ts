/** Argument parsing shared by the commands: node:util parseArgs, with usage errors as UsageError. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies OptionSpec;

export interface Parsed<O extends OptionSpec> {
  values: {
    [K in keyof (O & typeof COMMON_OPTIONS)]?: (O & typeof COMMON_OPTIONS)[K] extends { type: 'boolean'; multiple: true }
      ? boolean[]
      : (O & typeof COMMON_OPTIONS)[K] extends { type: 'string'; multiple: true }
        ? string[]
        : (O & typeof COMMON_OPTIONS)[K] extends { type: 'boolean' }
          ? boolean
          : string;
  };
  positionals: string[];
}

/** Parses `argv` for a command; unknown options and malformed values become a UsageError naming the command. */
export function parseCommandArgs<O extends OptionSpec>(command: string, argv: readonly string[], options: O): Parsed<O> {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, { ...COMMON_OPTIONS, ...options }),
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`jcgraph ${command}: ${message} (see jcgraph ${command} --help)`);
  }
}

/**
 * `--sample -1` → `--sample=-1` for options that take a value, so that a negative number reaches the
 * option's own check ("must be at least 1") instead of parseArgs' "argument is ambiguous".
 */
function joinNegativeValues(argv: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parses a non-negative integer option, or throws a UsageError naming the option. */
export function intOption(command: string, name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`jcgraph ${command}: --${name} must be an integer of at least ${min}, not "${value}"`);
  }
  return n;
}
