/**
 * `jcgraph export`: the graph for other tools: GEXF (Gephi), GraphML, JSON (graphology's format), or CSV
 * files for `neo4j-admin database import full`, with a README.txt holding the exact command.
 */
import { extname, resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { EXPORT_FORMATS, exportStreams, isExportFormat, writeExport, type ExportFormat } from '../../report/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIo, Command } from '../command.ts';
import { AccessGraph } from '../../graph/index.ts';
import { isPartial, noticeCoverage, withCoverage } from '../coverage-notice.ts';
import { plural, safeText, writeJson } from '../format.ts';
import { loadTenant, SOURCE_HELP, SOURCE_OPTIONS } from '../load-graph.ts';
import { checkOutputs } from '../output-check.ts';

const OPTIONS = {
  ...SOURCE_OPTIONS,
  format: { type: 'string', short: 'f' },
  out: { type: 'string', short: 'o' },
} as const;

const HELP = `Usage: jcgraph export (--snapshot FILE | --sim PRESET[:SEED]) --format gexf|graphml|json|neo4j --out PATH [--json]

Writes every object (with its record) and every membership and association (with its attributes) for
other tools. Objects are in type order, then by id, so the same organization gives the same file.

Formats (default: from the --out extension, .gexf .graphml .json):
  gexf     GEXF 1.3 for Gephi and most graph tools: memberships directed group → member, associations
           undirected; typed attributes (type, name, the record's fields, sudo_enabled, …).
  graphml  GraphML with typed keys; memberships directed="true", associations undirected.
  json     graphology's serialization (Graph.from(json) reads it): records and attributes kept whole.
  neo4j    A directory (PATH, created if missing) of CSV files for neo4j-admin database import full:
           nodes-<type>.csv (id:ID, :LABEL, typed properties), relationships-member_of.csv
           ((member)-[:MEMBER_OF]->(group)) and relationships-associated_with.csv, plus README.txt
           with the exact import command for those files.

--out - writes a single-file format to stdout.

Options:
${SOURCE_HELP}
  --json               Print {format, files, nodes, edges} as JSON.

Exit codes: 0 written, 1 failure, 2 usage error.
`;

const EXTENSIONS: Readonly<Record<string, ExportFormat>> = { '.gexf': 'gexf', '.graphml': 'graphml', '.json': 'json' };

export const exportCommand: Command = {
  name: 'export',
  summary: 'export the graph as GEXF, GraphML, JSON or Neo4j import CSV',
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs('export', argv, OPTIONS);
    if (positionals.length > 0) throw new UsageError(`jcgraph export: unexpected argument "${positionals[0]}" (see jcgraph export --help)`);
    const out = values.out;
    if (!out) throw new UsageError('jcgraph export: --out PATH is required (see jcgraph export --help)');
    const format = values.format ?? EXTENSIONS[extname(out).toLowerCase()];
    if (!isExportFormat(format)) {
      throw new UsageError(
        `jcgraph export: --format must be one of ${EXPORT_FORMATS.join(', ')}${values.format === undefined ? ' (the --out extension does not say)' : `, not "${values.format}"`}`,
      );
    }
    if (out === '-' && format === 'neo4j') throw new UsageError('jcgraph export: neo4j writes a directory of files; give --out DIR');
    if (out === '-' && values.json)
      throw new UsageError('jcgraph export: --out - writes the export to stdout, so --json cannot be used with it');
    if (out !== '-') {
      const inputs = values.snapshot !== undefined ? [resolve(io.cwd, values.snapshot)] : [];
      const target = resolve(io.cwd, out);
      checkOutputs('export', `the ${format} export`, inputs, format === 'neo4j' ? { dir: target, names: [] } : { files: [target] });
    }
    const source = await loadTenant('export', values, io);
    const { tenant, label } = source;
    // The export holds what the snapshot holds: a partial one is said so (on stderr: stdout may be the export).
    const coverage = isPartial(source) ? noticeCoverage(io, 'export', source, AccessGraph.fromTenant(tenant)) : undefined;
    if (out === '-') {
      for (const chunk of exportStreams(tenant, format)[0]?.chunks ?? []) io.stdout.write(chunk);
      return 0;
    }
    const files = await writeExport(tenant, format, resolve(io.cwd, out));
    const counts = { nodes: tenant.objects.length, edges: tenant.edges.length };
    if (values.json) {
      writeJson(io, withCoverage({ format, files, ...counts }, coverage));
      return 0;
    }
    io.stdout.write(
      safeText(
        `Wrote ${plural(counts.nodes, 'node')} and ${plural(counts.edges, 'edge')} of ${tenant.orgId || 'the organization'} (${label}) as ${format} to ${format === 'neo4j' ? `${files.length} files in ${resolve(io.cwd, out)}` : files[0]}.`,
      ) + '\n',
    );
    if (format === 'neo4j') io.stdout.write(`  The import command is in ${safeText(files.find((f) => f.endsWith('README.txt')) ?? '')}.\n`);
    return 0;
  },
};
