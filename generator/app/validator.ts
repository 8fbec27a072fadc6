import { createValidator, validatorOptionsFromFlags, type ManifestValidator, type ValidatorFlags } from '../validate/index.js';
import { resolveFrom, type AppContext } from './context.js';

/**
 * The schema validator a service runs, from the validator flags (--validator, --no-schema, --kubeconform, ...): null
 * when schema validation is off. The one place the flags become a validator for generate, lint, pr and check. A
 * --kubeconform path is resolved from the caller's folder; the environment is the context's, never the process's.
 * Throws a MeshforgeError: invalid-input for bad flags, environment when the named kubeconform is missing.
 */
export async function validatorFromFlags(flags: ValidatorFlags, context: Pick<AppContext, 'cwd' | 'env'>): Promise<ManifestValidator | null> {
  const kubeconform = flags.kubeconform !== undefined && /[\\/]/.test(flags.kubeconform) ? resolveFrom(context, flags.kubeconform) : flags.kubeconform;
  const options = validatorOptionsFromFlags({ ...flags, ...(kubeconform !== undefined ? { kubeconform } : {}) }, context.env);
  return options ? createValidator(options) : null;
}
