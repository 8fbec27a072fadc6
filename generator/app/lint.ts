import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { RULES } from '../../policies/index.js';
import { locateIn } from '../config/identity.js';
import { usageError } from '../core/errors.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { findingCluster, loadManifests, shardOwner, type LoadStats } from '../discover/manifests.js';
import { suggestRule } from '../lint/engine.js';
import { ENGINE_CHECKS } from '../lint/engine-checks.js';
import { checkResources } from '../lint/resources.js';
import { clusterFromPath } from '../manifest/from-text.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../model/load.js';
import type { MeshModel } from '../model/types.js';
import type { Shard } from '../pipeline/generate.js';
import { redactKeyMaterial } from '../report/redact.js';
import { buildReport, resolveDiagnostics } from '../report/resolve.js';
import type { PrintedSuppression, Report, ReportRule } from '../report/types.js';
import type { ValidatorFlags } from '../validate/index.js';
import { resolveFrom, type AppContext } from './context.js';
import { runStateVouches } from './tree-vouch.js';
import type { ServiceResult } from './result.js';
import { validatorFromFlags } from './validator.js';

export interface LintOptions extends ValidatorFlags {
  /** Files, folders (searched for *.yaml/*.yml) or `-` for standard input, relative to the caller's folder. */
  readonly paths: readonly string[];
  /** Cluster of files whose path has no clusters/<name>/ segment. */
  readonly cluster?: string;
  /**
   * The mesh config; default: the config a single linted generated tree names in its provenance index, else
   * mesh.config.yaml in the caller's folder when it exists.
   */
  readonly config?: string;
  /** More warnings than this fail the run. */
  readonly maxWarnings?: number;
  /** Also list the findings silenced by annotations or policies.exceptions. */
  readonly listSuppressed?: boolean;
  /** Run only these policy rules (schemas are then skipped). */
  readonly rules?: readonly string[];
  /** Report only this shard's clusters (every shard still reads and checks the whole fleet). */
  readonly shard?: Shard;
  /** No fast path for generated files: parse every file. */
  readonly parseAll?: boolean;
  /**
   * False (--no-cache): never take a generated tree's files on the run state's word; read and compare them.
   * Default true.
   */
  readonly cache?: boolean;
}

export interface LintResult extends ServiceResult {
  /** Resources checked (on this shard's clusters with --shard). */
  readonly resources: number;
  /** Files read, as shown in reports. */
  readonly files: readonly string[];
  /** How the files were read: taken from the plan on the run state's word (vouched), from the in-memory render, or parsed. */
  readonly stats: LoadStats;
  /** Lines for standard error whatever the format (a failed shard's pointer, the --max-warnings verdict). */
  readonly notices: readonly string[];
}

/** Every rule lint can report, for formats that list them (SARIF). */
export const LINT_REPORT_RULES: readonly ReportRule[] = [
  ...RULES.map((r) => ({ id: r.meta.id, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, docs: r.meta.docs })),
  ...ENGINE_CHECKS.map((c) => ({ id: c.id, description: c.description, defaultSeverity: c.defaultSeverity, docs: c.docs })),
];

