/**
 * `jcgraph sim`: serves a simulated JumpCloud organization on loopback until Ctrl-C. It prints the base
 * URL and the API key to use, one line each: the key is the simulator's own throwaway key, the one place
 * jcgraph ever prints a key.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { UsageError } from '../usage-error.ts';
import {
  FAULT_NAMES,
  SimulatorError,
  TRANSIENT_FAULT_NAMES,
  defaultFaultValue,
  faultValueProblem,
  isCountFault,
  isSwitchFault,
  COUNT_FAULT_MINIMUM,
  isFaultName,
  isListFault,
  isPresetName,
  startSimulator,
  writeTenantJson,
  INSIGHTS_DENIALS,
  type FaultSettings,
  type InsightsDenial,
  type Simulator,
} from '../../simulator/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { untilAborted, type CliIo, type Command } from '../command.ts';

const OPTIONS = {
  preset: { type: 'string' },
  seed: { type: 'string' },
  port: { type: 'string' },
  rate: { type: 'string' },
  faults: { type: 'string' },
  'fault-seed': { type: 'string' },
  orgs: { type: 'string' },
  'write-tenant': { type: 'string' },
  churn: { type: 'string' },
  'churn-seed': { type: 'string' },
  'allow-changes': { type: 'boolean' },
  'retention-days': { type: 'string' },
  'insights-denied': { type: 'string' },
} as const;

const HELP = `Usage: jcgraph sim [--preset tiny|small|large|xl] [--seed N] [--port N] [--rate R]
                   [--faults NAME[=P],…] [--fault-seed N] [--orgs N] [--write-tenant FILE]
                   [--churn R] [--churn-seed N] [--allow-changes] [--retention-days N]
                   [--insights-denied 401|402|403] [--json]

Serves a simulated JumpCloud organization on 127.0.0.1 until Ctrl-C: the v1 lists under /api, the v2
lists and all 88 graph endpoints under /api/v2, the writes an admin's script sends (POST of group
members and of associations, PUT of a user or system group, v1 PUT of a user), and the Directory
Insights events query (POST /insights/directory/v1/events, read-only), with its own throwaway API key.
Every change to the organization is logged there as JumpCloud logs it. It prints the base URL and the API key, one line
each; point a client at them, e.g.

  JC_API_KEY=<key> jcgraph fetch --base-url <base URL> --out tenant.json

Options:
  --preset P          tiny (a dozen of each type), small (about 200 users), large (10,000 users),
                      xl (ten times large). Default tiny.
  --seed N            Seed of the generated tenant (default 1): the same seed gives the same tenant.
  --port N            Port to listen on (default: a free one).
  --rate R            Answer 429 beyond R requests per second (token bucket, one second of burst).
  --faults LIST       Comma-separated faults to switch on, each at its default or at NAME=VALUE.
                      Transient (a client that retries gets the clean tenant), VALUE a probability
                      from 0 to 1: ${TRANSIENT_FAULT_NAMES.join(', ')}.
                      What a real tenant does that no retry mends:
                        forbidden=LIST, not-found=LIST, payment-required=LIST: 403, 404 or 402 on
                          every request to the named endpoints or types, joined with + (an API path
                          below the root, like healthmonitoring or usergroups, or a type, like
                          user_group); defaults softwareapps, healthmonitoring and directories.
                        broken-objects=N: N objects whose every graph endpoint answers 500 (default 3).
                        truncated=P: answers cut off mid-JSON with probability P, on every attempt
                          alike (default 0.05).
                        drop-after=N: after N requests, every connection is closed and new ones are
                          refused for a minute, once (default 500).
                      Of writes (numbered from 1 as they reach the organization):
                        write-fails-after=N: every write after the N-th answers 500, not applied
                          (default 1; 0 fails them all).
                        write-lost-ack=N: the N-th write is applied, then its connection is closed
                          with no answer (default 1).
                        read-only-key: every write answers 403, nothing applied.
                        Writes also meet the transient faults (before they are applied) and --rate.
                      Of the Directory Insights log: events-lag=S makes each event visible S seconds
                        late (default 5); silent-changes=P lets a change leave no event with
                        probability P (default 0.1).
  --fault-seed N      Seed of the fault decisions (default 1).
  --orgs N            Serve N organizations (x-org-id), the i-th generated with seed + i (default 1).
  --write-tenant FILE Also write each generated tenant as canonical JSON; with --orgs above 1, FILE
                      must contain {org}, replaced by each organization id.
  --churn R           Apply R random changes a minute to every organization (memberships and
                      associations added and removed, objects created and deleted, users
                      suspended, group sudo changed, renames).
  --churn-seed N      Seed of the random changes (default: the seed).
  --allow-changes     Also serve POST /simulator/v1/changes (loopback clients only), which applies a
                      given list of changes, {"changes": [{"kind": "add-member", "group": {…},
                      "member": {…}}, …]}: for tests. Off by default.
  --retention-days N  Days of Directory Insights events kept (default 90; 15 on the lowest plans).
  --insights-denied S The events query answers status S instead: 401 (key refused), 402 (Directory
                      Insights not in the plan) or 403 (the key lacks its scope).
  --json              Print {"baseUrl", "apiKey", "orgIds"} as one JSON line instead.

Exit codes: 0 stopped by Ctrl-C, 1 failure, 2 usage error.
`;

/**
 * Parses `--faults a,b=0.2,forbidden=softwareapps+policies,broken-objects=3,…` into fault settings (a bare
 * name at its default), or throws a UsageError naming the bad entry.
 */
