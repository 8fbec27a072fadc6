import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../model/load.js';
import { SourceRegistry } from '../../diagnostics/sources.js';
import { planChanges, qualifiedName, renderMarkdown, summaryLines, type ChangePlan } from '../../diff/index.js';
import type { RenderedFile } from '../../manifest/types.js';
import { planGenerate } from '../../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../../render/render.js';
import { palette, shouldColor, type Palette } from '../../report/color.js';
import { compareTree } from '../../write/tree.js';
import type { CommandContext } from '../context.js';
import { environmentError, MeshforgeError } from '../../core/errors.js';
import { EXIT } from '../exit.js';
import { printReport } from '../output.js';

export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;
type DiffFormat = (typeof DIFF_FORMATS)[number];

interface DiffFlags {
  readonly config: string;
  readonly out: string;
  readonly format: DiffFormat;
  readonly cluster: string[];
  readonly exitCode?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export interface DiffInput {
  readonly outDir: string;
  readonly files: readonly RenderedFile[];
  readonly lock?: { readonly path: string; readonly content: string };
  readonly clusters?: readonly string[];
}

function readIfFile(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * What `generate` would change in `outDir`, as the change plan `meshforge pr` also uses: the previous bytes of every
 * generated file that still exists (foreign files are never part of it), the new files and the VIP ledger.
 */
export function planTreeChanges(input: DiffInput): ChangePlan {
  const scope = input.clusters && input.clusters.length > 0 ? { clusters: input.clusters } : {};
  const changes = compareTree(input.outDir, input.files, scope);
  const added = new Set(changes.added);
  const before = new Map<string, string>();
  for (const path of [...input.files.map((f) => f.path).filter((p) => !added.has(p)), ...changes.removed]) {
    const text = readIfFile(join(input.outDir, path));
    if (text !== undefined) before.set(path, text);
  }
  return planChanges({
    before,
    files: input.files,
    outDir: input.outDir,
    ...(input.lock ? { ledger: { path: input.lock.path, before: readIfFile(input.lock.path), after: input.lock.content } } : {}),
  });
}

function colorPatch(patch: string, p: Palette): string {
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('===') || line.startsWith('Index:')) return p.bold(line);
      if (line.startsWith('+')) return p.green(line);
      if (line.startsWith('-')) return p.red(line);
      if (line.startsWith('@@')) return p.blue(line);
      return line;
    })
    .join('\n');
}

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

/** Human form: per cluster the resources added/changed/removed, then the unified diff of every changed file. */
export function renderDiffText(plan: ChangePlan, color: boolean): string {
  const p = palette(color);
  if (!plan.hasChanges) return 'No changes: the generated tree and the VIP ledger are up to date.\n';
  const out: string[] = [];
  for (const line of summaryLines(plan)) out.push(p.bold(line));
  for (const cluster of plan.clusters) {
    for (const r of cluster.resources) {
      const text = `  ${SIGN[r.change]} ${r.kind} ${qualifiedName(r)}  ${p.dim(r.path)}`;
      out.push(r.change === 'added' ? p.green(text) : r.change === 'removed' ? p.red(text) : p.yellow(text));
    }
  }
  out.push('');
  for (const cluster of plan.clusters) for (const file of cluster.files) out.push(colorPatch(file.patch.trimEnd(), p));
  if (plan.ledger?.patch) out.push(colorPatch(plan.ledger.patch.trimEnd(), p));
  return `${out.join('\n')}\n`;
}

export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description('show what `meshforge generate` would change: per cluster the resources added, changed and removed, and a unified diff')
    .option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'the generated tree to compare with', `${DEFAULT_OUT_DIR}/`)
    .addOption(new Option('-f, --format <name>', 'text (coloured on a terminal), json (the change plan) or markdown (the pull request body of `meshforge pr`)').choices([...DIFF_FORMATS]).default('text'))
    .option('--cluster <name>', 'only this cluster (repeatable)', collect, [])
    .option('--exit-code', 'exit 1 when generate would change something, like `git diff --exit-code`')
    .addHelpText(
      'after',
      `
Nothing is written. Colour follows the terminal; NO_COLOR turns it off, FORCE_COLOR on.

Exit codes: 0 (also when there are changes, unless --exit-code), 1 changes found with --exit-code, 2 invalid config
or flags, 3 the tree could not be read.`,
    )
    .action((flags: DiffFlags) => {
      const { io } = ctx;
      const sources = new SourceRegistry();
      const outDir = flags.out.replace(/[\\/]+$/, '') || '.';
      const planned = planGenerate({ configFile: flags.config, outDir, ...(flags.cluster.length > 0 ? { clusters: flags.cluster } : {}) }, sources);
      if (!planned.ok) {
        // Config problems are printed like every other command's, on stderr so stdout stays the diff's format.
        printReport({ ...io, stdout: io.stderr }, 'diff', 'stylish', planned.diagnostics, sources);
        ctx.exitCode = EXIT.invalid;
        return;
      }
      const { files, lock } = planned.value;

      let plan: ChangePlan;
      try {
        plan = planTreeChanges({ outDir, files, lock, ...(flags.cluster.length > 0 ? { clusters: flags.cluster } : {}) });
      } catch (error) {
        if (error instanceof MeshforgeError) throw error;
        const err = error as NodeJS.ErrnoException;
        throw environmentError(`cannot read ${outDir}: ${err.code ?? err.message}`, 'Check that the folder is readable.');
      }

      if (flags.format === 'json') io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else if (flags.format === 'markdown') io.stdout.write(renderMarkdown(plan).markdown);
      else io.stdout.write(renderDiffText(plan, shouldColor(io.stdout, io.env)));
      ctx.exitCode = flags.exitCode && plan.hasChanges ? EXIT.findings : EXIT.ok;
    });
}