/** Refuses rule ids lint cannot select: the engine's own checks always run, unknown ids get a suggestion. */
function checkRuleIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (ENGINE_CHECKS.some((c) => c.id === id)) {
      throw usageError(`'${id}' is a check of the suppression mechanism itself and always runs; --rule selects policy rules`, 'Run `meshforge explain` to list the policy rules.');
    }
    if (!RULES.some((r) => r.meta.id === id)) {
      const suggestion = suggestRule(id);
      throw usageError(`unknown rule '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, 'Run `meshforge explain` to list the rules.');
    }
  }
}

/**
 * `meshforge lint`: reads manifests (files, folders, standard input), checks them against their schemas and the
 * policy rules across all clusters at once, with the mesh config's severity overrides and exceptions when there is
 * one. Findings are reported by shard with --shard. Reads only; writes nothing.
 */
export async function runLint(options: LintOptions, context: AppContext): Promise<LintResult> {
  const ruleIds = options.rules ?? [];
  if (options.shard && options.cluster !== undefined) {
    throw usageError('--shard cannot be combined with --cluster', 'Lint a shard of the fleet with --shard i/n, or name the cluster of files outside clusters/<name>/ with --cluster, not both.');
  }
  checkRuleIds(ruleIds);
  if (options.paths.includes('-') && !context.readStdin) throw usageError('- reads standard input, which this caller does not provide', 'Pass files or folders instead.');

  const sources = new SourceRegistry();
  const stats: LoadStats = { rendered: 0, parsed: 0, trees: 0, vouched: 0 };
  const notices: string[] = [];
  const report = (diagnostics: readonly Diagnostic[], suppressed = 0): Report => buildReport('lint', diagnostics, sources, suppressed, context.cwd);
  const otherShard = options.shard !== undefined && options.shard.index !== 1;

  let model: MeshModel | undefined;
  const extra: Diagnostic[] = [];
  const configFile = options.config ?? treeConfig(options.paths, context) ?? (existsSync(resolveFrom(context, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  if (configFile !== undefined) {
    const loaded = loadConfigFile(resolveFrom(context, configFile), sources);
    if (!loaded.ok) {
      // Config problems belong to no cluster: shard 1 reports them, every shard fails.
      if (otherShard) notices.push(`meshforge: ${configFile} is invalid: shard 1 reports why\n`);
      return { status: 'invalid-input', report: report(otherShard ? [] : loaded.diagnostics), statusText: '', resources: 0, files: [], stats, notices };
    }
    model = loaded.value.model;
    extra.push(...loaded.diagnostics);
  }
  const loadedConfigFile = model?.configFile;

  const fileList: string[] = [];
  const manifests = await loadManifests(options.paths, {
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
    ...(loadedConfigFile !== undefined ? { configFile: loadedConfigFile } : {}),
    ...(model ? { locateOrigin: locateIn(model.config) } : {}),
    ...(model && !options.parseAll ? { renderFrom: model } : {}),
    ...(model && !options.parseAll && options.cache !== false ? { vouched: (root: string) => runStateVouches({ configFile: model!.configFile, outDir: root, sources }) !== undefined } : {}),
    io: { cwd: context.cwd, readStdin: context.readStdin ?? (async () => Buffer.alloc(0)) },
    sources,
    stats,
    fileList,
  });
  // A shard reports the findings on its clusters' resources; the fleet is the config's clusters, else the folders read.
  const fleet = model ? model.clusters.map((c) => c.name) : [...new Set(fileList.map((f) => clusterFromPath(f)).filter((c) => c !== undefined))];
  const owns = options.shard ? shardOwner(fleet, options.shard) : undefined;
  const mine = <T extends Diagnostic>(diagnostics: readonly T[]): T[] => (owns ? diagnostics.filter((d) => owns(findingCluster(d, loadedConfigFile))) : [...diagnostics]);
  if (!manifests.ok) {
    const shown = mine(manifests.diagnostics);
    // Without every file no shard can run the cross-cluster rules: all fail, each showing its own files' problems.
    if (shown.length === 0) notices.push('meshforge: files of other shards could not be loaded: their shards report them\n');
    return { status: 'invalid-input', report: report(shown), statusText: '', resources: 0, files: fileList, stats, notices };
  }

  const rules = ruleIds.length > 0 ? RULES.filter((r) => ruleIds.includes(r.meta.id)) : RULES;
  // Schemas run unless --no-schema, or --rule narrowed the run to some policy rules.
  const validator = ruleIds.length > 0 ? null : await validatorFromFlags(options, context);
  const checked = await checkResources(manifests.value, { ...(model ? { model } : {}), rules, validator });
  const suppressedFindings = owns ? checked.suppressed.filter((s) => owns(findingCluster(s.diagnostic, loadedConfigFile))) : checked.suppressed;
  const findings = report(mine([...extra, ...manifests.diagnostics, ...checked.diagnostics]), suppressedFindings.length);
  const suppressed: PrintedSuppression[] | undefined = options.listSuppressed
    ? resolveDiagnostics(
        suppressedFindings.map((s) => s.diagnostic),
        sources,
        context.cwd,
      ).map((printed) => {
        const finding = suppressedFindings.find((s) => s.diagnostic === printed.diagnostic)!;
        return { ...printed, by: finding.by, reason: redactKeyMaterial(finding.reason) };
      })
    : undefined;

  const { errors, warnings, infos } = findings.summary;
  const counted = owns ? manifests.value.filter((r) => owns(clusterFromPath(r.location.file) ?? r.cluster)) : manifests.value;
  const clusters = new Set(counted.map((r) => r.cluster).filter((c) => c !== undefined));
  const files = new Set(counted.map((r) => r.location.file));
  let statusText = '';
  if (errors + warnings + infos === 0) {
    const shard = options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : '';
    statusText = `${counted.length} resources in ${files.size} files${clusters.size > 0 ? ` across ${clusters.size} cluster${clusters.size === 1 ? '' : 's'}` : ''}${shard}: no problems${suppressedFindings.length > 0 ? ` (${suppressedFindings.length} suppressed)` : ''}\n`;
  }
  const tooManyWarnings = errors === 0 && options.maxWarnings !== undefined && warnings > options.maxWarnings;
  if (tooManyWarnings) notices.push(`meshforge: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
  return {
    status: errors > 0 || tooManyWarnings ? 'findings' : 'ok',
    report: { ...findings, rules: LINT_REPORT_RULES, ...(suppressed ? { suppressed } : {}) },
    statusText,
    resources: counted.length,
    files: fileList,
    stats,
    notices,
  };
}

/** How much of an index its `config` field is looked for in: the writer puts it before the file list. */
const INDEX_HEAD_BYTES = 4096;

/**
 * The config a generated tree came from, when one folder is linted and its provenance index names a config that
 * exists: `lint examples/ambient/clusters` from the repository root checks against that tree's own fleet, not the
 * mesh.config.yaml that happens to sit in the caller's folder. Relative to the caller's folder.
 */
function treeConfig(paths: readonly string[], context: AppContext): string | undefined {
  if (paths.length !== 1 || paths[0] === '-') return undefined;
  const folder = resolveFrom(context, paths[0]!);
  const index = join(folder, PROVENANCE_FILE);
  let head: string;
  try {
    if (!statSync(folder).isDirectory()) return undefined;
    const fd = openSync(index, 'r');
    try {
      const buffer = Buffer.alloc(INDEX_HEAD_BYTES);
      head = buffer.subarray(0, readSync(fd, buffer, 0, INDEX_HEAD_BYTES, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const literal = /^\s*"config":\s*("(?:[^"\\\n]|\\.)*")/m.exec(head)?.[1];
  if (literal === undefined) return undefined;
  let named: unknown;
  try {
    named = JSON.parse(literal);
  } catch {
    return undefined;
  }
  if (typeof named !== 'string' || named === '') return undefined;
  const configAbs = join(folder, named);
  // The index is data from the repository: only a YAML file inside the caller's folder is taken from it.
  const shown = relative(context.cwd, configAbs);
  if (shown === '' || shown.startsWith('..') || isAbsolute(shown) || !/\.ya?ml$/.test(shown) || !existsSync(configAbs)) return undefined;
  return shown;
}
