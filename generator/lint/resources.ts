import type { Diagnostic } from '../diagnostics/types.js';
import { runPolicies, type SuppressedFinding } from './engine.js';
import { unknownPolicyRules } from './policy-config.js';
import type { Rule } from '../../policies/utils/rule.js';
import type { ManifestResource } from '../manifest/types.js';
import type { MeshModel } from '../model/types.js';
import type { ManifestValidator } from '../validate/types.js';

export interface ResourceChecks {
  readonly diagnostics: readonly Diagnostic[];
  readonly suppressed: readonly SuppressedFinding[];
}

/**
 * Schema validation (unless `validator` is null: --no-schema) and the policy rules over one set of resources, plus
 * a warning for rule ids in the config's policies section that do not exist (a typo there would silence nothing).
 * `generate`, `lint` and `pr` all check what they render or read through this one function.
 */
export async function checkResources(
  resources: readonly ManifestResource[],
  options: { readonly model?: MeshModel; readonly validator: ManifestValidator | null; readonly rules?: readonly Rule[] },
): Promise<ResourceChecks> {
  const schema = options.validator ? await options.validator.validate(resources) : [];
  const policies = runPolicies(resources, { ...(options.model ? { model: options.model } : {}), ...(options.rules ? { rules: options.rules } : {}) });
  const settings = options.model ? unknownPolicyRules(options.model) : [];
  return { diagnostics: [...settings, ...schema, ...policies.diagnostics], suppressed: policies.suppressed };
}
