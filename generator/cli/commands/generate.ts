import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import { planGenerate, type GeneratePlan } from '../../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../../render/render.js';
import { parseProvenance, PROVENANCE_FILE, type ProvenanceIndex } from '../../write/provenance.js';
import { compareTree, hasChanges, TreeError, writeFileAtomic, writeTree, type TreeChanges } from '../../write/tree.js';
import { CliError, EXIT, environmentError } from '../exit.js';
import type { CommandContext } from '../context.js';
import type { OutputStream } from '../io.js';
import { formatOption, printReport, statusStream } from '../output.js';

interface GenerateFlags {
  config: string;
  out: string;
  check?: boolean;
  cluster: string[];
  reclaim?: boolean;
  format: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function readIndex(outDir: string): ProvenanceIndex | undefined {
  const file = join(outDir, PROVENANCE_FILE);
  return existsSync(file) ? parseProvenance(readFileSync(file, 'utf8')) : undefined;
}

/** Per cluster: files and resources added, changed, removed. */
function printSummary(out: OutputStream, plan: GeneratePlan, changes: TreeChanges, previous: ProvenanceIndex | undefined, verb: { added: string; changed: string; removed: string }): void {
  const byPath = new Map(plan.files.map((f) => [f.path, f]));
  const groups = new Map<string, { added: number; changed: number; removed: number; rAdded: number; rChanged: number; rRemoved: number }>();
  const group = (path: string) => {
    const first = path.includes('/') ? path.split('/')[0]! : '(top level)';
    const key = plan.model.clusters.some((c) => c.name === first) ? first : '(top level)';
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
  const clusters = plan.model.clusters.map((c) => c.name).filter((name) => plan.files.some((f) => f.cluster === name));
  for (const name of clusters) {
    const g = groups.get(name);
    const total = plan.files.filter((f) => f.cluster === name).length;
    if (!g) {
      out.write(`  ${name}: up to date (${plural(total, 'file')})\n`);
      continue;
    }
    out.write(
      `  ${name}: files ${g.added} ${verb.added}, ${g.changed} ${verb.changed}, ${g.removed} ${verb.removed}; resources ${g.rAdded} ${verb.added}, ${g.rChanged} ${verb.changed}, ${g.rRemoved} ${verb.removed} (${plural(total, 'file')} in all)\n`,
    );
  }
  const top = groups.get('(top level)');
  if (top) out.write(`  ${PROVENANCE_FILE} and other top-level files: ${top.added} ${verb.added}, ${top.changed} ${verb.changed}, ${top.removed} ${verb.removed}\n`);
}

function ioFailure(error: unknown, what: string): CliError {
  if (error instanceof TreeError) return new CliError(EXIT.environment, error.message, error.hint);
  const err = error as NodeJS.ErrnoException;
  const reason = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOSPC' ? 'no space left on the device' : err.code === 'EROFS' ? 'read-only file system' : (err.message ?? String(error));
  return environmentError(`cannot ${what}: ${reason}${err.path ? ` (${err.path})` : ''}`, 'Check that the folder exists and is writable; nothing was half-written (the old tree is kept).');
}

export function registerGenerate(program: Command, ctx: CommandContext): void {
  program
    .command('generate')
    .description("write every cluster's Istio configuration (clusters/<name>/) and the VIP ledger from mesh.config.yaml")
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'the output folder', `${DEFAULT_OUT_DIR}/`)
    .option('--check', 'write nothing; list files that differ from what the config generates and exit 1 if any do')
    .option('--cluster <name>', 'only this cluster (repeatable); other clusters\' folders are left as they are', collect, [])
    .option('--reclaim', 'hand VIPs freed by removed hosts to new hosts (by default they stay reserved)')
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
The VIP ledger is written to mesh.lock.yaml beside the config: commit it with the tree.
The output folder is replaced atomically; files meshforge did not generate are kept and listed.

Exit codes: 0 written (or up to date with --check), 1 --check found drift, 2 invalid config or flags (nothing written),
3 the tree could not be written (permissions, a foreign file in the way, a symlink).`,
    )
    .action((flags: GenerateFlags) => {
      const sources = new SourceRegistry();
      const outDir = flags.out.replace(/[\\/]+$/, '') || '.';
      const planned = planGenerate({ configFile: flags.config, outDir, ...(flags.cluster.length > 0 ? { clusters: flags.cluster } : {}), reclaim: flags.reclaim ?? false }, sources);
      const report = printReport(ctx.io, 'generate', flags.format, planned.diagnostics, sources);
      if (!planned.ok || report.summary.errors > 0) {
        ctx.exitCode = EXIT.invalid;
        return;
      }
      const plan = planned.value;
      // Policy rules and manifest schema validation run here, on plan.files (ManifestResource[] per file), before
      // anything is written: errors -> print with printReport and exit 1 without writing. (Wired by the lead once the
      // policy engine and the validator land.)

      const status = statusStream(ctx.io, flags.format);
      const scope = flags.cluster.length > 0 ? { clusters: flags.cluster } : {};
      let previous: ProvenanceIndex | undefined;
      try {
        previous = readIndex(outDir);
      } catch (error) {
        throw ioFailure(error, `read ${outDir}`);
      }
      const lockBefore = existsSync(plan.lock.path) ? readFileSync(plan.lock.path, 'utf8') : undefined;
      const lockChanged = lockBefore !== plan.lock.content;

      if (flags.check) {
        let changes: TreeChanges;
        try {
          changes = compareTree(outDir, plan.files, scope);
        } catch (error) {
          throw ioFailure(error, `read ${outDir}`);
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

      let changes: TreeChanges;
      try {
        changes = writeTree(outDir, plan.files, scope);
        writeFileAtomic(plan.lock.path, plan.lock.content);
      } catch (error) {
        throw ioFailure(error, `write ${outDir}`);
      }
      status.write(`meshforge generate: ${outDir}/ from ${flags.config}${flags.cluster.length > 0 ? ` (clusters: ${flags.cluster.join(', ')})` : ''}\n`);
      printSummary(status, plan, changes, previous, { added: 'added', changed: 'changed', removed: 'removed' });
      status.write(`  ${plan.lock.path}: ${lockChanged ? (lockBefore === undefined ? 'created' : 'updated') : 'unchanged'}\n`);
      const foreign = changes.foreign;
      if (foreign.length > 0) {
        status.write(`  kept ${plural(foreign.length, 'file')} meshforge did not generate: ${foreign.slice(0, 10).map((p) => join(outDir, p)).join(', ')}${foreign.length > 10 ? ', …' : ''}\n`);
      }
      ctx.exitCode = EXIT.ok;
    });
}
