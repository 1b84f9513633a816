/** Writes an export to disk: one file (gexf, graphml, json) or a directory of CSV files (neo4j). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TenantData } from '../../model/index.ts';
import { ReportError } from '../errors.ts';
import { toGexf } from './gexf.ts';
import { toGraphml } from './graphml.ts';
import { toJsonExport } from './json.ts';
import { neo4jReadme, toNeo4jFiles } from './neo4j.ts';
import { exportData } from './properties.ts';

export const EXPORT_FORMATS = ['gexf', 'graphml', 'json', 'neo4j'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** The export as files (name relative to `out` for neo4j; `out` itself otherwise) without writing them. */
export function renderExport(tenant: TenantData, format: ExportFormat, outDir = '.'): { name: string; content: string }[] {
  switch (format) {
    case 'gexf':
      return [{ name: '', content: toGexf(exportData(tenant)) }];
    case 'graphml':
      return [{ name: '', content: toGraphml(exportData(tenant)) }];
    case 'json':
      return [{ name: '', content: `${JSON.stringify(toJsonExport(tenant), null, 1)}\n` }];
    case 'neo4j': {
      const data = exportData(tenant);
      const files = toNeo4jFiles(data);
      return [...files, neo4jReadme(data, outDir, files)];
    }
  }
}

/**
 * Writes the export of `tenant` in `format` to `out` (a file; for neo4j a directory, created if
 * missing). Returns the absolute paths written. ReportError when a file cannot be written.
 */
export async function writeExport(tenant: TenantData, format: ExportFormat, out: string): Promise<string[]> {
  const target = resolve(out);
  const files = renderExport(tenant, format, target);
  const written: string[] = [];
  try {
    if (format === 'neo4j') await mkdir(target, { recursive: true });
    for (const f of files) {
      const path = f.name ? join(target, f.name) : target;
      await writeFile(path, f.content, 'utf8');
      written.push(path);
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ReportError(`Could not write the ${format} export to ${target}${code ? ` (${code})` : ''}.`, { cause: error });
  }
  return written;
}
