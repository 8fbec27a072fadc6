import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { checkResources } from '../../check/resources.js';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import { hasErrors } from '../../diagnostics/result.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import { defaultLockFile, parseShard, planGenerate, type GeneratePlan, type Shard } from '../../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../../render/render.js';
import { addValidatorOptions, createValidator, validatorOptionsFromFlags, type ValidatorFlags } from '../../validate/index.js';
import { acquireOutputLock, describeHolder, LockError, type OutputLock } from '../../write/lock.js';
import { parseProvenance, PROVENANCE_FILE, type ProvenanceIndex } from '../../write/provenance.js';
import { compareTree, hasChanges, TreeError, writeFileAtomic, writeTree, type TreeChanges } from '../../write/tree.js';
import { CliError, EXIT, environmentError, usageError } from '../exit.js';
import type { CommandContext } from '../context.js';
import type { OutputStream } from '../io.js';
import { formatOption, printReport, statusStream } from '../output.js';

interface GenerateFlags extends ValidatorFlags {
  config: string;
  out: string;
  check?: boolean;
  cluster: string[];
  reclaim?: boolean;
  format: string;
  lockTimeout: number;
  shard?: Shard;
}

function shardOption(value: string): Shard {
  const shard = parseShard(value);
  if (!shard) throw new InvalidArgumentError('expected i/n with 1 <= i <= n, e.g. 2/8.');
  return shard;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The previous index, parsed only if a summary asks (for removed files). At 200,000 files the index is 120 MB of
 * JSON: parsing it costs seconds and hundreds of MB, and a run that removes nothing never needs it.
 */
function readIndex(outDir: string): LazyIndex {
  const file = join(outDir, PROVENANCE_FILE);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  let parsed: ProvenanceIndex | undefined;
  return () => (text === undefined ? undefined : (parsed ??= parseProvenance(text)));
}

type LazyIndex = () => ProvenanceIndex | undefined;

/** Per cluster: files and resources added, changed, removed. */
function printSummary(out: OutputStream, plan: GeneratePlan, changes: TreeChanges, previousIndex: LazyIndex, verb: { added: string; changed: string; removed: string }): void {
  const byPath = new Map(plan.files.map((f) => [f.path, f]));
  const previous = changes.removed.length > 0 ? previousIndex() : undefined;
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
    g.rRemoved += previous?.files[p]?.resources.length ?? 0;
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
export function writeFailure(error: unknown, what: string): CliError {
  if (error instanceof TreeError || error instanceof LockError) return new CliError(EXIT.environment, error.message, error.hint);
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

export function registerGenerate(program: Command, ctx: CommandContext): void {
  addValidatorOptions(
    program
      .command('generate')
      .description("write every cluster's Istio configuration (clusters/<name>/) and the VIP ledger from mesh.config.yaml")
      .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
      .option('-o, --out <dir>', 'the output folder', `${DEFAULT_OUT_DIR}/`)
      .option('--check', 'write nothing; list files that differ from what the config generates and exit 1 if any do')
      .option('--cluster <name>', 'only this cluster (repeatable); other clusters\' folders are left as they are', collect, [])
      .option('--shard <i/n>', 'only shard i of n: the clusters sorted by name and dealt round-robin (for a CI matrix; not with --cluster)', shardOption)
      .option('--reclaim', 'hand VIPs freed by removed hosts to new hosts (by default they stay reserved)')
      .option('--lock-timeout <seconds>', 'wait this long for another run writing the same folder to finish', parseSeconds, 30)
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
output lock held past --lock-timeout).`,
    )
    .action(async (flags: GenerateFlags) => {
      if (flags.shard && flags.cluster.length > 0) throw usageError('--shard and --cluster cannot be combined', 'Use --shard i/n in a CI matrix, or name the clusters with --cluster.');
      const sources = new SourceRegistry();
      const outDir = flags.out.replace(/[\\/]+$/, '') || '.';
      const ledgerFile = defaultLockFile(flags.config);
      const ledgerRead = readIfExists(ledgerFile);
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
      const passesChecks = async (candidate: GeneratePlan, candidateSources: SourceRegistry, report: 'always' | 'on-error'): Promise<boolean> => {
        const checks = await checkResources(
          candidate.files.flatMap((f) => f.resources),
          { model: candidate.model, validator: validatorOptions ? await createValidator(validatorOptions) : null },
        );
        const found = [...candidate.diagnostics, ...checks.diagnostics];
        const failed = hasErrors(found);
        if (report === 'always' || failed) printReport(ctx.io, 'generate', flags.format, found, candidateSources, checks.suppressed.length);
        if (!failed) return true;
        statusStream(ctx.io, flags.format).write('meshforge: nothing was written: fix the findings above (or record an exception in policies.exceptions).\n');
        ctx.exitCode = EXIT.findings;
        return false;
      };
      if (flags.check) printReport(ctx.io, 'generate', flags.format, planned.diagnostics, sources);
      else if (!(await passesChecks(plan, sources, 'always'))) return;

      const status = statusStream(ctx.io, flags.format);
      const scopeOf = (p: GeneratePlan) => (p.scope ? { clusters: p.scope } : {});
      const scope = scopeOf(plan);
      let previous: LazyIndex;
      try {
        previous = readIndex(outDir);
      } catch (error) {
        throw writeFailure(error, `read ${outDir}`);
      }
      let lockBefore = existsSync(plan.lock.path) ? readFileSync(plan.lock.path, 'utf8') : undefined;
      let lockChanged = lockBefore !== plan.lock.content;

      if (flags.check) {
        let changes: TreeChanges;
        try {
          changes = compareTree(outDir, plan.files, scope);
        } catch (error) {
          throw writeFailure(error, `read ${outDir}`);
        }
        const drift = hasChanges(changes) || lockChanged;
        if (!drift) {
          status.write(`${outDir}/ and ${plan.lock.path} are up to date with ${flags.config} (${plural(plan.files.length, 'file')})\n`);
          ctx.exitCode = EXIT.ok;
          return;
        }
        status.write(`${outDir}/ is out of date with ${flags.config}:\n`);
        for (const p of changes.changed) status.write(`  changed   ${join(outDir, p)}\n`);
        for (const p of changes.added) status.write(`  missing   ${join(outDir, p)}\n`);
        for (const p of changes.removed) status.write(`  stale     ${join(outDir, p)}\n`);
        for (const p of changes.conflicts) status.write(`  in the way ${join(outDir, p)} (not generated by meshforge)\n`);
        if (lockChanged) status.write(`  ${lockBefore === undefined ? 'missing' : 'changed'}   ${plan.lock.path}\n`);
        printSummary(status, plan, changes, previous, { added: 'to add', changed: 'to change', removed: 'to remove' });
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
      try {
        // A run that held the lock meanwhile may have moved the ledger on: plan again from what is there now.
        if (readIfExists(ledgerFile) !== ledgerRead) {
          const replanSources = new SourceRegistry();
          planned = planGenerate(planOptions, replanSources);
          if (!planned.ok) {
            printReport(ctx.io, 'generate', flags.format, planned.diagnostics, replanSources);
            ctx.exitCode = EXIT.invalid;
            return;
          }
          plan = planned.value;
          if (!(await passesChecks(plan, replanSources, 'on-error'))) return;
          previous = readIndex(outDir);
          lockBefore = readIfExists(plan.lock.path);
          lockChanged = lockBefore !== plan.lock.content;
        }
        changes = writeTree(outDir, plan.files, scopeOf(plan));
        writeFileAtomic(plan.lock.path, plan.lock.content);
      } catch (error) {
        throw writeFailure(error, `write ${outDir}`);
      } finally {
        outputLock.release();
      }
      const scoped = flags.shard ? ` (shard ${flags.shard.index}/${flags.shard.count}: ${plan.scope?.length ? plan.scope.join(', ') : 'no clusters'})` : flags.cluster.length > 0 ? ` (clusters: ${flags.cluster.join(', ')})` : '';
      status.write(`meshforge generate: ${outDir}/ from ${flags.config}${scoped}\n`);
      printSummary(status, plan, changes, previous, { added: 'added', changed: 'changed', removed: 'removed' });
      status.write(`  ${plan.lock.path}: ${lockChanged ? (lockBefore === undefined ? 'created' : 'updated') : 'unchanged'}\n`);
      const foreign = changes.foreign;
      if (foreign.length > 0) {
        status.write(`  kept ${plural(foreign.length, 'file')} meshforge did not generate: ${foreign.slice(0, 10).map((p) => join(outDir, p)).join(', ')}${foreign.length > 10 ? ', …' : ''}\n`);
      }
      ctx.exitCode = EXIT.ok;
    });
}
