/** Every jcgraph command, in the order `jcgraph --help` lists them. */
import type { Command } from '../command.ts';

export const COMMANDS: readonly Command[] = [];
