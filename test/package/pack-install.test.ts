/**
 * The package as its users get it: `npm pack` the checkout (its dist/ built by the global setup), install
 * the tarball into a new project, then
 *   - import the library from a plain .mjs script and run it against the embedded simulator;
 *   - type-check a TypeScript consumer against the shipped declarations (tsc --noEmit, no skipLibCheck);
 *   - run the installed `jcgraph --help`.
 * npm installs the dependencies from the cache that `npm ci` filled (--prefer-offline), else the registry.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.ts';

const run = promisify(execFile);
const HERE = resolve(import.meta.dirname);
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

let project: string;
let packed: string[];

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'jcgraph-consumer-'));
  // --ignore-scripts: dist/ is already built for this run; a second clean build here would race the
  // other test files that run the CLI from dist/.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project, ...NPM_QUIET], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((f) => f.path);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'audit-scripts', private: true, type: 'module' }));
  await run('npm', ['install', join(project, info.filename), ...NPM_QUIET], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
  for (const file of ['consumer.mjs', 'consumer.ts']) await copyFile(join(HERE, file), join(project, file));
}, 300_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('carries the compiled library, its declarations with the sources their maps point at, the command, README and license, and no tests or bench', () => {
    for (const file of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/index.d.ts.map',
      'dist/entries/report.js',
      'dist/entries/serve.d.ts',
      'dist/entries/simulator.js',
      'src/index.ts',
      'dist/cli/main.js',
      'dist/report/html/report.css',
      'dist/report/html/report.js',
      'bin/jcgraph.mjs',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(packed, file).toContain(file);
    }
    expect(packed.filter((f) => /^(test|bench|examples|scripts|node_modules|\.ci)\//.test(f))).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it(
    'is imported from a plain .mjs script with no TypeScript at run time, and answers as the simulator does',
    { timeout: 180_000 },
    async () => {
      const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
      const result = JSON.parse(stdout) as {
        objects: number;
        edges: number;
        requests: number;
        offline: unknown[];
        live: unknown[];
        whyPaths: number;
      };
      expect(result.objects).toBeGreaterThan(0);
      expect(result.edges).toBeGreaterThan(0);
      expect(result.requests).toBeGreaterThan(0);
      expect(result.offline.length).toBeGreaterThan(0);
      expect(result.offline).toEqual(result.live);
      expect(result.whyPaths).toBeGreaterThan(0);
      // Nothing that transpiles TypeScript came with it.
      const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
      expect(Object.keys(lock.packages).filter((p) => /node_modules\/(tsx|typescript|esbuild)$/.test(p))).toEqual([]);
    },
  );

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['consumer.ts'],
    };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).then(
      () => ({ code: 0, out: '' }),
      (e: unknown) => ({ code: (e as { code: number }).code, out: (e as { stdout: string }).stdout }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 300_000); // tsc reads every declaration the package and its dependencies ship: slow on a busy machine

  it('installs the jcgraph command, which runs from the compiled JavaScript', async () => {
    const { stdout } = await run(join(project, 'node_modules', '.bin', 'jcgraph'), ['--help'], {
      cwd: project,
      env: { ...process.env, JC_API_KEY: '' },
    });
    expect(stdout).toMatch(/^jcgraph: who can reach what/);
    expect(stdout).toContain('Commands:');
  });
});
