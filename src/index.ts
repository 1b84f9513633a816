/**
 * jcgraph's public library API. See README.md "Library".
 */
export * from './errors.ts';
export * from './model/index.ts';
