/** Every jcgraph command, in the order `jcgraph --help` lists them. */
import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { fetchCommand } from './fetch.ts';
import { simCommand } from './sim.ts';
import { verifyCommand } from './verify.ts';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  fetchCommand,
  simCommand,
  verifyCommand,
];
