import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { checkResources } from '../../lint/resources.js';
import { DEFAULT_CONFIG_FILE } from '../../model/load.js';
import { hasErrors } from '../../diagnostics/result.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import { defaultLockFile, planGenerate, type GeneratePlan, type Shard } from '../../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../../render/render.js';
import { buildReport } from '../../report/resolve.js';
import type { Report } from '../../report/types.js';
import { addValidatorOptions } from '../validator-options.js';
import { createValidator, validatorOptionsFromFlags, type ValidatorFlags } from '../../validate/index.js';
import { acquireOutputLock, describeHolder, type OutputLock } from '../../write/lock.js';
import { PROVENANCE_FILE } from '../../manifest/vocabulary.js';
import { compareTree, hasChanges, writeFileAtomic, writeTree, type TreeChanges } from '../../write/tree.js';
import { environmentError, MeshforgeError, usageError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import type { CommandContext } from '../context.js';
import type { OutputStream } from '../io.js';
import { formatOption, printReport, replay, shardOption, statusStream } from '../output.js';
import { busy, cachedOutput, openRunCache, plannedFromFingerprint, recordRunState } from '../../app/generate-cache.js';

interface GenerateFlags extends ValidatorFlags {
  config: string;
  out: string;
  check?: boolean;
  cluster: string[];
  reclaim?: boolean;
  format: string;
  lockTimeout: number;
  shard?: Shard;
  /** false with --no-cache. */
  cache: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}


/** Per cluster: files and resources added, changed, removed. */
function printSummary(out: OutputStream, plan: GeneratePlan, changes: TreeChanges, verb: { added: string; changed: string; removed: string }): void {
  const byPath = new Map(plan.files.map((f) => [f.path, f]));
  const clusterNames = new Set(plan.model.clusters.map((c) => c.name));
  const filesPerCluster = new Map<string, number>();
  // Counted by folder, like the changes below: fleet-wide files (_argocd/) belong to no cluster's folder.
  const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : '');
  for (const f of plan.files) if (clusterNames.has(folderOf(f.path))) filesPerCluster.set(folderOf(f.path), (filesPerCluster.get(folderOf(f.path)) ?? 0) + 1);
  const groups = new Map<string, { added: number; changed: number; removed: number; rAdded: number; rChanged: number; rRemoved: number }>();
  const group = (path: string) => {
    const first = folderOf(path);
    const key = clusterNames.has(first) ? first : '(top level)';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { added: 0, changed: 0, removed: 0, rAdded: 0, rChanged: 0, rRemoved: 0 }));
    return g;
  };
  for (const p of changes.added) {
    const g = group(p);
    g.added++;
    g.rAdded += byPath.get(p)?.resources.length ?? 0;
  }
  for (const p of changes.changed) {
    const g = group(p);
    g.changed++;
    g.rChanged += byPath.get(p)?.resources.length ?? 0;
  }
  for (const p of changes.removed) {
    const g = group(p);
    g.removed++;
    g.rRemoved += changes.removedResources?.[p] ?? 0;
  }
  const clusters = plan.model.clusters.map((c) => c.name).filter((name) => filesPerCluster.has(name));
  for (const name of clusters) {
    const g = groups.get(name);
    const total = filesPerCluster.get(name) ?? 0;
    if (!g) {
      out.write(`  ${name}: up to date (${plural(total, 'file')})\n`);
      continue;
    }
    out.write(
      `  ${name}: files ${g.added} ${verb.added}, ${g.changed} ${verb.changed}, ${g.removed} ${verb.removed}; resources ${g.rAdded} ${verb.added}, ${g.rChanged} ${verb.changed}, ${g.rRemoved} ${verb.removed} (${plural(total, 'file')} in all)\n`,
    );
  }
  const top = groups.get('(top level)');
  if (top) out.write(`  ${PROVENANCE_FILE} and other files outside cluster folders: ${top.added} ${verb.added}, ${top.changed} ${verb.changed}, ${top.removed} ${verb.removed}\n`);
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

