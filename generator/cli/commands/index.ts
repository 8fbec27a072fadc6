import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerValidate } from './validate.js';

/** Every command, one file each. Order here is the order in `meshforge --help`. */
export const COMMANDS: readonly ((program: Command, ctx: CommandContext) => void)[] = [
  registerValidate,
];