export function parseFaults(text: string): FaultSettings {
  const settings: Record<string, unknown> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0)) {
    const [name = '', value] = entry.split('=');
    if (!isFaultName(name)) throw new UsageError(`jcgraph sim: unknown fault "${name}" in --faults; faults are ${FAULT_NAMES.join(', ')}`);
    if (value === undefined) {
      settings[name] = defaultFaultValue(name);
      continue;
    }
    if (isSwitchFault(name)) throw new UsageError(`jcgraph sim: --faults ${name} takes no value; name it alone to switch it on`);
    if (isListFault(name)) {
      const list = value
        .split('+')
        .map((e) => e.trim())
        .filter((e) => e.length > 0);
      if (list.length === 0)
        throw new UsageError(
          `jcgraph sim: --faults ${name}=${value} needs endpoints or types joined with +, e.g. ${name}=softwareapps+user_group`,
        );
      settings[name] = list;
    } else if (isCountFault(name)) {
      const n = Number(value);
      const least = COUNT_FAULT_MINIMUM[name];
      if (value.trim() === '' || !Number.isInteger(n) || n < least) {
        throw new UsageError(`jcgraph sim: --faults ${name}=${value} needs a whole number${least > 0 ? ` of at least ${least}` : ''}`);
      }
      settings[name] = n;
    } else {
      const n = value.trim() === '' ? NaN : Number(value);
      const problem = faultValueProblem(name, n);
      if (problem) throw new UsageError(`jcgraph sim: --faults ${name}=${value} ${problem}`);
      settings[name] = n;
    }
  }
  return settings;
}

function tenantPaths(file: string, orgIds: readonly string[], cwd: string): string[] {
  if (orgIds.length === 1) return [resolve(cwd, file.replaceAll('{org}', orgIds[0] ?? ''))];
  if (!file.includes('{org}')) throw new UsageError('jcgraph sim: with --orgs above 1, --write-tenant must contain {org}');
  return orgIds.map((org) => resolve(cwd, file.replaceAll('{org}', org)));
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('sim', argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`jcgraph sim: unexpected argument "${positionals[0]}" (see jcgraph sim --help)`);
  const preset = values.preset ?? 'tiny';
  if (!isPresetName(preset)) throw new UsageError(`jcgraph sim: --preset must be tiny, small, large or xl, not "${preset}"`);
  const seed = intOption('sim', 'seed', values.seed, 1);
  const port = intOption('sim', 'port', values.port, 0);
  if (port > 65_535) throw new UsageError(`jcgraph sim: --port must be at most 65535, not ${port}`);
  const orgs = intOption('sim', 'orgs', values.orgs, 1, 1);
  const faultSeed = intOption('sim', 'fault-seed', values['fault-seed'], 1);
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!(rate > 0)) throw new UsageError(`jcgraph sim: --rate must be a positive number of requests per second, not "${values.rate}"`);
  }
  const faults = values.faults === undefined ? {} : parseFaults(values.faults);
  const named = Object.keys(faults);
  let churn: number | undefined;
  if (values.churn !== undefined) {
    churn = Number(values.churn);
    if (!(churn > 0)) throw new UsageError(`jcgraph sim: --churn must be a positive number of changes a minute, not "${values.churn}"`);
  }
  const churnSeed = intOption('sim', 'churn-seed', values['churn-seed'], seed);
  const retentionDays = intOption('sim', 'retention-days', values['retention-days'], 90, 1);
  let denied: InsightsDenial | undefined;
  if (values['insights-denied'] !== undefined) {
    denied = Number(values['insights-denied']) as InsightsDenial;
    if (!INSIGHTS_DENIALS.includes(denied))
      throw new UsageError(`jcgraph sim: --insights-denied must be 401, 402 or 403, not "${values['insights-denied']}"`);
  }

  let sim: Simulator;
  try {
    sim = await startSimulator({
      preset,
      seed,
      port,
      orgs,
      faultSeed,
      ...(rate !== undefined ? { rate } : {}),
      ...(churn !== undefined ? { churn, churnSeed } : {}),
      faults,
      allowChanges: values['allow-changes'] === true,
      insights: { retentionDays, ...(denied !== undefined ? { denied } : {}) },
    });
  } catch (error) {
    if (error instanceof SimulatorError) throw new UsageError(`jcgraph sim: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ConfigError(`port ${port} is already in use on 127.0.0.1`);
    throw error;
  }
  try {
    if (values['write-tenant'] !== undefined) {
      const paths = tenantPaths(values['write-tenant'], sim.orgIds, io.cwd);
      for (const [i, path] of paths.entries()) {
        await writeTenantJson(sim.tenant(sim.orgIds[i]), path);
        io.stderr.write(`wrote tenant ${sim.orgIds[i]} to ${path}\n`);
      }
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, orgIds: sim.orgIds })}\n`);
    } else {
      io.stdout.write(`base URL: ${sim.baseUrl}\nAPI key: ${sim.apiKey}\n`);
    }
    const faultText =
      (named.length > 0 ? `, faults: ${named.join(', ')}` : '') +
      (churn !== undefined ? `, ${churn} changes a minute` : '') +
      (values['allow-changes'] ? ', change door open' : '');
    io.stderr.write(
      `serving the ${preset} tenant (seed ${seed}) for ${sim.orgIds.length === 1 ? 'organization' : 'organizations'} ${sim.orgIds.join(', ')}` +
        `${rate !== undefined ? `, at most ${rate} requests/s` : ''}${faultText}; Ctrl-C to stop\n`,
    );
    await untilAborted(io.signal);
  } finally {
    await sim.close();
  }
  io.stderr.write('simulator stopped\n');
  return 0;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'serve a simulated JumpCloud organization on loopback (to try jcgraph, and for tests)',
  help: HELP,
  run,
};
