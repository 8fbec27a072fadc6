import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../../model/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import { unknownPolicyRules } from '../../lint/policy-config.js';
import { EXIT } from '../exit.js';
import type { CommandContext } from '../context.js';
import { formatOption, printReport, statusStream } from '../output.js';

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('check mesh.config.yaml against the schema and the semantic rules; writes nothing')
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .addOption(formatOption())
    .addHelpText('after', '\nExit codes: 0 valid, 2 invalid (every problem is printed with file:line:column).')
    .action((options: { config: string; format: string }) => {
      const sources = new SourceRegistry();
      const file = options.config;
      const loaded = loadConfigFile(file, sources);
      // Rule ids in policies: are checked here too, so a typo is caught before any manifest exists.
      const diagnostics = loaded.ok ? [...loaded.diagnostics, ...unknownPolicyRules(loaded.value.model)] : loaded.diagnostics;
      const report = printReport(ctx.io, 'validate', options.format, diagnostics, sources);
      if (!loaded.ok || report.summary.errors > 0) {
        ctx.exitCode = EXIT.invalid;
        return;
      }
      const { model } = loaded.value;
      statusStream(ctx.io, options.format).write(
        `${file} is valid: mesh ${model.mesh.id}, ${model.clusters.length} clusters, ${model.services.length} services, ${model.exports.length} cross-cluster exports, ${model.routes.length} routes, ${model.externalServices.length} external services, ${model.ingress.length} ingress hosts\n`,
      );
      ctx.exitCode = EXIT.ok;
    });
}
