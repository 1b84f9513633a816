/**
 * jcgraph for assistants: an MCP server (Model Context Protocol) whose read-only tools answer access
 * questions about one organization with jcgraph's documents.
 *
 * ```ts
 * const { closed } = await serveMcp(AccessGraph.fromTenant(tenant), { source: 'snapshot acme.json' });
 * await closed;   // the client closed stdin
 * ```
 */
export { createMcpServer, serveMcp, type McpOptions, type StdioOptions } from './server.ts';
export { FINDING_KINDS } from './tools.ts';
