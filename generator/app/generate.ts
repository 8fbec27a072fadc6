import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hasErrors } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { checkResources } from '../lint/resources.js';
import { planFromTree, summaryLines, type ChangePlan, type ComparedTree } from '../diff/index.js';
import { defaultLockFile, planGenerate, type GeneratePlan, type Shard } from '../pipeline/generate.js';
import { buildReport } from '../report/resolve.js';
import type { Report } from '../report/types.js';
import { createValidator, validatorOptionsFromFlags, type ValidatorFlags } from '../validate/index.js';
import { acquireOutputLock, describeHolder, type OutputLock } from '../write/lock.js';
import { compareTree, hasChanges, interruptedSwap, recoverInterruptedWrite, refuseSymlinkedPath, writeFileAtomic, writeTree, type TreeChanges } from '../write/tree.js';
import { environmentError, MeshforgeError, usageError } from '../core/errors.js';
import { resolveFrom, type AppContext } from './context.js';
import { busy, cachedOutput, openRunCache, plannedDigests, plannedFromFingerprint, recordRunState } from './generate-cache.js';
import { withPkiCoverage } from './pki-coverage.js';
import type { ServiceResult } from './result.js';

/** `meshforge generate` as options: paths as the user typed them (resolved from the context's cwd). */
export interface GenerateOptions extends ValidatorFlags {
  readonly config: string;
  readonly out: string;
  /** --check: write nothing, report drift. */
  readonly check?: boolean;
  /** Only these clusters (not with shard). */
  readonly cluster?: readonly string[];
  readonly shard?: Shard;
  readonly reclaim?: boolean;
  /** How long to wait for another run writing the same folder. */
  readonly lockTimeoutSeconds: number;
  /** False: neither read nor record the run-state cache (--no-cache). */
  readonly cache: boolean;
}

/**
 * - `written`: the tree and ledger were written or already up to date;
 * - `up-to-date` / `drift`: --check found no drift / drift;
 * - `findings`: policy or schema errors, nothing written; `invalid`: the config (or a flag) is invalid.
 */
export type GenerateOutcome = 'written' | 'up-to-date' | 'drift' | 'findings' | 'invalid';

export interface GenerateResult extends ServiceResult {
  readonly outcome: GenerateOutcome;
  /** True when the run-state cache answered: nothing was planned, read beyond the snapshot, or written. */
  readonly cached: boolean;
  /** What was written (or, with --check, what differs). Absent when the run stopped before comparing, or was cached. */
  readonly changes?: TreeChanges;
  /** What happened to mesh.lock.yaml (with --check: 'unchanged' or what a write would do). */
  readonly ledger?: 'created' | 'updated' | 'unchanged';
  /** The files the config generates in this run's scope. */
  readonly files?: number;
  /**
   * How many of them this run rendered: fewer than `files` when the run state vouched for the others' bytes on disk
   * (docs/generator.md, "Run state cache"). Absent when the run stopped before comparing, or was cached.
   */
  readonly rendered?: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The one change summary of this run (generator/diff): the lines `diff`, `check` and `pr` print for the same change,
 * computed before anything is written (the old bytes are needed to count resources).
 */
function changeSummary(plan: GeneratePlan, outDir: string, outText: string, ledgerText: string, lockBefore: string | undefined, changes: ComparedTree): ChangePlan {
  return planFromTree({ outAbs: outDir, changes, files: plan.files, outDir: outText, clusterNames: plan.model.clusters.map((c) => c.name), ledger: { path: ledgerText, before: lockBefore, after: plan.lock.content }, patches: false });
}

/** "up to date" for each cluster of the run that nothing changes, then the summary lines (`changed` undefined: nothing changes). */
function summary(plan: GeneratePlan, changed: ChangePlan | undefined): string {
  const touched = new Set(changed?.clusters.map((c) => c.cluster));
  const filesPerCluster = new Map<string, number>();
  for (const f of plan.files) if (f.cluster !== undefined) filesPerCluster.set(f.cluster, (filesPerCluster.get(f.cluster) ?? 0) + 1);
  let out = '';
  for (const name of plan.model.clusters.map((c) => c.name)) {
    const total = filesPerCluster.get(name);
    if (total !== undefined && !touched.has(name)) out += `  ${name}: up to date (${plural(total, 'file')})\n`;
  }
  for (const line of changed ? summaryLines(changed) : []) out += `  ${line}\n`;
  return out;
}

/** What a run prints after its report, from the header to the list of kept foreign files. */
function writeStatus(plan: GeneratePlan, changes: TreeChanges, changed: ChangePlan | undefined, header: string, lockLine: string, outDir: string): string {
  let out = header + summary(plan, changed) + lockLine;
  const foreign = changes.foreign;
  if (foreign.length > 0) {
    out += `  kept ${plural(foreign.length, 'file')} meshforge did not generate: ${foreign.slice(0, 10).map((p) => join(outDir, p)).join(', ')}${foreign.length > 10 ? ', …' : ''}\n`;
  }
  return out;
}

const ERRNO_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied (the folder is not writable)',
  EPERM: 'operation not permitted (the folder is read-only or immutable)',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device (the disk is full)',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path on the way is a file, not a folder',
  EISDIR: 'a folder stands where a file must go',
  EMFILE: 'too many open files',
  EIO: 'input/output error on the device',
};

