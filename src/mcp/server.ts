/**
 * jcgraph as an MCP server (Model Context Protocol, official TypeScript SDK, version 1): the tools of
 * ./tools.ts over one organization, read-only. `serveMcp` runs it over stdio until the client closes.
 */
import type { Readable, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';
import { TOOL_VERSION } from '../common/version.ts';
import { registerTools } from './tools.ts';

export interface McpOptions {
  /** Where the organization came from (`snapshot acme.json`), told to the client in the instructions. */
  readonly source?: string;
  /** What the fetch of the organization could not read: a partial one marks every answer (see registerTools). */
  readonly coverage?: Coverage;
}

const INSTRUCTIONS = `jcgraph answers access questions about one JumpCloud organization, read from a snapshot: who can reach what, through which groups and associations, why, and exactly what to remove to take access away (dry runs that name the API calls; nothing is ever changed). Name objects by id or type:name (user:jdoe, system:web-01, user_group:"All Staff"); when unsure of a name, call search_objects first. Long answers come a page at a time: page.total says how many there are and page.nextOffset where the next page starts.`;

function instructionsFor(options: McpOptions): string {
  const source = options.source ? ` The organization: ${options.source}.` : '';
  const gaps = options.coverage && !options.coverage.complete ? options.coverage.gaps.length : 0;
  const partial =
    gaps > 0
      ? ` Its snapshot is PARTIAL: ${gaps} collections could not be read, so answers may lack access that runs through them; each answer says so in its coverage field.`
      : '';
  return `${INSTRUCTIONS}${source}${partial}`;
}

/** An MCP server with every jcgraph tool, answering from `graph`. */
export function createMcpServer(graph: AccessGraph, options: McpOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'jcgraph', title: 'jcgraph: JumpCloud access questions', version: TOOL_VERSION },
    { capabilities: { tools: {} }, instructions: instructionsFor(options) },
  );
  registerTools(server, graph, options.coverage);
  return server;
}

export interface StdioOptions extends McpOptions {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Stops the server (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * Serves the tools over stdio. Resolves once connected, to `closed`: a promise that settles when the
 * client closes stdin (or `signal` aborts) and the server has closed. (Not a bare promise of a promise:
 * awaiting that would wait for the close too.)
 */
export async function serveMcp(graph: AccessGraph, options: StdioOptions = {}): Promise<{ readonly closed: Promise<void> }> {
  const stdin = options.stdin ?? process.stdin;
  const server = createMcpServer(graph, options);
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  const ended = new Promise<void>((resolve) => {
    stdin.once('end', resolve);
    stdin.once('close', resolve);
    transport.onclose = () => resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.connect(transport);
  return { closed: ended.then(() => server.close()) };
}
