/**
 * The one place the CLI reads the JumpCloud API key from the environment. Every command that talks to a
 * live tenant (fetch, verify, demo, mcp --live) asks here, and error output takes out the same variables'
 * values (withoutKey), so a key set under either name is found and never printed.
 */
import { ConfigError } from '../errors.ts';
import type { CliIo } from './command.ts';

/** The variables that may hold the key, in the order they are read: the first one set and not empty wins. */
export const API_KEY_VARIABLES = ['JC_API_KEY', 'JUMPCLOUD_API_KEY'] as const;

/** The API key of the environment (JC_API_KEY, else JUMPCLOUD_API_KEY), or undefined when neither is set. */
export function apiKeyFrom(env: CliIo['env']): string | undefined {
  for (const name of API_KEY_VARIABLES) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}

/** The API key of the environment; a ConfigError saying how to set it (and what for, when given) when there is none. */
export function requireApiKey(env: CliIo['env'], purpose?: string): string {
  const key = apiKeyFrom(env);
  if (key === undefined)
    throw new ConfigError(`No API key: set JC_API_KEY (or JUMPCLOUD_API_KEY) to a JumpCloud API key${purpose ? ` ${purpose}` : ''}.`);
  return key;
}
