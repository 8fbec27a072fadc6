import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { appContext, printResult } from '../output.js';

export function registerExplain(program: Command, ctx: CommandContext): void {
  program
    .command('explain')
    .description("print a policy rule's or diagnostic's documentation (without RULE: list every id)")
    .argument('[rule]', 'rule or diagnostic id, as printed in brackets by `meshforge lint`, `validate` and the other commands')
    .addHelpText('after', '\nExit codes: 0 printed, 2 unknown rule (with a did-you-mean suggestion).')
    .action(async (id: string | undefined) => {
      const result = await (await import('../../app/explain.js')).runExplain(id === undefined ? {} : { id }, appContext(ctx.io));
      // Pages and the listing are plain text: the stylish format prints the status text on stdout.
      ctx.exitCode = printResult(ctx.io, 'stylish', result);
    });
}
