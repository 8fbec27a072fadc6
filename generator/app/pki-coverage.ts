import { existsSync } from 'node:fs';
import type { StageResult } from '../diagnostics/result.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { MeshModel } from '../model/types.js';
import { uncoveredClusters } from '../pki/coverage.js';
import { resolvePkiDir } from '../pki/profile.js';
import type { AppContext } from './context.js';

/**
 * Adds the pki-cluster-uninitialized warnings (pki/coverage.ts) to a plan's diagnostics: validate, generate and pr
 * say at the cluster's config line what `check` would later fail on.
 */
export function withPkiCoverage<T extends { readonly model: MeshModel; readonly diagnostics: readonly Diagnostic[] }>(planned: StageResult<T>, context: AppContext): StageResult<T> {
  if (!planned.ok) return planned;
  const warnings = uncoveredClusters(planned.value.model, resolvePkiDir(planned.value.model, context.cwd), existsSync);
  if (warnings.length === 0) return planned;
  // The plan carries its diagnostics too (generate reports from it): both get the warnings.
  return { ...planned, value: { ...planned.value, diagnostics: [...planned.value.diagnostics, ...warnings] }, diagnostics: [...planned.diagnostics, ...warnings] };
}
