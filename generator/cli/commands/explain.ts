import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ENGINE_CHECKS } from '../../lint/engine-checks.js';
import { suggestRule } from '../../lint/engine.js';
import { packagePath } from '../../core/paths.js';
import { RULES } from '../../../policies/index.js';
import type { CommandContext } from '../context.js';
import { environmentError, usageError } from '../../core/errors.js';
import { EXIT } from '../exit.js';

interface Entry {
  readonly id: string;
  readonly defaultSeverity: string;
  readonly description: string;
  readonly docs: string;
}

function entries(): Entry[] {
  return [...RULES.map((r) => ({ id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, description: r.meta.description, docs: r.meta.docs })), ...ENGINE_CHECKS];
}

export function registerExplain(program: Command, ctx: CommandContext): void {
  program
    .command('explain')
    .description("print a policy rule's documentation (without RULE: list every rule)")
    .argument('[rule]', 'rule id, as printed in brackets by `meshforge lint`')
    .addHelpText('after', '\nExit codes: 0 printed, 2 unknown rule (with a did-you-mean suggestion).')
    .action((id: string | undefined) => {
      const all = entries();
      if (id === undefined) {
        const width = Math.max(...all.map((e) => e.id.length));
        for (const entry of all) ctx.io.stdout.write(`${entry.id.padEnd(width)}  ${entry.defaultSeverity.padEnd(7)}  ${entry.description}\n`);
        ctx.exitCode = EXIT.ok;
        return;
      }
      const entry = all.find((e) => e.id === id);
      if (!entry) {
        const suggestion = suggestRule(id);
        throw usageError(`unknown rule '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, 'Run `meshforge explain` to list every rule.');
      }
      let text: string;
      try {
        text = readFileSync(packagePath(entry.docs), 'utf8');
      } catch {
        throw environmentError(`cannot read ${entry.docs}: the meshforge installation is incomplete`, 'Reinstall meshforge.');
      }
      ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      ctx.exitCode = EXIT.ok;
    });
}
