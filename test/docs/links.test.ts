/**
 * The documentation's links hold: every relative link in the project's Markdown names a file that exists
 * and, with `#anchor`, a heading that file has (as GitHub makes anchors of headings); every
 * `docs/<page>.md#anchor` cited in a code comment names a heading of that page; and nothing in the
 * repository cites the domain book outside it, which a clone does not have (docs/domain.md is the book).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Generated, vendored or installed trees: not the project's own text. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', 'dist', 'coverage', 'spec', 'artifacts', 'out']);

/** Every file of the project's own, as a path relative to the root. */
function projectFiles(dir = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...projectFiles(join(dir, entry.name)));
    } else if (entry.isFile()) {
      files.push(relative(ROOT, join(dir, entry.name)));
    }
  }
  return files;
}

const FILES = projectFiles();
const MARKDOWN = FILES.filter((f) => f.endsWith('.md'));
const CODE = FILES.filter((f) => /\.(ts|mts|js|mjs|cjs|json|yaml|yml|html|css)$/.test(f) && f !== 'package-lock.json');

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The lines of a Markdown text outside fenced code blocks, with their 1-based line numbers. */
function proseLines(text: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (fence === marker) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line, n: i + 1 });
  });
  return out;
}

const anchorCache = new Map<string, Set<string>>();

/** The anchors of a Markdown file's headings (a repeated heading gets -1, -2, … as on GitHub). */
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (anchors) return anchors;
  anchors = new Set();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(read(file))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** Relative link targets of a Markdown file (outside code), with their line numbers. */
function relativeLinks(file: string): { target: string; n: number }[] {
  const links: { target: string; n: number }[] = [];
  for (const { line, n } of proseLines(read(file))) {
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      links.push({ target, n });
    }
  }
  return links;
}

/** Why a link from `from` to `target` (a path relative to `from`, with an optional #anchor) is broken, or undefined. */
function brokenLink(from: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const file = path === '' ? from : relative(ROOT, resolve(ROOT, dirname(from), decodeURIComponent(path)));
  if (file.startsWith('..') || !existsSync(join(ROOT, file))) return `${file} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(join(ROOT, file)).isDirectory() || !file.endsWith('.md'))
    return `#${anchor} points into ${file}, which is not a Markdown page`;
  return anchorsOf(file).has(anchor) ? undefined : `${file} has no heading whose anchor is #${anchor}`;
}

describe('documentation links', () => {
  it('finds the project files (the README, the docs pages, the sources)', () => {
    expect(MARKDOWN).toContain('README.md');
    expect(MARKDOWN).toContain('docs/domain.md');
    expect(CODE.some((f) => f.startsWith('src/'))).toBe(true);
  });

  it('anchors headings as GitHub does', () => {
    expect(headingSlug('Hosts, keys and organizations')).toBe('hosts-keys-and-organizations');
    expect(headingSlug('`jcgraph serve`: a snapshot over HTTP')).toBe('jcgraph-serve-a-snapshot-over-http');
    expect(headingSlug('compiledAttributes')).toBe('compiledattributes');
  });

  it('every relative Markdown link names a file that exists, and a heading it has', () => {
    const broken: string[] = [];
    for (const file of MARKDOWN) {
      for (const { target, n } of relativeLinks(file)) {
        const why = brokenLink(file, target);
        if (why !== undefined) broken.push(`${file}:${n}: (${target}): ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs/<page>.md#anchor cited in the code names a heading of that page', () => {
    const broken: string[] = [];
    for (const file of CODE) {
      read(file)
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/\bdocs\/([\w-]+\.md)(?:#([\w-]+))?/g)) {
            const why = brokenLink('README.md', `docs/${m[1]!}${m[2] === undefined ? '' : `#${m[2]}`}`);
            if (why !== undefined) broken.push(`${file}:${i + 1}: docs/${m[1]!}${m[2] === undefined ? '' : `#${m[2]}`}: ${why}`);
          }
        });
    }
    expect(broken).toEqual([]);
  });

  it('nothing in the repository cites the domain book that lived outside it, nor anything else beside the checkout', () => {
    // Spelt in pieces so that this file does not cite it either.
    const book = ['DOMAIN', 'md'].join('.');
    const outside = ['..', 'shared', ''].join('/');
    const citing: string[] = [];
    for (const file of [...MARKDOWN, ...CODE]) {
      read(file)
        .split('\n')
        .forEach((line, i) => {
          if (line.includes(book) || line.includes(outside)) citing.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(citing).toEqual([]);
  });
});
