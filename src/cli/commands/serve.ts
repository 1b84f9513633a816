/**
 * `jcgraph serve`: the organization as a read-only service on loopback until Ctrl-C: the JumpCloud API
 * replica, analysis over HTTP and the explorer (src/serve). Prints the base URL, the API key and the
 * explorer link, one line each; the key is the server's own throwaway key, never a JumpCloud key.
 */
import { ConfigError } from '../../errors.ts';
import { UsageError } from '../usage-error.ts';
import { AccessGraph } from '../../graph/index.ts';
import { readCampaign } from '../../review/index.ts';
import { isLoopbackHost, startServer, type JcgraphServer } from '../../serve/index.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { untilAborted, type CliIo, type Command } from '../command.ts';
import { noticeCoverage } from '../coverage-notice.ts';
import { loadTenant, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';

const OPTIONS = {
  ...SOURCE_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  'no-auth': { type: 'boolean' },
  campaign: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph serve (--snapshot FILE | --sim PRESET[:SEED]) [--port N] [--host H]
                     [--allow-remote] [--no-auth] [--campaign DIR] [--json]

Serves the organization, read-only, until Ctrl-C:
  /api/…           the JumpCloud API answered from the snapshot: the v1 lists (/api/systemusers, …),
                   the v2 lists (/api/v2/usergroups, /api/v2/groups, …) and all 88 graph endpoints
                   (/api/v2/users/{id}/systems, …) with the API's shapes, paging, errors and headers
                   and no rate limit, so a script written for JumpCloud runs unchanged against it;
  /jcgraph/v1/…    why, access, who, revoke, offboard, whatif, findings and search over HTTP, each
                   taking the command's arguments as query parameters and answering its --json;
  /                the explorer, in a browser: search, what an object reaches or who reaches it, each
                   binding's paths as a picture, revoke and offboarding plans, findings, and with
                   --campaign the review campaign's items and decisions.

It prints the base URL, the API key (send it as x-api-key) and the explorer link, one line each. The
link carries a one-time token that the browser trades for a session cookie.

  curl -H "x-api-key: <key>" "<base URL>/api/v2/users/<id>/systems?limit=100"
  JC_API_KEY=<key> jcgraph fetch --base-url <base URL> --out copy.json

Options:
${SOURCE_HELP}
  --port N             Port to listen on (default: a free one).
  --host H             Address to listen on (default 127.0.0.1). An address that is not loopback is
                       refused unless --allow-remote is given, and then only with the key.
  --allow-remote       Allow --host to be an address other machines can reach (plain http: the key
                       and the answers travel unencrypted).
  --no-auth            No key and no token (loopback only).
  --campaign DIR       Also show an access-review campaign (a directory written by jcgraph review start)
                       read-only: at /jcgraph/v1/campaign and in the explorer's Campaign view. It must
                       be a campaign of the organization served.
  --json               Print {"baseUrl", "apiKey", "explorerUrl"} as one JSON line instead.

Exit codes: 0 stopped by Ctrl-C, 1 failure, 2 usage error.
`;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`jcgraph serve: unexpected argument "${positionals[0]}" (see jcgraph serve --help)`);
  const port = intOption('serve', 'port', values.port, 0);
  if (port > 65_535) throw new UsageError(`jcgraph serve: --port must be at most 65535, not ${port}`);
  const host = values.host ?? '127.0.0.1';
  const remote = !isLoopbackHost(host);
  if (remote && !values['allow-remote'])
    throw new UsageError(`jcgraph serve: --host ${host} is not a loopback address; add --allow-remote to serve other machines`);
  if (remote && values['no-auth']) throw new UsageError('jcgraph serve: --no-auth is for loopback only; a remote --host needs the key');
  const source = await loadTenant('serve', values, io);
  const { tenant, label } = source;
  const graph = AccessGraph.fromTenant(tenant);
  const campaign = values.campaign === undefined ? undefined : await readCampaign(values.campaign);
  if (campaign && campaign.snapshot.orgId !== graph.orgId) {
    throw new ConfigError(
      `The campaign ${values.campaign ?? ''} is of organization ${campaign.snapshot.orgId || '(no id)'}, not of the organization served (${graph.orgId || 'without an id'}); serve a snapshot of its organization.`,
    );
  }
  noticeCoverage(io, 'serve', source, graph);

  let server: JcgraphServer;
  try {
    server = await startServer({
      graph,
      host,
      port,
      allowRemote: values['allow-remote'] === true,
      source: label,
      ...(source.coverage ? { coverage: source.coverage } : {}),
      ...(values['no-auth'] ? { apiKey: null } : {}),
      ...(campaign ? { campaign } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ConfigError(`port ${port} is already in use on ${host}`);
    if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') throw new ConfigError(`${host} is not an address of this machine`);
    throw error;
  }
  try {
    const explorerUrl = server.explorerLink();
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl, apiKey: server.apiKey ?? null, explorerUrl })}\n`);
    } else {
      io.stdout.write(`base URL: ${server.baseUrl}\n${server.apiKey ? `API key: ${server.apiKey}\n` : ''}explorer: ${explorerUrl}\n`);
    }
    io.stderr.write(
      `serving ${label} (organization ${graph.orgId || 'without an id'}: ${tenant.objects.length} objects, ${tenant.edges.length} edges), read-only: ` +
        `the API under /api, analysis under /jcgraph/v1, the explorer at /${server.apiKey ? '' : '; no key: anyone on this machine may ask'}` +
        (campaign ? `; campaign ${campaign.id} (${campaign.items.length} items) at /jcgraph/v1/campaign` : '') +
        `${remote ? '; over plain http to other machines' : ''}; Ctrl-C to stop\n`,
    );
    await untilAborted(io.signal);
  } finally {
    await server.close();
  }
  io.stderr.write('server stopped\n');
  return 0;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve an organization read-only: the JumpCloud API replica, analysis over HTTP, the explorer',
  help: HELP,
  run,
};
