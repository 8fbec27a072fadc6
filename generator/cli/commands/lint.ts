import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../../model/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { ENGINE_CHECKS } from '../../lint/engine-checks.js';
import { checkResources } from '../../lint/resources.js';
import { suggestRule } from '../../lint/engine.js';
import { clusterFromPath, findingCluster, loadManifests, shardOwner } from '../../discover/manifests.js';
import type { Shard } from '../../pipeline/generate.js';
import type { MeshModel } from '../../model/types.js';
import { shouldColor } from '../../report/color.js';
import { findFormatter, formatNames } from '../../report/formats.js';
import { buildReport, resolveDiagnostics } from '../../report/resolve.js';
import type { PrintedSuppression, Report, ReportRule } from '../../report/types.js';
import { addValidatorOptions } from '../validator-options.js';
import { createValidator, validatorOptionsFromFlags, type ValidatorFlags } from '../../validate/index.js';
import { RULES } from '../../../policies/index.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import type { CliIO } from '../io.js';
import { formatOption, maxWarningsOption, shardOption, statusStream } from '../output.js';

interface LintOptions extends ValidatorFlags {
  readonly cluster?: string;
  readonly config?: string;
  readonly format: string;
  readonly maxWarnings?: number;
  readonly listSuppressed?: boolean;
  readonly rule: string[];
  readonly shard?: Shard;
  /** --parse-all: no fast path for generated files. */
  readonly parseAll?: boolean;
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
      .addOption(maxWarningsOption())
      .option('--list-suppressed', 'also list the findings silenced by annotations or policies.exceptions')
      .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
      .addOption(shardOption("report only shard i of n: the clusters sorted by name and dealt round-robin, as `generate --shard` (every shard still reads and checks the whole fleet)"))
      .option('--parse-all', 'parse every file, even files of a generated tree whose bytes equal what the config renders (the fast path is off)'),
  )
    .addHelpText(
      'after',
      `
Suppress a finding on one resource with the annotations
  meshforge.io/suppress: "rule-a,rule-b"
  meshforge.io/suppress-reason: "why this is acceptable"
or for many resources with policies.exceptions in mesh.config.yaml. \`meshforge explain RULE\` documents each rule.

With a mesh config, files of a tree generated from it (a folder holding meshforge-provenance.json) whose bytes
equal what the config renders are not parsed: lint takes the objects they were rendered from. Edited, foreign and
other files are parsed. This applies when the paths cover the whole tree or at least an eighth of its cluster
folders; --parse-all turns it off. The report is the same either way.

--shard i/n reports the findings on shard i's clusters (from the config, else the clusters/<name>/ folders read);
shard 1 also reports findings outside any cluster. Every shard reads the whole fleet, because cross-cluster rules
need it: together the shards report exactly what one unsharded run reports. Not with --cluster.

Exit codes: 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 unreadable or invalid input.`,
    )
    .action(async (paths: string[], options: LintOptions) => {
      const { io } = ctx;
      const sources = new SourceRegistry();
      if (options.shard && options.cluster !== undefined) {
        throw usageError('--shard cannot be combined with --cluster', 'Lint a shard of the fleet with --shard i/n, or name the cluster of files outside clusters/<name>/ with --cluster, not both.');
      }
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
          // Config problems belong to no cluster: shard 1 reports them, every shard fails.
          print(io, options.format, buildReport('lint', options.shard && options.shard.index !== 1 ? [] : loaded.diagnostics, sources));
          if (options.shard && options.shard.index !== 1) io.stderr.write(`meshforge: ${configFile} is invalid: shard 1 reports why\n`);
          ctx.exitCode = EXIT.invalid;
          return;
        }
        model = loaded.value.model;
        loadedConfigFile = model.configFile;
        extra.push(...loaded.diagnostics);
      }

      const fileList: string[] = [];
      const manifests = await loadManifests(paths, {
        ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
        ...(loadedConfigFile !== undefined ? { configFile: loadedConfigFile } : {}),
        ...(model && !options.parseAll ? { renderFrom: model } : {}),
        io,
        sources,
        fileList,
      });
      // A shard reports the findings on its clusters' resources; the fleet is the config's clusters, else the folders read.
      const fleet = model ? model.clusters.map((c) => c.name) : [...new Set(fileList.map((f) => clusterFromPath(f)).filter((c) => c !== undefined))];
      const owns = options.shard ? shardOwner(fleet, options.shard) : undefined;
      const mine = <T extends Diagnostic>(diagnostics: readonly T[]): T[] => (owns ? diagnostics.filter((d) => owns(findingCluster(d, loadedConfigFile))) : [...diagnostics]);
      if (!manifests.ok) {
        const shown = mine(manifests.diagnostics);
        print(io, options.format, buildReport('lint', shown, sources));
        // Without every file no shard can run the cross-cluster rules: all fail, each showing its own files' problems.
        if (shown.length === 0) io.stderr.write('meshforge: files of other shards could not be loaded: their shards report them\n');
        ctx.exitCode = EXIT.invalid;
        return;
      }

      const rules = options.rule.length > 0 ? RULES.filter((r) => options.rule.includes(r.meta.id)) : RULES;
      // Schemas run unless --no-schema, or --rule narrowed the run to some policy rules.
      const validatorOptions = options.rule.length > 0 ? null : validatorOptionsFromFlags(options, io.env);
      const result = await checkResources(manifests.value, { ...(model ? { model } : {}), rules, validator: validatorOptions ? await createValidator(validatorOptions) : null });
      const suppressedFindings = owns ? result.suppressed.filter((s) => owns(findingCluster(s.diagnostic, loadedConfigFile))) : result.suppressed;
      const report = buildReport('lint', mine([...extra, ...manifests.diagnostics, ...result.diagnostics]), sources, suppressedFindings.length);
      const suppressed: PrintedSuppression[] | undefined = options.listSuppressed
        ? resolveDiagnostics(
            suppressedFindings.map((s) => s.diagnostic),
            sources,
          ).map((printed) => {
            const finding = suppressedFindings.find((s) => s.diagnostic === printed.diagnostic)!;
            return { ...printed, by: finding.by, reason: finding.reason };
          })
        : undefined;
      print(io, options.format, { ...report, rules: REPORT_RULES, ...(suppressed ? { suppressed } : {}) });

      const { errors, warnings } = report.summary;
      const counted = owns ? manifests.value.filter((r) => owns(clusterFromPath(r.location.file) ?? r.cluster)) : manifests.value;
      const clusters = new Set(counted.map((r) => r.cluster).filter((c) => c !== undefined));
      const files = new Set(counted.map((r) => r.location.file));
      const status = statusStream(io, options.format);
      if (errors + warnings + report.summary.infos === 0) {
        const shard = options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : '';
        status.write(`${counted.length} resources in ${files.size} files${clusters.size > 0 ? ` across ${clusters.size} cluster${clusters.size === 1 ? '' : 's'}` : ''}${shard}: no problems${suppressedFindings.length > 0 ? ` (${suppressedFindings.length} suppressed)` : ''}\n`);
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
