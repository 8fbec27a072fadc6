import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import type { Shard } from '../../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../../core/cli-vocabulary.js';
import type { ValidatorFlags } from '../../validate/index.js';
import { addValidatorOptions } from '../validator-options.js';
import type { CommandContext } from '../context.js';
import { appContext, formatOption, printResult, shardOption } from '../output.js';

interface GenerateFlags extends ValidatorFlags {
  config: string;
  out: string;
  check?: boolean;
  cluster: string[];
  reclaim?: boolean;
  format: string;
  lockTimeout: number;
  shard?: Shard;
  /** false with --no-cache. */
  cache: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('expected a number of seconds (0 or more).');
  return Number(value);
}

export function registerGenerate(program: Command, ctx: CommandContext): void {
  addValidatorOptions(
    program
      .command('generate')
      .description("write every cluster's Istio configuration (clusters/<name>/) and the VIP ledger from mesh.config.yaml")
      .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
      .option('-o, --out <dir>', 'the output folder', `${DEFAULT_OUT_DIR}/`)
      .option('--check', 'write nothing; list files that differ from what the config generates and exit 1 if any do')
      .option('--cluster <name>', 'only this cluster (repeatable); other clusters\' folders are left as they are', collect, [])
      .addOption(shardOption('only shard i of n: the clusters sorted by name and dealt round-robin (for a CI matrix; not with --cluster)'))
      .option('--reclaim', 'hand VIPs freed by removed hosts to new hosts (by default they stay reserved)')
      .option('--lock-timeout <seconds>', 'wait this long for another run writing the same folder to finish', parseSeconds, 30)
      .option('--no-cache', 'neither read nor record the run-state cache (.meshforge/state/ beside the config) that lets a no-op run skip the work')
      .addOption(formatOption()),
  )
    .addHelpText(
      'after',
      `
Policy rules and schema validation run on the rendered files before anything is written; an error finding exits 1
and writes nothing (--no-schema skips schemas; policies.exceptions in the config records accepted findings).
The VIP ledger is written to mesh.lock.yaml beside the config: commit it with the tree.
The output folder is replaced atomically; files meshforge did not generate are kept and listed.
One run at a time writes a folder: the lock file .<out>.meshforge-lock beside it names the run holding it; a run
waits up to --lock-timeout for it, and clears a lock left by a run that no longer exists.

Exit codes: 0 written (or up to date with --check), 1 --check found drift, 2 invalid config or flags (nothing written),
3 the tree could not be written (permissions, a full or read-only disk, a foreign file in the way, a symlink, the
output lock held past --lock-timeout).

A run that leaves the tree up to date (a write or a no-op) records its inputs' fingerprint and a stat snapshot of the output folder in
.meshforge/state/ beside the config (git-ignored). The next run with the same config, ledger, flags and meshforge
build, on an output folder that still matches the snapshot, prints the same output without planning anything.
After a config edit, a file table beside it (each file's input fingerprint, sha256 and stat) lets the run skip
rendering, reading and comparing the files whose inputs did not change and that nobody touched.
--no-cache turns both off; any doubt (an edited or too-recent file, a held lock) makes a run do the full work.`,
    )
    .action(async (flags: GenerateFlags) => {
      const { format, lockTimeout, ...options } = flags;
      const result = await (await import('../../app/generate.js')).runGenerate({ ...options, lockTimeoutSeconds: lockTimeout }, appContext(ctx.io));
      ctx.exitCode = printResult(ctx.io, format, result);
    });
}
