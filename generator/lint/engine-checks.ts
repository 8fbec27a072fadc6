import type { Severity } from '../diagnostics/types.js';

/** Checks the engine itself runs (not rules over resources): listed so that docs, explain and overrides know them. */
export interface EngineCheck {
  readonly id: string;
  readonly defaultSeverity: Severity;
  readonly description: string;
  readonly docs: string;
}

export const ENGINE_CHECKS: readonly EngineCheck[] = [
  {
    id: 'suppression-reason',
    defaultSeverity: 'error',
    description: 'A meshforge.io/suppress annotation or policies.exceptions entry must say why.',
    docs: 'policies/suppression-reason.md',
  },
  {
    id: 'suppression-unknown-rule',
    defaultSeverity: 'warning',
    description: 'A meshforge.io/suppress annotation names a rule that does not exist (a typo silences nothing).',
    docs: 'policies/suppression-unknown-rule.md',
  },
];