/** Maps a failed write or read of the tree to exit 3 with a message that says what happened (never a stack trace). */
export function writeFailure(error: unknown, what: string): MeshforgeError {
  if (error instanceof MeshforgeError) return error;
  const err = error as NodeJS.ErrnoException;
  const reason = (err.code !== undefined ? ERRNO_REASONS[err.code] : undefined) ?? err.message ?? String(error);
  return environmentError(`cannot ${what}: ${reason}${err.path ? ` (${err.path})` : ''}`, 'Check that the folder exists, is writable and that the disk has room; nothing was half-written (the old tree is kept).');
}

function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('expected a number of seconds (0 or more).');
  return Number(value);
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

/** What a run prints after its report, from the header to the list of kept foreign files. */
function writeStatus(out: OutputStream, plan: GeneratePlan, changes: TreeChanges, header: string, lockLine: string, outDir: string): void {
  out.write(header);
  printSummary(out, plan, changes, { added: 'added', changed: 'changed', removed: 'removed' });
  out.write(lockLine);
  const foreign = changes.foreign;
  if (foreign.length > 0) {
    out.write(`  kept ${plural(foreign.length, 'file')} meshforge did not generate: ${foreign.slice(0, 10).map((p) => join(outDir, p)).join(', ')}${foreign.length > 10 ? ', …' : ''}\n`);
  }
}

