import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../../config/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { ENGINE_CHECKS } from '../../lint/engine-checks.js';
import { checkResources } from '../../check/resources.js';
import { suggestRule } from '../../lint/engine.js';
import { loadManifests } from '../../lint/load-manifests.js';
import type { MeshModel } from '../../model/types.js';
import { shouldColor } from '../../report/color.js';
import { findFormatter, formatNames } from '../../report/formats.js';
import { buildReport, resolveDiagnostics } from '../../report/resolve.js';
import type { PrintedSuppression, Report, ReportRule } from '../../report/types.js';
import { addValidatorOptions, createValidator, validatorOptionsFromFlags, type ValidatorFlags } from '../../validate/index.js';
import { RULES } from '../../../policies/index.js';
import type { CommandContext } from '../context.js';
import { EXIT, usageError } from '../exit.js';
import type { CliIO } from '../io.js';
import { formatOption, statusStream } from '../output.js';

interface LintOptions extends ValidatorFlags {
  readonly cluster?: string;
  readonly config?: string;
  readonly format: string;
  readonly maxWarnings?: number;
  readonly listSuppressed?: boolean;
  readonly rule: string[];
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of 0 or more.');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A path as the user would write it: relative to the current folder when the CLI runs there. */
function displayPath(io: CliIO, file: string): string {
  const absolute = isAbsolute(file) ? file : resolve(io.cwd, file);
  const fromProcess = relative(process.cwd(), absolute);
  return fromProcess !== '' && !fromProcess.startsWith('..') && !isAbsolute(fromProcess) ? fromProcess : absolute;
}

function print(io: CliIO, format: string, report: Report): void {
  const formatter = findFormatter(format);
  if (!formatter) throw usageError(`unknown format '${format}'`, `Use one of: ${formatNames().join(', ')}.`);
  const text = formatter.format(report, { color: shouldColor(io.stdout, io.env) });
  if (text !== '') io.stdout.write(text);
}

const REPORT_RULES: readonly ReportRule[] = [
  ...RULES.map((r) => ({ id: r.meta.id, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, docs: r.meta.docs })),
  ...ENGINE_CHECKS.map((c) => ({ id: c.id, description: c.description, defaultSeverity: c.defaultSeverity, docs: c.docs })),
];

export function registerLint(program: Command, ctx: CommandContext): void {
  addValidatorOptions(
    program
      .command('lint')
      .description('check Kubernetes/Istio manifests against the policy rules, across all clusters at once')
      .argument('[paths...]', 'files, folders (searched for *.yaml/*.yml) or - for standard input', ['clusters'])
      .option('--cluster <name>', 'cluster of files whose path has no clusters/<name>/ segment')
      .option('-c, --config <file>', `mesh config for VIP ranges, services, severity overrides and exceptions (default: ./${DEFAULT_CONFIG_FILE} if present)`)
      .addOption(formatOption())
      .addOption(new Option('--max-warnings <n>', 'fail (exit 1) when there are more than n warnings').argParser(parseCount))
      .option('--list-suppressed', 'also list the findings silenced by annotations or policies.exceptions')
      .option('--rule <id>', 'run only this rule (repeatable)', collect, []),
  )
    .addHelpText(
      'after',
      `
Suppress a finding on one resource with the annotations
  meshforge.io/suppress: "rule-a,rule-b"
  meshforge.io/suppress-reason: "why this is acceptable"
or for many resources with policies.exceptions in mesh.config.yaml. \`meshforge explain RULE\` documents each rule.

Exit codes: 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 unreadable or invalid input.`,
    )
    .action(async (paths: string[], options: LintOptions) => {
      const { io } = ctx;
      const sources = new SourceRegistry();
      for (const id of options.rule) {
        if (ENGINE_CHECKS.some((c) => c.id === id)) {
          throw usageError(`'${id}' is a check of the suppression mechanism itself and always runs; --rule selects policy rules`, 'Run `meshforge explain` to list the policy rules.');
        }
        if (!RULES.some((r) => r.meta.id === id)) {
          const suggestion = suggestRule(id);
          throw usageError(`unknown rule '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, 'Run `meshforge explain` to list the rules.');
        }
      }

      let model: MeshModel | undefined;
      let loadedConfigFile: string | undefined;
      const configFile = options.config ?? (existsSync(resolve(io.cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
      const extra: Diagnostic[] = [];
      if (configFile !== undefined) {
        const loaded = loadConfigFile(displayPath(io, configFile), sources);
        if (!loaded.ok) {
          print(io, options.format, buildReport('lint', loaded.diagnostics, sources));
          ctx.exitCode = EXIT.invalid;
          return;
        }
        model = loaded.value.model;
        loadedConfigFile = model.configFile;
        extra.push(...loaded.diagnostics);
      }

      const manifests = await loadManifests(paths, { ...(options.cluster !== undefined ? { cluster: options.cluster } : {}), ...(loadedConfigFile !== undefined ? { configFile: loadedConfigFile } : {}), io, sources });
      if (!manifests.ok) {
        print(io, options.format, buildReport('lint', manifests.diagnostics, sources));
        ctx.exitCode = EXIT.invalid;
        return;
      }

      const rules = options.rule.length > 0 ? RULES.filter((r) => options.rule.includes(r.meta.id)) : RULES;
      // Schemas run unless --no-schema, or --rule narrowed the run to some policy rules.
      const validatorOptions = options.rule.length > 0 ? null : validatorOptionsFromFlags(options, io.env);
      const result = await checkResources(manifests.value, { ...(model ? { model } : {}), rules, validator: validatorOptions ? await createValidator(validatorOptions) : null });
      const report = buildReport('lint', [...extra, ...manifests.diagnostics, ...result.diagnostics], sources, result.suppressed.length);
      const suppressed: PrintedSuppression[] | undefined = options.listSuppressed
        ? resolveDiagnostics(
            result.suppressed.map((s) => s.diagnostic),
            sources,
          ).map((printed) => {
            const finding = result.suppressed.find((s) => s.diagnostic === printed.diagnostic)!;
            return { ...printed, by: finding.by, reason: finding.reason };
          })
        : undefined;
      print(io, options.format, { ...report, rules: REPORT_RULES, ...(suppressed ? { suppressed } : {}) });

      const { errors, warnings } = report.summary;
      const clusters = new Set(manifests.value.map((r) => r.cluster).filter((c) => c !== undefined));
      const files = new Set(manifests.value.map((r) => r.location.file));
      const status = statusStream(io, options.format);
      if (errors + warnings + report.summary.infos === 0) {
        status.write(`${manifests.value.length} resources in ${files.size} files${clusters.size > 0 ? ` across ${clusters.size} cluster${clusters.size === 1 ? '' : 's'}` : ''}: no problems${result.suppressed.length > 0 ? ` (${result.suppressed.length} suppressed)` : ''}\n`);
      }
      if (errors > 0) {
        ctx.exitCode = EXIT.findings;
      } else if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
        io.stderr.write(`meshforge: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
        ctx.exitCode = EXIT.findings;
      } else {
        ctx.exitCode = EXIT.ok;
      }
    });
}
