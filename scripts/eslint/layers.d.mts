// Types of layers.mjs for the TypeScript that imports it (test/lint/layers.test.ts).
import type { ESLint } from 'eslint';

/** The layer of an absolute path under `srcDir`: its first folder, or a top-level file's name without `.ts`; undefined outside. */
export function layerOf(srcDir: string, file: string): string | undefined;

declare const plugin: ESLint.Plugin;
export default plugin;
