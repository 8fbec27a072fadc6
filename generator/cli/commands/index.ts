import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerValidate } from './validate.js';
import { registerGenerate } from './generate.js';
import { registerCerts } from './certs.js';
import { registerLint } from './lint.js';
import { registerExplain } from './explain.js';
import { registerCheck } from './check.js';
import { registerDiff } from './diff.js';
import { registerPr } from './pr.js';

/** Every command, one file each. Order here is the order in `meshforge --help`. */
export const COMMANDS: readonly ((program: Command, ctx: CommandContext) => void)[] = [
  registerValidate,
  registerGenerate,
  registerCerts,
  registerLint,
  registerExplain,
  registerCheck,
  registerDiff,
  registerPr,
];