/**
 * Maps a failed write or read of the tree to an environment error (exit 3) that says what happened (never a stack
 * trace). `committed`: the failure came after the write's journal, so the next run finishes the swap instead.
 */
export function writeFailure(error: unknown, what: string, committed = false): MeshforgeError {
  if (error instanceof MeshforgeError) return error;
  const err = error as NodeJS.ErrnoException;
  const reason = (err.code !== undefined ? ERRNO_REASONS[err.code] : undefined) ?? err.message ?? String(error);
  const hint = committed
    ? 'Fix the cause and run meshforge generate again: it finishes the interrupted write (tree and ledger together); until then other commands refuse the half-written folder.'
    : 'Check that the folder exists, is writable and that the disk has room; nothing was half-written (the old tree is kept).';
  return environmentError(`cannot ${what}: ${reason}${err.path ? ` (${err.path})` : ''}`, hint);
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readBytesIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A report as recorded by this build (the state file is only read back by the build that fingerprinted it). */
function isReport(value: object): value is Report {
  const v = value as Partial<Report>;
  return Array.isArray(v.diagnostics) && typeof v.summary === 'object' && typeof v.command === 'string';
}

/**
 * `meshforge generate` without the CLI: plans the tree and the VIP ledger from the config, runs the policies and
 * schemas on what was rendered, and writes both under the output lock (or, with `check`, compares them). A no-op run
 * whose inputs and output folder match the run-state cache returns what the last up-to-date run returned.
 * Failures to read or write the tree are thrown as environment errors (exit 3).
 */
export async function runGenerate(options: GenerateOptions, context: AppContext): Promise<GenerateResult> {
  const clusters = options.cluster ?? [];
  if (options.shard && clusters.length > 0) throw usageError('--shard and --cluster cannot be combined', 'Use --shard i/n in a CI matrix, or name the clusters with --cluster.');
  // Paths as the user typed them, for the status text; absolute ones (from the caller's folder) for the work.
  const outText = options.out.replace(/[\\/]+$/, '') || '.';
  const outDir = resolveFrom(context, outText);
  const configFile = resolveFrom(context, options.config);
  const ledgerText = defaultLockFile(options.config);
  const ledgerFile = defaultLockFile(configFile);
  const report = (diagnostics: readonly Diagnostic[], sources: SourceRegistry, suppressed = 0) => buildReport('generate', diagnostics, sources, suppressed, context.cwd);
  const ledgerBytes = readBytesIfExists(ledgerFile);
  const ledgerRead = ledgerBytes?.toString('utf8');
  // The run-state cache: a run whose inputs and output folder are as the last up-to-date run left them returns what
  // that run returned and stops (docs/generator.md, "Run state cache").
  const cacheFlags = { ...options, cluster: clusters, kubeconform: options.kubeconform !== undefined ? resolveFrom(context, options.kubeconform) : undefined };
  const cache = options.cache ? openRunCache(cacheFlags, { configFile, outDir, cwd: context.cwd }, ledgerBytes, context.env) : undefined;
  const recorded = cache ? cachedOutput(cache, outDir, options.check ? 'check' : 'write') : undefined;
  if (recorded && isReport(recorded.report)) return { status: 'ok', outcome: options.check ? 'up-to-date' : 'written', cached: true, report: recorded.report, statusText: recorded.status };

  const planOptions = { configFile, outDir, ...(clusters.length > 0 ? { clusters } : {}), ...(options.shard ? { shard: options.shard } : {}), reclaim: options.reclaim ?? false };
  const sources = new SourceRegistry();
  let planned = withPkiCoverage(planGenerate(planOptions, sources), context);
  if (!planned.ok || hasErrors(planned.diagnostics)) return { status: 'invalid-input', outcome: 'invalid', cached: false, report: report(planned.diagnostics, sources), statusText: '' };
  let plan = planned.value;

  // Policies and manifest schemas run on what was rendered, before anything is written (--check is drift only).
  // One report per run: the config's warnings and the findings together, so machine formats stay one document.
  const validatorOptions = validatorOptionsFromFlags(cacheFlags, context.env);
  const nothingWritten = 'meshforge: nothing was written: fix the findings above (or record an exception in policies.exceptions).\n';
  const runChecks = async (candidate: GeneratePlan, candidateSources: SourceRegistry): Promise<{ report: Report; failed: boolean }> => {
    const checks = await checkResources(candidate.files.flatMap((f) => f.resources), { model: candidate.model, validator: validatorOptions ? await createValidator(validatorOptions) : null });
    const found = [...candidate.diagnostics, ...checks.diagnostics];
    return { report: report(found, candidateSources, checks.suppressed.length), failed: hasErrors(found) };
  };
  let printed: Report;
  if (options.check) printed = report(planned.diagnostics, sources);
  else {
    const checked = await runChecks(plan, sources);
    if (checked.failed) return { status: 'findings', outcome: 'findings', cached: false, report: checked.report, statusText: nothingWritten };
    printed = checked.report;
  }

  const scopeOf = (p: GeneratePlan) => (p.scope ? { clusters: p.scope } : {});
  let lockBefore = readIfExists(plan.lock.path);
  let lockChanged = lockBefore !== plan.lock.content;
  const ledgerState = (): 'created' | 'updated' | 'unchanged' => (lockChanged ? (lockBefore === undefined ? 'created' : 'updated') : 'unchanged');
  const upToDateText = (p: GeneratePlan) => `${outText}/ and ${ledgerText} are up to date with ${options.config} (${plural(p.files.length, 'file')})\n`;
  const shown = (path: string) => join(outText, path);

  if (options.check) {
    let changes: TreeChanges;
    const digests = plannedDigests(cache, outDir, plan);
    try {
      changes = compareTree(outDir, plan.files, { ...scopeOf(plan), display: outText, trusted: digests.trusted, contentSha256: digests.contentSha256 });
    } catch (error) {
      throw writeFailure(error, `read ${outText}`);
    }
    const drift = hasChanges(changes) || lockChanged;
    if (!drift) {
      // Recorded only when no writer holds the folder: what was compared is then what the snapshot sees.
      if (cache && lockBefore === ledgerRead && plannedFromFingerprint(cache, plan) && !busy(outDir)) recordRunState(cache, outDir, plan, digests, { check: { report: printed, status: upToDateText(plan) } }, () => busy(outDir));
      return { status: 'ok', outcome: 'up-to-date', cached: false, report: printed, statusText: upToDateText(plan), changes, ledger: 'unchanged', files: plan.files.length, rendered: plan.rendered() };
    }
    let status = `${outText}/ is out of date with ${options.config}:\n`;
    for (const p of changes.changed) status += `  changed   ${shown(p)}\n`;
    for (const p of changes.added) status += `  missing   ${shown(p)}\n`;
    for (const p of changes.removed) status += `  stale     ${shown(p)}\n`;
    for (const p of changes.conflicts) status += `  in the way ${shown(p)} (not generated by meshforge)\n`;
    if (lockChanged) status += `  ${lockBefore === undefined ? 'missing' : 'changed'}   ${ledgerText}\n`;
    status += summary(plan, changeSummary(plan, outDir, outText, ledgerText, lockBefore, changes));
    status += 'Run `meshforge generate` and commit the result.\n';
    return { status: 'findings', outcome: 'drift', cached: false, report: printed, statusText: status, changes, ledger: ledgerState(), files: plan.files.length, rendered: plan.rendered() };
  }

  // One writer per output folder (and its ledger): wait for a live run, clear a dead one's lock.
  let outputLock: OutputLock;
  try {
    // Never through a symlink: not even the folders on the way are created through one.
    refuseSymlinkedPath(context.cwd, outText, outText);
    mkdirSync(dirname(outDir), { recursive: true });
    outputLock = await acquireOutputLock(outDir, {
      timeoutMs: options.lockTimeoutSeconds * 1000,
      display: outText,
      onWait: (holder) => context.progress?.(`meshforge: waiting up to ${options.lockTimeoutSeconds}s for another run (${describeHolder(holder)}) writing ${outText}\n`),
    });
  } catch (error) {
    throw writeFailure(error, `lock ${outText}`);
  }
  let changes: TreeChanges;
  let changeSummaryPlan: ChangePlan | undefined;
  let replanned = false;
  const scoped = () => (options.shard ? ` (shard ${options.shard.index}/${options.shard.count}: ${plan.scope?.length ? plan.scope.join(', ') : 'no clusters'})` : clusters.length > 0 ? ` (clusters: ${clusters.join(', ')})` : '');
  const header = () => `meshforge generate: ${outText}/ from ${options.config}${scoped()}\n`;
  try {
    // A run killed between its swap and its ledger write left the ledger that goes with the tree: written now, so
    // the tree and the ledger change together (and this run plans again from it, below).
    recoverInterruptedWrite(outDir, ledgerFile);
    // A run that held the lock meanwhile may have moved the ledger on: plan again from what is there now.
    if (readIfExists(ledgerFile) !== ledgerRead) {
      replanned = true;
      const replanSources = new SourceRegistry();
      planned = planGenerate(planOptions, replanSources);
      if (!planned.ok) return { status: 'invalid-input', outcome: 'invalid', cached: false, report: report(planned.diagnostics, replanSources), statusText: '' };
      plan = planned.value;
      const checked = await runChecks(plan, replanSources);
      if (checked.failed) return { status: 'findings', outcome: 'findings', cached: false, report: checked.report, statusText: nothingWritten };
      lockBefore = readIfExists(plan.lock.path);
      lockChanged = lockBefore !== plan.lock.content;
    }
    // Counted before the write (the old bytes go with it), under the lock so it is what the write changes.
    const finalPlan = plan;
    const digests = plannedDigests(cache, outDir, plan);
    changes = writeTree(outDir, plan.files, {
      ...scopeOf(plan),
      display: outText,
      trusted: digests.trusted,
      contentSha256: digests.contentSha256,
      ledger: { path: plan.lock.path, content: plan.lock.content },
      onPlanned: (compared) => {
        changeSummaryPlan = changeSummary(finalPlan, outDir, outText, ledgerText, lockBefore, compared);
      },
    });
    digests.dropTable();
    // When the tree did not change the writer wrote no ledger: it is written here (nothing is written when equal).
    writeFileAtomic(plan.lock.path, plan.lock.content, ledgerText);
    // Snapshot after the writer is done (its hard links and the parked tree's deletion move ctimes) and before the
    // lock is released, so no other meshforge run can change the tree in between. Recorded only when the next
    // run would print what a no-op prints from this very plan: same ledger in and out (its diagnostics depend on
    // the ledger it reads) and, for shard 1, no pruned orphan folder (it is named in the shard's header line).
    const names = new Set(plan.model.clusters.map((c) => c.name));
    const orphans = (plan.scope ?? []).some((c) => !names.has(c));
    // Not while a PKI warning stands: the cache does not fingerprint the CA folders, and `certs init` must end it.
    const pkiWarned = plan.diagnostics.some((d) => d.rule === 'pki-cluster-uninitialized');
    const replayable = !replanned && !lockChanged && !pkiWarned && lockBefore === ledgerRead && (!hasChanges(changes) || !orphans);
    if (cache) {
      const noop: TreeChanges = { added: [], changed: [], removed: [], unchanged: 0, foreign: changes.foreign, conflicts: [] };
      // The file table is recorded after every write: it vouches for files by their own inputs and stat, whatever
      // the config and ledger were. The outputs only when a no-op could print them (and the config is the hashed one).
      const outputs = replayable && plannedFromFingerprint(cache, plan)
        ? {
            write: { report: printed, status: writeStatus(plan, noop, undefined, header(), `  ${ledgerText}: unchanged\n`, outText) },
            check: { report: report(plan.diagnostics, plan.sources), status: upToDateText(plan) },
          }
        : undefined;
      recordRunState(cache, outDir, plan, digests, outputs);
    }
  } catch (error) {
    throw writeFailure(error, `write ${outText}`, interruptedSwap(outDir));
  } finally {
    outputLock.release();
  }
  const ledger = ledgerState();
  return {
    status: 'ok',
    outcome: 'written',
    cached: false,
    report: printed,
    statusText: writeStatus(plan, changes, changeSummaryPlan?.hasChanges ? changeSummaryPlan : undefined, header(), `  ${ledgerText}: ${ledger}\n`, outText),
    changes,
    ledger,
    files: plan.files.length,
    rendered: plan.rendered(),
  };
}
