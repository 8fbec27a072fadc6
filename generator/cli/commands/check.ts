import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import type { Shard } from '../../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../../core/cli-vocabulary.js';
import type { ValidatorFlags } from '../../validate/index.js';
import { addValidatorOptions } from '../validator-options.js';
import type { CommandContext } from '../context.js';
import { appContext, formatOption, maxWarningsOption, printResult, shardOption } from '../output.js';

interface CheckFlags extends ValidatorFlags {
  readonly config: string;
  readonly out: string;
  readonly format: string;
  readonly pki?: string;
  readonly maxWarnings?: number;
  readonly timings?: boolean;
  readonly shard?: Shard;
  /** false with --no-cache. */
  readonly cache: boolean;
}

export function registerCheck(program: Command, ctx: CommandContext): void {
  const command = program
    .command('check')
    .description('the CI gate: config validation, drift of the generated tree, manifest schemas, policies and the PKI, in one run')
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'the generated tree to check for drift', `${DEFAULT_OUT_DIR}/`)
    .addOption(formatOption())
    .option('--pki <dir>', 'the PKI folder to verify (default: mesh.ca.pkiDir next to the config; skipped when it does not exist)')
    .addOption(maxWarningsOption())
    .option('--timings', 'print how long each stage took to stderr')
    .addOption(shardOption('check only shard i of n: the clusters sorted by name and dealt round-robin, as `generate --shard`'))
    .option('--no-cache', "compare every generated file even when the run state of `meshforge generate` vouches for the tree");
  addValidatorOptions(command);
  command
    .addHelpText(
      'after',
      `
Stages: config (validation and rendering in memory), drift (rule "drift": every generated file and mesh.lock.yaml
must equal what the config generates), schema (the generated resources, GitOps wrappers included, against their
schemas), policies (the rules of \`meshforge lint\` with policies.severity and policies.exceptions), pki (\`certs
verify\`, only when the PKI folder exists). Nothing is written. Status lines go to stderr for machine formats.

When \`meshforge generate\` recorded its run state for the tree (.meshforge/state/ beside the config) from the same
config, ledger and meshforge build, for the whole fleet, and the tree still matches the state's snapshot, the drift
stage reads no file: the state vouches that there is none. Any doubt (an edited file, another ledger, a shard's
state) means every file is compared. --no-cache turns this off.

--shard i/n checks the drift and schemas of shard i's cluster folders and reports the policy findings on them;
shard 1 also checks everything outside the cluster folders (GitOps wrappers, the index, mesh.lock.yaml, the PKI).
Every shard renders the whole fleet and runs the policies on all of it (cross-cluster rules need every resource):
together the shards report exactly what one unsharded run reports.

Exit codes: 0 everything passed, 1 findings or drift (or more warnings than --max-warnings), 2 invalid config or
flags, 3 environment failure (kubeconform missing or failing, unreadable tree).`,
    )
    .action(async (flags: CheckFlags) => {
      const { format, ...options } = flags;
      const result = await (await import('../../app/check.js')).runCheck(options, appContext(ctx.io));
      // Before the status line, which goes to stderr too beside a machine format.
      if (result.timingsText !== undefined) ctx.io.stderr.write(result.timingsText);
      ctx.exitCode = printResult(ctx.io, format, result);
      for (const notice of result.notices) ctx.io.stderr.write(notice);
    });
}
