/**
 * Report and export benchmark: `node --import tsx bench/report.ts [--preset large] [--seed 1] [--json]`.
 *
 * For a simulator preset, prints the time and output size of: the review (findings and one pass over
 * every user binding), the HTML report, the Markdown report, every binding as CSV (by user and by
 * resource, streamed), the JSON report (streamed), and the four exports; plus the heap after each.
 * `runReportBench(options)` returns the figures for a unified bench.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AccessGraph } from '../src/graph/index.ts';
import { generateTenant, isPresetName, type PresetName } from '../src/simulator/index.ts';
import {
  BINDINGS_BY_RESOURCE,
  BINDINGS_BY_USER,
  bindingRows,
  buildReview,
  csvLines,
  exportData,
  jsonChunks,
  renderHtml,
  renderMarkdown,
  toGexf,
  toGraphml,
  toJsonExport,
  toNeo4jFiles,
} from '../src/report/index.ts';

export interface ReportFigure {
  readonly step: string;
  readonly ms: number;
  readonly bytes: number;
  readonly heapMb: number;
}

function measure(step: string, fn: () => Iterable<string> | string): ReportFigure {
  const t0 = performance.now();
  const out = fn();
  let bytes = 0;
  for (const chunk of typeof out === 'string' ? [out] : out) bytes += Buffer.byteLength(chunk);
  return { step, ms: performance.now() - t0, bytes, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
}

export function runReportBench(options: { preset?: PresetName; seed?: number } = {}): {
  preset: PresetName;
  bindings: number;
  figures: ReportFigure[];
} {
  const preset = options.preset ?? 'large';
  const g = AccessGraph.fromTenant(generateTenant({ preset, seed: options.seed ?? 1 }));
  const figures: ReportFigure[] = [];
  let review!: ReturnType<typeof buildReview>;
  figures.push(measure('review (findings + one pass over the bindings)', () => ((review = buildReview(g)), '')));
  figures.push(measure('html report', () => renderHtml(review)));
  figures.push(measure('markdown report (1,000 rows)', () => renderMarkdown(review, { rows: bindingRows(g, 'user') })));
  figures.push(measure('csv, every binding by user', () => csvLines(BINDINGS_BY_USER, bindingRows(g, 'user'))));
  figures.push(measure('csv, every binding by resource', () => csvLines(BINDINGS_BY_RESOURCE, bindingRows(g, 'resource'))));
  figures.push(measure('json report, every binding', () => jsonChunks(review, bindingRows(g, 'user'))));
  const tenant = g.toTenant();
  figures.push(measure('export gexf', () => toGexf(exportData(tenant))));
  figures.push(measure('export graphml', () => toGraphml(exportData(tenant))));
  figures.push(measure('export json', () => JSON.stringify(toJsonExport(tenant))));
  figures.push(measure('export neo4j csv', () => toNeo4jFiles(exportData(tenant)).map((f) => f.content)));
  return { preset, bindings: review.counts.bindings, figures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { preset: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } } });
  const preset = values.preset ?? 'large';
  if (!isPresetName(preset)) throw new Error(`--preset must be tiny, small, large or xl, not ${preset}`);
  const result = runReportBench({ preset, seed: Number(values.seed ?? 1) });
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`report bench, preset ${result.preset}: ${result.bindings.toLocaleString('en')} user bindings`);
    for (const f of result.figures) {
      console.log(
        `${f.step.padEnd(50)} ${(f.ms / 1000).toFixed(2).padStart(7)} s ${(f.bytes / 2 ** 20).toFixed(1).padStart(8)} MiB   heap ${f.heapMb.toFixed(0)} MiB`,
      );
    }
  }
}
