/**
 * `jcgraph mcp`: an MCP server over stdio (src/mcp) answering an assistant's questions about one
 * organization, read-only, until the client closes stdin. stdout carries the protocol and nothing else;
 * what jcgraph has to say goes to stderr.
 */
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../usage-error.ts';
import { fetchTenant } from '../../fetchers/index.ts';
import { AccessGraph } from '../../graph/index.ts';
import { serveMcp } from '../../mcp/index.ts';
import { noticeCoverage } from '../coverage-notice.ts';
import { parseCommandArgs } from '../args.ts';
import { requireApiKey } from '../api-key.ts';
import type { CliIo, Command } from '../command.ts';
import { loadTenant, SOURCE_HELP, SOURCE_OPTIONS, type TenantSource } from '../load-graph.ts';

const OPTIONS = {
  ...SOURCE_OPTIONS,
  live: { type: 'boolean' },
  'base-url': { type: 'string' },
  'org-id': { type: 'string' },
  rate: { type: 'string' },
} as const;

const HELP = `Usage: jcgraph mcp (--snapshot FILE | --sim PRESET[:SEED] | --live [--base-url URL] [--org-id ID] [--rate N])

An MCP server (Model Context Protocol) over stdio, for an assistant: read-only tools that answer with
jcgraph's documents (the commands' --json) and a short summary. Add it to an MCP client as a command:

  {"mcpServers": {"jcgraph": {"command": "npx", "args": ["jcgraph", "mcp", "--snapshot", "/path/acme.json.gz"]}}}

Tools: search_objects, why, access, who, revoke_plan, offboard_plan, what_if, findings, traverse.
Objects are named by id or type:name; an unknown or ambiguous name is a tool error listing candidates.
Long answers come a page at a time (offset, limit), saying how many there are and how to get more.

Options:
${SOURCE_HELP}
  --live               Fetch the organization at start, read-only, with the key from JC_API_KEY (or
                       JUMPCLOUD_API_KEY); progress on stderr.
  --base-url URL       With --live: the API host (see jcgraph fetch --help).
  --org-id ID          With --live: the organization (x-org-id), for multi-tenant administrators.
  --rate N             With --live: at most N requests per second.
  --json               Accepted for symmetry: the protocol is JSON already.

It stops when the client closes its end (stdin), with exit 0.
Exit codes: 0 the client closed, 1 failure (e.g. the snapshot cannot be read), 2 usage error.
`;

async function liveTenant(values: { 'base-url'?: string; 'org-id'?: string; rate?: string }, io: CliIo): Promise<TenantSource> {
  const apiKey = requireApiKey(io.env, 'for --live');
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate > 0)) throw new UsageError(`jcgraph mcp: --rate must be a positive number, not "${values.rate}"`);
  io.stderr.write('jcgraph mcp: fetching the organization (read-only)…\n');
  const { tenant, meta } = await fetchTenant({
    apiKey,
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    ...(values['org-id'] ? { orgId: values['org-id'] } : {}),
    ...(rate !== undefined ? { rate } : {}),
    signal: io.signal,
  });
  io.stderr.write(
    `jcgraph mcp: fetched ${tenant.objects.length} objects and ${tenant.edges.length} edges with ${meta.requests.total} requests.\n`,
  );
  return {
    tenant,
    label: `the live organization${meta.orgId ? ` ${meta.orgId}` : ''} fetched at start`,
    ...(meta.coverage ? { coverage: meta.coverage } : {}),
  };
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('mcp', argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`jcgraph mcp: unexpected argument "${positionals[0]}" (see jcgraph mcp --help)`);
  if (values.live && (values.snapshot !== undefined || values.sim !== undefined)) {
    throw new UsageError('jcgraph mcp: give one of --snapshot FILE, --sim PRESET[:SEED] or --live');
  }
  if (!values.live && (values['base-url'] || values['org-id'] || values.rate)) {
    throw new UsageError('jcgraph mcp: --base-url, --org-id and --rate go with --live');
  }
  const source = values.live ? await liveTenant(values, io) : await loadTenant('mcp', values, io);
  const { tenant, label } = source;
  const graph = AccessGraph.fromTenant(tenant);
  noticeCoverage(io, 'mcp', source, graph);
  const { closed } = await serveMcp(graph, {
    source: label,
    ...(source.coverage ? { coverage: source.coverage } : {}),
    stdin: io.stdin as unknown as Readable,
    stdout: io.stdout as unknown as Writable,
    signal: io.signal,
  });
  io.stderr.write(`jcgraph mcp: serving ${label} (${tenant.objects.length} objects) over stdio until the client closes.\n`);
  await closed;
  io.stderr.write('jcgraph mcp: the client closed; stopped.\n');
  return 0;
}

export const mcpCommand: Command = {
  name: 'mcp',
  summary: "an MCP server over stdio: read-only tools that answer an assistant's access questions",
  help: HELP,
  run,
};
