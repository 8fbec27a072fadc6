import { Option, type Command } from 'commander';
import { DIFF_FORMATS, type DiffFormat } from '../../core/cli-vocabulary.js';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import { DEFAULT_OUT_DIR } from '../../core/cli-vocabulary.js';
import { shouldColor } from '../../report/color.js';
import type { CommandContext } from '../context.js';
import { appContext, printResult } from '../output.js';

interface DiffFlags {
  readonly config: string;
  readonly out: string;
  readonly format: DiffFormat;
  readonly cluster: string[];
  readonly exitCode?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description('show what `meshforge generate` would change: per cluster the resources added, changed and removed, and a unified diff')
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'the generated tree to compare with', `${DEFAULT_OUT_DIR}/`)
    .addOption(new Option('-f, --format <name>', 'text (coloured on a terminal), json (the change plan) or markdown (the pull request body of `meshforge pr`)').choices([...DIFF_FORMATS]).default('text'))
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--exit-code', 'exit 1 when generate would change something, like `git diff --exit-code`')
    .addHelpText(
      'after',
      `
Nothing is written. Colour follows the terminal; NO_COLOR turns it off, FORCE_COLOR on.

Exit codes: 0 (also when there are changes, unless --exit-code), 1 changes found with --exit-code, 2 invalid config
or flags, 3 the tree could not be read.`,
    )
    .action(async (flags: DiffFlags) => {
      const { io } = ctx;
      const result = await (await import('../../app/diff.js')).runDiff(
        { configFile: flags.config, outDir: flags.out, format: flags.format, clusters: flags.cluster, exitCode: flags.exitCode ?? false, color: shouldColor(io.stdout, io.env) },
        appContext(io),
      );
      // Config problems are printed like every other command's, on stderr so stdout stays the diff's format.
      if (result.status === 'invalid-input') {
        ctx.exitCode = printResult({ ...io, stdout: io.stderr }, 'stylish', result);
        return;
      }
      io.stdout.write(result.document);
      ctx.exitCode = printResult(io, flags.format, result);
    });
}
