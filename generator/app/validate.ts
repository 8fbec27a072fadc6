import { hasErrors } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { unknownPolicyRules } from '../lint/policy-config.js';
import { DEFAULT_CONFIG_FILE } from '../model/load.js';
import type { MeshModel } from '../model/types.js';
import { planGenerate } from '../pipeline/generate.js';
import { DEFAULT_OUT_DIR } from '../render/render.js';
import { buildReport } from '../report/resolve.js';
import type { AppContext } from './context.js';
import { resolveFrom } from './context.js';
import { withPkiCoverage } from './pki-coverage.js';
import type { ServiceResult } from './result.js';

export interface ValidateOptions {
  /** The mesh config, relative to the caller's folder. Default: mesh.config.yaml. */
  readonly configFile?: string;
}

export interface ValidateResult extends ServiceResult {
  readonly diagnostics: readonly Diagnostic[];
  /** The mesh, when the config loaded (it may still be refused by planning: VIPs, file names). */
  readonly model?: MeshModel;
  /** How many files `generate` would write, when planning succeeded. */
  readonly plannedFiles?: number;
}

/**
 * `meshforge validate`: everything `generate` checks before it writes, writing nothing. The config is loaded
 * (syntax, schema, semantics) and then planned in memory exactly as generate plans it: the VIP ledger is allocated
 * from mesh.lock.yaml beside the config and every file is rendered, so a config generate refuses (VIP range
 * exhausted, two entries rendering the same file, a corrupt ledger) is refused here with the same diagnostics.
 */
export async function runValidate(options: ValidateOptions, context: AppContext): Promise<ValidateResult> {
  const shown = options.configFile ?? DEFAULT_CONFIG_FILE;
  const configFile = resolveFrom(context, shown);
  const sources = new SourceRegistry();
  const planned = withPkiCoverage(planGenerate({ configFile, outDir: resolveFrom(context, DEFAULT_OUT_DIR) }, sources), context);
  // Rule ids in policies: are checked here too, so a typo is caught before any manifest exists.
  const diagnostics = planned.ok ? [...planned.diagnostics, ...unknownPolicyRules(planned.value.model)] : planned.diagnostics;
  const report = buildReport('validate', diagnostics, sources, 0, context.cwd);
  if (!planned.ok || hasErrors(diagnostics)) return { status: 'invalid-input', report, statusText: '', diagnostics };
  const { model } = planned.value;
  return {
    status: 'ok',
    report,
    statusText: `${shown} is valid: mesh ${model.mesh.id}, ${model.clusters.length} clusters, ${model.services.length} services, ${model.exports.length} cross-cluster exports, ${model.routes.length} routes, ${model.externalServices.length} external services, ${model.ingress.length} ingress hosts\n`,
    diagnostics,
    model,
    plannedFiles: planned.value.files.length,
  };
}
