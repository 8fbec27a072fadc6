import { SourceRegistry } from '../diagnostics/sources.js';
import { configLocator, planTreeChanges, renderDiffText, renderMarkdown, type ChangePlan } from '../diff/index.js';
import { defaultLockFile, planGenerate } from '../pipeline/generate.js';
import { buildReport } from '../report/resolve.js';
import { environmentError, MeshforgeError } from '../core/errors.js';
import { resolveFrom, type AppContext } from './context.js';
import type { ServiceResult } from './result.js';

import { DIFF_FORMATS, type DiffFormat } from '../core/cli-vocabulary.js';
export { DIFF_FORMATS, type DiffFormat };

export interface DiffOptions {
  readonly configFile: string;
  /** The generated tree to compare with, as the user named it (shown in every path). */
  readonly outDir: string;
  readonly format: DiffFormat;
  /** Only these clusters; empty or absent for all. */
  readonly clusters?: readonly string[];
  /** Changes count as findings (exit 1), like `git diff --exit-code`. */
  readonly exitCode?: boolean;
  /** Colour the text format (the CLI decides from the terminal, NO_COLOR and FORCE_COLOR). */
  readonly color?: boolean;
}

export interface DiffResult extends ServiceResult {
  /** The change plan; absent when the config is invalid (the report says why). */
  readonly plan?: ChangePlan;
  /** The plan in the chosen format: what the CLI prints on stdout. */
  readonly document: string;
}

/** `meshforge diff` without the CLI: what `generate` would change in the tree and the VIP ledger. Writes nothing. */
export async function runDiff(options: DiffOptions, context: AppContext): Promise<DiffResult> {
  const sources = new SourceRegistry();
  const outDir = options.outDir.replace(/[\\/]+$/, '') || '.';
  const clusters = options.clusters && options.clusters.length > 0 ? { clusters: options.clusters } : {};
  const configFile = resolveFrom(context, options.configFile);
  const planned = planGenerate({ configFile, outDir: resolveFrom(context, outDir), ...clusters }, sources);
  if (!planned.ok) {
    return { status: 'invalid-input', report: buildReport('diff', planned.diagnostics, sources, 0, context.cwd), statusText: '', document: '' };
  }
  // The ledger is shown as the user would name it: beside the config as they gave it.
  const lock = { path: defaultLockFile(options.configFile), content: planned.value.lock.content };

  let plan: ChangePlan;
  try {
    plan = planTreeChanges({
      cwd: context.cwd,
      outDir,
      files: planned.value.files,
      lock,
      ...clusters,
      clusterNames: planned.value.model.clusters.map((c) => c.name),
      locate: configLocator(sources, configFile, options.configFile),
    });
  } catch (error) {
    if (error instanceof MeshforgeError) throw error;
    const err = error as NodeJS.ErrnoException;
    throw environmentError(`cannot read ${outDir}: ${err.code ?? err.message}`, 'Check that the folder is readable.');
  }

  const document =
    options.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : options.format === 'markdown' ? renderMarkdown(plan).markdown : renderDiffText(plan, options.color ?? false);
  return { status: options.exitCode && plan.hasChanges ? 'findings' : 'ok', plan, document, statusText: '' };
}
