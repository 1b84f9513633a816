/**
 * The Chromium that browser tests drive: `CHROMIUM_PATH` when it is set, otherwise the one that
 * @sparticuz/chromium ships inside its npm package (installed with the lockfile, so a machine with only
 * Node can run every test). Unpacked once per test run, in the global setup, into a cache folder of its
 * own under node_modules/.cache keyed by the package's version, never into a shared /tmp/chromium that
 * another version could have left there.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** Where the browser's binary is: CHROMIUM_PATH, or the npm package's build unpacked into the cache. */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env['CHROMIUM_PATH'];
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH names ${given}, which does not exist.`);
    return given;
  }
  const manifest = join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const cache = join(ROOT, 'node_modules', '.cache', 'jcgraph-chromium');
  const home = join(cache, version);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;

  // The package unpacks into os.tmpdir(); point that at a fresh folder for the duration of the call, then
  // move the folder into place in one rename so that a half-unpacked browser is never found.
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, `.unpack-${version}-`));
  const savedTmp = process.env['TMPDIR'];
  process.env['TMPDIR'] = scratch;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    const unpacked = await chromium.executablePath();
    if (unpacked !== join(scratch, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not into ${scratch}.`);
  } finally {
    if (savedTmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmp;
  }
  try {
    renameSync(scratch, home);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}
