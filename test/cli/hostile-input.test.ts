/**
 * Careless and hostile input (issue 11 §4), each as a user would meet it: outputs that are devices or the
 * command's own input, an output directory that does not exist, an API key pasted with a line break, a
 * snapshot saved with a byte-order mark, and names in tenant data that carry terminal control sequences.
 * Every case is one plain sentence on stderr, a non-zero exit, nothing lost, nothing forged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';
import { cli } from './run.ts';

/** A system whose name would recolour the terminal and forge a line of output if printed raw. */
const EVIL_NAME = 'evil\u001b[31m\nuser:root reaches system:vault: direct\u202e';

/** Raw control characters (a line break is fine: output is made of lines) and the bidi override. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is this pattern's job
const UNSAFE = new RegExp('[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u202e]');

let dir: string;
let sim: Simulator;
const run = (argv: string[], env: Record<string, string> = {}) => cli(argv, { cwd: dir, env });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-hostile-'));
  const b = new TenantBuilder();
  const ann = b.user('ann');
  const evil = b.system(EVIL_NAME);
  b.associate(ann, evil);
  await saveHandMadeSnapshot(join(dir, 't.json'), b.build());
  sim = await startSimulator({ preset: 'tiny', seed: 3 });
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('careless and hostile input', () => {
  it('report refuses to overwrite its own input, and leaves it as it was', async () => {
    const before = readFileSync(join(dir, 't.json'));
    const r = await run(['report', '--snapshot', 't.json', '--out', 't.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/would overwrite .*t\.json, which it reads/);
    expect(readFileSync(join(dir, 't.json')).equals(before)).toBe(true);
  });

  it("writes reports with the snapshot's mode, 0600", async () => {
    expect((await run(['report', '--snapshot', 't.json', '--out', 'r.md'])).code).toBe(0);
    expect(statSync(join(dir, 'r.md')).mode & 0o777).toBe(0o600);
  });

  it('writes to a device it is given, never replacing it with a file; a full device is one sentence and exit 1', async () => {
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    const full = await run(['report', '--snapshot', 't.json', '--out', '/dev/full', '--format', 'md']);
    expect(full.code).toBe(1);
    expect(full.stderr).toBe('jcgraph report: Could not write the report /dev/full (ENOSPC).\n');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    const nul = await run(['fetch', '--base-url', sim.baseUrl, '--out', '/dev/null'], { JC_API_KEY: sim.apiKey });
    expect(nul.code, nul.stderr).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('checks the output path before the first request', async () => {
    sim.resetStats();
    const r = await run(['fetch', '--base-url', sim.baseUrl, '--out', 'no/such/dir/x.json'], { JC_API_KEY: sim.apiKey });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^jcgraph fetch: Cannot write the snapshot to .*no\/such\/dir\/x\.json: the directory .* does not exist\.\n$/);
    expect(sim.stats().requests).toBe(0);
  });

  it('fails at once on a key that cannot be a header value, and never prints it', async () => {
    sim.resetStats();
    const key = `${sim.apiKey.slice(0, 20)}\n${sim.apiKey.slice(20)}`;
    const r = await run(['fetch', '--base-url', sim.baseUrl, '--out', 'k.json'], { JC_API_KEY: key });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^jcgraph fetch: The API key holds a line break at character 21 of \d+, which cannot be sent in an HTTP header/,
    );
    expect(sim.stats().requests).toBe(0);
    for (const part of [sim.apiKey.slice(0, 20), sim.apiKey.slice(20)]) expect(r.stderr + r.stdout).not.toContain(part);
    expect(existsSync(join(dir, 'k.json'))).toBe(false);
  });

  it('reads a snapshot saved with a byte-order mark', async () => {
    writeFileSync(join(dir, 'bom.json'), `\ufeff${readFileSync(join(dir, 't.json'), 'utf8')}`);
    const r = await run(['access', 'user:ann', '--snapshot', 'bom.json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).bindings.length).toBe(1);
  });

  it('shows control characters in names visibly in text and Markdown, so tenant data cannot forge or recolour lines; --json stays exact', async () => {
    const evil = 'system-evil__31m_user_root_reaches_system_vault__direct_';
    const commands = [
      ['access', 'user:ann'],
      ['who', evil],
      ['why', 'user:ann', evil],
      ['revoke', 'user:ann', evil],
      ['offboard', 'user:ann'],
      ['findings'],
    ];
    for (const argv of commands) {
      const text = await run([...argv, '--snapshot', 't.json']);
      expect(text.code, `${argv.join(' ')}: ${text.stderr}`).toBe(0);
      expect(UNSAFE.test(text.stdout), argv.join(' ')).toBe(false);
      expect(
        text.stdout.split('\n').some((line) => line.startsWith('user:root reaches')),
        argv.join(' '),
      ).toBe(false);
      expect(text.stdout, argv.join(' ')).toMatch(/evil\\(x1b|u001b)\[31m\\nuser:root/);
    }
    expect((await run(['report', '--snapshot', 't.json', '--out', 'evil.md'])).code).toBe(0);
    expect(UNSAFE.test(readFileSync(join(dir, 'evil.md'), 'utf8'))).toBe(false);
    const json = await run(['access', 'user:ann', '--snapshot', 't.json', '--json']);
    expect(JSON.parse(json.stdout).bindings[0].target.name).toBe(EVIL_NAME);
  });
});
