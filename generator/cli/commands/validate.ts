import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import type { CommandContext } from '../context.js';
import { appContext, formatOption, printResult } from '../output.js';

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('check mesh.config.yaml against the schema and the semantic rules; writes nothing')
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nThe VIP ledger (mesh.lock.yaml beside the config) and every generated file are planned in memory, as generate\nplans them: a config generate would refuse is refused here.\n\nExit codes: 0 valid, 2 invalid (every problem is printed with file:line:column).',
    )
    .action(async (options: { config: string; format: string }) => {
      const result = await (await import('../../app/validate.js')).runValidate({ configFile: options.config }, appContext(ctx.io));
      ctx.exitCode = printResult(ctx.io, options.format, result);
    });
}
