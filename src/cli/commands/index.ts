/**
 * Every jcgraph command, in the order `jcgraph --help` lists them: its name and summary here, its
 * module loaded only when it runs or shows its own help, so that `jcgraph --help` (and every command)
 * starts without loading the modules of the other commands. A test checks each summary against the
 * command's own.
 */
import type { Command, LazyCommand } from '../command.ts';

const lazy = (name: string, summary: string, load: () => Promise<Command>): LazyCommand => ({ name, summary, load });

export const COMMANDS: readonly LazyCommand[] = [
  lazy(
    'demo',
    'simulate (or read, with an API key) an organization and explain its access and one revoke plan',
    async () => (await import('./demo.ts')).demoCommand,
  ),
  lazy('fetch', 'read a JumpCloud organization into a snapshot file', async () => (await import('./fetch.ts')).fetchCommand),
  lazy('coverage', 'what the fetch of a snapshot could not read, and why', async () => (await import('./coverage.ts')).coverageCommand),
  lazy(
    'sim',
    'serve a simulated JumpCloud organization on loopback (to try jcgraph, and for tests)',
    async () => (await import('./sim.ts')).simCommand,
  ),
  lazy(
    'serve',
    'serve an organization read-only: the JumpCloud API replica, analysis over HTTP, the explorer',
    async () => (await import('./serve.ts')).serveCommand,
  ),
  lazy(
    'mcp',
    "an MCP server over stdio: read-only tools that answer an assistant's access questions",
    async () => (await import('./mcp.ts')).mcpCommand,
  ),
  lazy(
    'verify',
    "check the engine's answers against a live tenant's (or the simulator's) on a seeded sample",
    async () => (await import('./verify.ts')).verifyCommand,
  ),
  lazy(
    'traverse',
    'print what a graph endpoint would answer (all pages merged), for one path or thousands',
    async () => (await import('./traverse.ts')).traverseCommand,
  ),
  lazy(
    'why',
    'why a subject can reach a resource: every path, and where each attribute comes from',
    async () => (await import('./why.ts')).whyCommand,
  ),
  lazy(
    'access',
    'everything a subject can reach, of every type, with labels and sudo',
    async () => (await import('./access.ts')).accessCommand,
  ),
  lazy('who', 'every user, user group and system that can reach a resource, and how', async () => (await import('./who.ts')).whoCommand),
  lazy(
    'revoke',
    'plan the removals that end an access (dry run), with what else they would take away',
    async () => (await import('./revoke.ts')).revokeCommand,
  ),
  lazy(
    'offboard',
    'every binding of a user, the removals that end them all, and a check that none remains',
    async () => (await import('./offboard.ts')).offboardCommand,
  ),
  lazy(
    'apply',
    'act on a plan file: check it live, send it with --yes (journaled, verified, undoable)',
    async () => (await import('./apply.ts')).applyCommand,
  ),
  lazy(
    'whatif',
    'what access would be gained and lost if memberships, associations or objects changed',
    async () => (await import('./whatif.ts')).whatifCommand,
  ),
  lazy(
    'diff',
    'what changed between two snapshots and what it did to access (sudo gained first)',
    async () => (await import('./diff.ts')).diffCommand,
  ),
  lazy(
    'findings',
    'access-review findings: sudo, inactive users with access, redundancy, blast radius, strays',
    async () => (await import('./findings.ts')).findingsCommand,
  ),
  lazy(
    'check',
    'check access rules (a YAML rule file) against an organization: violations, paths, fix plans',
    async () => (await import('./check.ts')).checkCommand,
  ),
  lazy(
    'watch',
    'keep a snapshot current and write JSON lines (OCSF) for what changed that matters',
    async () => (await import('./watch.ts')).watchCommand,
  ),
  lazy(
    'report',
    'write an access review (html, md, csv, json) per user, resource or group, findings first',
    async () => (await import('./report.ts')).reportCommand,
  ),
  lazy(
    'review',
    'access reviews: freeze a population, worksheets per reviewer, decisions, one remediation plan, evidence',
    async () => (await import('./review.ts')).reviewCommand,
  ),
  lazy('export', 'export the graph as GEXF, GraphML, JSON or Neo4j import CSV', async () => (await import('./export.ts')).exportCommand),
];
