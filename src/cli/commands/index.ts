/** Every jcgraph command, in the order `jcgraph --help` lists them. */
import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { fetchCommand } from './fetch.ts';
import { simCommand } from './sim.ts';
import { serveCommand } from './serve.ts';
import { verifyCommand } from './verify.ts';
import { whyCommand } from './why.ts';
import { accessCommand } from './access.ts';
import { whoCommand } from './who.ts';
import { revokeCommand } from './revoke.ts';
import { offboardCommand } from './offboard.ts';
import { whatifCommand } from './whatif.ts';
import { diffCommand } from './diff.ts';
import { findingsCommand } from './findings.ts';
import { traverseCommand } from './traverse.ts';
import { reportCommand } from './report.ts';
import { exportCommand } from './export.ts';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  fetchCommand,
  simCommand,
  serveCommand,
  verifyCommand,
  traverseCommand,
  whyCommand,
  accessCommand,
  whoCommand,
  revokeCommand,
  offboardCommand,
  whatifCommand,
  diffCommand,
  findingsCommand,
  reportCommand,
  exportCommand,
];
