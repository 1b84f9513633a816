/** jcgraph's version, recorded in every snapshot. */
import { readFileSync } from 'node:fs';

// Read at run time rather than imported, so that src/ and the built dist/ (both one level below the
// package root's parent folder) find the same package.json and the build need not carry a copy.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL_VERSION: string = pkg.version;