function collector(): OutputStream & { text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

export function registerGenerate(program: Command, ctx: CommandContext): void {
  addValidatorOptions(
    program
      .command('generate')
      .description("write every cluster's Istio configuration (clusters/<name>/) and the VIP ledger from mesh.config.yaml")
      .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
      .option('-o, --out <dir>', 'the output folder', `${DEFAULT_OUT_DIR}/`)
      .option('--check', 'write nothing; list files that differ from what the config generates and exit 1 if any do')
      .option('--cluster <name>', 'only this cluster (repeatable); other clusters\' folders are left as they are', collect, [])
      .addOption(shardOption('only shard i of n: the clusters sorted by name and dealt round-robin (for a CI matrix; not with --cluster)'))
      .option('--reclaim', 'hand VIPs freed by removed hosts to new hosts (by default they stay reserved)')
      .option('--lock-timeout <seconds>', 'wait this long for another run writing the same folder to finish', parseSeconds, 30)
      .option('--no-cache', 'neither read nor record the run-state cache (.meshforge/state/ beside the config) that lets a no-op run skip the work')
      .addOption(formatOption()),
  )
    .addHelpText(
      'after',
      `
Policy rules and schema validation run on the rendered files before anything is written; an error finding exits 1
and writes nothing (--no-schema skips schemas; policies.exceptions in the config records accepted findings).
The VIP ledger is written to mesh.lock.yaml beside the config: commit it with the tree.
The output folder is replaced atomically; files meshforge did not generate are kept and listed.
One run at a time writes a folder: the lock file .<out>.meshforge-lock beside it names the run holding it; a run
waits up to --lock-timeout for it, and clears a lock left by a run that no longer exists.

Exit codes: 0 written (or up to date with --check), 1 --check found drift, 2 invalid config or flags (nothing written),
3 the tree could not be written (permissions, a full or read-only disk, a foreign file in the way, a symlink, the
output lock held past --lock-timeout).

A run that leaves the tree up to date (a write or a no-op) records its inputs' fingerprint and a stat snapshot of the output folder in
.meshforge/state/ beside the config (git-ignored). The next run with the same config, ledger, flags and meshforge
build, on an output folder that still matches the snapshot, prints the same output without planning anything.
--no-cache turns this off; any doubt (an edited or too-recent file, a held lock) makes a run do the full work.`,
    )
    .action(async (flags: GenerateFlags) => {
      if (flags.shard && flags.cluster.length > 0) throw usageError('--shard and --cluster cannot be combined', 'Use --shard i/n in a CI matrix, or name the clusters with --cluster.');
      const sources = new SourceRegistry();
      const outDir = flags.out.replace(/[\\/]+$/, '') || '.';
      const ledgerFile = defaultLockFile(flags.config);
      const ledgerBytes = readBytesIfExists(ledgerFile);
      const ledgerRead = ledgerBytes?.toString('utf8');
      // The run-state cache: a run whose inputs and output folder are as the last up-to-date run left them prints
      // what that run printed and stops (docs/generator.md, "Run state cache").
      const cache = flags.cache ? openRunCache(flags, outDir, ledgerBytes, ctx.io.env) : undefined;
      const recorded = cache ? cachedOutput(cache, outDir, flags.check ? 'check' : 'write') : undefined;
      if (recorded && replay(ctx.io, flags.format, recorded)) {
        ctx.exitCode = EXIT.ok;
        return;
      }
      const planOptions = { configFile: flags.config, outDir, ...(flags.cluster.length > 0 ? { clusters: flags.cluster } : {}), ...(flags.shard ? { shard: flags.shard } : {}), reclaim: flags.reclaim ?? false };
      let planned = planGenerate(planOptions, sources);
      if (!planned.ok || hasErrors(planned.diagnostics)) {
        printReport(ctx.io, 'generate', flags.format, planned.diagnostics, sources);
        ctx.exitCode = EXIT.invalid;
        return;
      }
      let plan = planned.value;
      // Policies and manifest schemas run on what was rendered, before anything is written (--check is drift only).
      // One report per run: the config's warnings and the findings together, so machine formats stay one document.
      const validatorOptions = validatorOptionsFromFlags(flags, ctx.io.env);
      let printed: Report | undefined;
      const passesChecks = async (candidate: GeneratePlan, candidateSources: SourceRegistry, report: 'always' | 'on-error'): Promise<boolean> => {
        const checks = await checkResources(
          candidate.files.flatMap((f) => f.resources),
          { model: candidate.model, validator: validatorOptions ? await createValidator(validatorOptions) : null },
        );
        const found = [...candidate.diagnostics, ...checks.diagnostics];
        const failed = hasErrors(found);
        if (report === 'always' || failed) printed = printReport(ctx.io, 'generate', flags.format, found, candidateSources, checks.suppressed.length);
        if (!failed) return true;
        statusStream(ctx.io, flags.format).write('meshforge: nothing was written: fix the findings above (or record an exception in policies.exceptions).\n');
        ctx.exitCode = EXIT.findings;
        return false;
      };
      if (flags.check) printed = printReport(ctx.io, 'generate', flags.format, planned.diagnostics, sources);
      else if (!(await passesChecks(plan, sources, 'always'))) return;

      const status = statusStream(ctx.io, flags.format);
      const scopeOf = (p: GeneratePlan) => (p.scope ? { clusters: p.scope } : {});
      const scope = scopeOf(plan);
      let lockBefore = existsSync(plan.lock.path) ? readFileSync(plan.lock.path, 'utf8') : undefined;
      let lockChanged = lockBefore !== plan.lock.content;
      const upToDateText = (p: GeneratePlan) => `${outDir}/ and ${p.lock.path} are up to date with ${flags.config} (${plural(p.files.length, 'file')})\n`;

      if (flags.check) {
        let changes: TreeChanges;
        try {
          changes = compareTree(outDir, plan.files, scope);
        } catch (error) {
          throw writeFailure(error, `read ${outDir}`);
        }
        const drift = hasChanges(changes) || lockChanged;
        if (!drift) {
          status.write(upToDateText(plan));
          // Recorded only when no writer holds the folder: what was compared is then what the snapshot sees.
          if (cache && printed && lockBefore === ledgerRead && plannedFromFingerprint(cache, plan, flags.config) && !busy(outDir)) recordRunState(cache, outDir, plan.files, { check: { report: printed, status: upToDateText(plan) } }, () => busy(outDir));
          ctx.exitCode = EXIT.ok;
          return;
        }
        status.write(`${outDir}/ is out of date with ${flags.config}:\n`);
        for (const p of changes.changed) status.write(`  changed   ${join(outDir, p)}\n`);
        for (const p of changes.added) status.write(`  missing   ${join(outDir, p)}\n`);
        for (const p of changes.removed) status.write(`  stale     ${join(outDir, p)}\n`);
        for (const p of changes.conflicts) status.write(`  in the way ${join(outDir, p)} (not generated by meshforge)\n`);
        if (lockChanged) status.write(`  ${lockBefore === undefined ? 'missing' : 'changed'}   ${plan.lock.path}\n`);
        printSummary(status, plan, changes, { added: 'to add', changed: 'to change', removed: 'to remove' });
        status.write('Run `meshforge generate` and commit the result.\n');
        ctx.exitCode = EXIT.findings;
        return;
      }

      // One writer per output folder (and its ledger): wait for a live run, clear a dead one's lock.
      let outputLock: OutputLock;
      try {
        mkdirSync(dirname(resolve(outDir)), { recursive: true });
        outputLock = await acquireOutputLock(outDir, {
          timeoutMs: flags.lockTimeout * 1000,
          onWait: (holder) => status.write(`meshforge: waiting up to ${flags.lockTimeout}s for another run (${describeHolder(holder)}) writing ${outDir}\n`),
        });
      } catch (error) {
        throw writeFailure(error, `lock ${outDir}`);
      }
      let changes: TreeChanges;
      let replanned = false;
      const scoped = () => (flags.shard ? ` (shard ${flags.shard.index}/${flags.shard.count}: ${plan.scope?.length ? plan.scope.join(', ') : 'no clusters'})` : flags.cluster.length > 0 ? ` (clusters: ${flags.cluster.join(', ')})` : '');
      try {
        // A run that held the lock meanwhile may have moved the ledger on: plan again from what is there now.
        if (readIfExists(ledgerFile) !== ledgerRead) {
          replanned = true;
          const replanSources = new SourceRegistry();
          planned = planGenerate(planOptions, replanSources);
          if (!planned.ok) {
            printReport(ctx.io, 'generate', flags.format, planned.diagnostics, replanSources);
            ctx.exitCode = EXIT.invalid;
            return;
          }
          plan = planned.value;
          if (!(await passesChecks(plan, replanSources, 'on-error'))) return;
          lockBefore = readIfExists(plan.lock.path);
          lockChanged = lockBefore !== plan.lock.content;
        }
        changes = writeTree(outDir, plan.files, scopeOf(plan));
        writeFileAtomic(plan.lock.path, plan.lock.content);
        // Snapshot after the writer is done (its hard links and the parked tree's deletion move ctimes) and before the
        // lock is released, so no other meshforge run can change the tree in between. Recorded only when the next
        // run would print what a no-op prints from this very plan: same ledger in and out (its diagnostics depend on
        // the ledger it reads) and, for shard 1, no pruned orphan folder (it is named in the shard's header line).
        const names = new Set(plan.model.clusters.map((c) => c.name));
        const orphans = (plan.scope ?? []).some((c) => !names.has(c));
        if (cache && printed && !replanned && !lockChanged && lockBefore === ledgerRead && plannedFromFingerprint(cache, plan, flags.config) && (!hasChanges(changes) || !orphans)) {
          const noop: TreeChanges = { added: [], changed: [], removed: [], unchanged: 0, foreign: changes.foreign, conflicts: [] };
          const status = collector();
          writeStatus(status, plan, noop, `meshforge generate: ${outDir}/ from ${flags.config}${scoped()}\n`, `  ${plan.lock.path}: unchanged\n`, outDir);
          recordRunState(cache, outDir, plan.files, {
            write: { report: printed, status: status.text },
            check: { report: buildReport('generate', plan.diagnostics, plan.sources), status: upToDateText(plan) },
          });
        }
      } catch (error) {
        throw writeFailure(error, `write ${outDir}`);
      } finally {
        outputLock.release();
      }
      writeStatus(status, plan, changes, `meshforge generate: ${outDir}/ from ${flags.config}${scoped()}\n`, `  ${plan.lock.path}: ${lockChanged ? (lockBefore === undefined ? 'created' : 'updated') : 'unchanged'}\n`, outDir);
      ctx.exitCode = EXIT.ok;
    });
}
