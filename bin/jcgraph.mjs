#!/usr/bin/env node
// The jcgraph command: runs the TypeScript CLI through tsx, so `npx jcgraph` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
