import { CATALOGUE } from '../diagnostics/catalogue.js';
import type { Severity } from '../diagnostics/types.js';

/** Checks the engine itself runs (not rules over resources): listed so that docs, explain and overrides know them. */
export interface EngineCheck {
  readonly id: EngineCheckId;
  readonly defaultSeverity: Severity;
  readonly description: string;
  readonly docs: string;
}

export const ENGINE_CHECK_IDS = ['suppression-reason', 'suppression-unknown-rule'] as const;
export type EngineCheckId = (typeof ENGINE_CHECK_IDS)[number];

/** Their meta lives in the diagnostic catalogue, with every other id that is not a policy rule. */
export const ENGINE_CHECKS: readonly EngineCheck[] = ENGINE_CHECK_IDS.map((id) => {
  const { defaultSeverity, description, docs } = CATALOGUE[id];
  return { id, defaultSeverity, description, docs };
});
