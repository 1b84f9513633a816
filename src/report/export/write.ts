/**
 * Writes an export to disk: one file (gexf, graphml, json) or a directory of CSV files (neo4j). Every
 * format is produced in pieces and written as it comes (exportStreams), so a tenant of hundreds of
 * thousands of objects is never held as one string, nor with every node's properties at once.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TenantData } from '../../model/index.ts';
import { ReportError } from '../errors.ts';
import { joinChunks, writeChunks } from '../stream.ts';
import { gexfChunks } from './gexf.ts';
import { graphmlChunks } from './graphml.ts';
import { jsonExportChunks } from './json.ts';
import { neo4jReadme, neo4jStreams, type ExportStream } from './neo4j.ts';
import { exportView } from './properties.ts';

export const EXPORT_FORMATS = ['gexf', 'graphml', 'json', 'neo4j'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * The export as streams of text, produced as they are read: one with name '' for the single-file
 * formats, the CSV files and README.txt (named relative to `outDir`) for neo4j.
 */
export function exportStreams(tenant: TenantData, format: ExportFormat, outDir = '.'): ExportStream[] {
  switch (format) {
    case 'gexf':
      return [{ name: '', chunks: gexfChunks(exportView(tenant)) }];
    case 'graphml':
      return [{ name: '', chunks: graphmlChunks(exportView(tenant)) }];
    case 'json':
      return [{ name: '', chunks: jsonExportChunks(tenant) }];
    case 'neo4j': {
      const view = exportView(tenant);
      const files = neo4jStreams(view);
      const readme = neo4jReadme(view, outDir, files);
      return [...files, { name: readme.name, chunks: [readme.content] }];
    }
  }
}

/** The export as files (name relative to `out` for neo4j; `out` itself otherwise) without writing them. */
export function renderExport(tenant: TenantData, format: ExportFormat, outDir = '.'): { name: string; content: string }[] {
  return exportStreams(tenant, format, outDir).map((f) => ({ name: f.name, content: joinChunks(f.chunks) }));
}

/**
 * Writes the export of `tenant` in `format` to `out` (a file; for neo4j a directory, created if
 * missing). Returns the absolute paths written. ReportError when a file cannot be written.
 */
export async function writeExport(tenant: TenantData, format: ExportFormat, out: string): Promise<string[]> {
  const target = resolve(out);
  const failure = (code: string | undefined) => `Could not write the ${format} export to ${target}${code ? ` (${code})` : ''}.`;
  if (format === 'neo4j') {
    try {
      await mkdir(target, { recursive: true });
    } catch (error) {
      throw new ReportError(failure((error as { code?: string }).code), { cause: error });
    }
  }
  const written: string[] = [];
  for (const f of exportStreams(tenant, format, target)) {
    const path = f.name ? join(target, f.name) : target;
    await writeChunks(path, f.chunks, failure);
    written.push(path);
  }
  return written;
}
