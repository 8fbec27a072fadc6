import { environmentError, usageError } from '../core/errors.js';
import { EmbeddedValidator } from './embedded.js';
import { DEFAULT_TIMEOUT_MS, KUBECONFORM_ENV, KubeconformValidator, findKubeconform } from './kubeconform.js';
export { DEFAULT_TIMEOUT_MS, KUBECONFORM_ENV } from './kubeconform.js';
import { VALIDATOR_CHOICES, type ManifestValidator, type ValidatorChoice } from './types.js';

export type { ManifestValidator, ValidatorChoice } from './types.js';
export { SCHEMA_RULE, UNKNOWN_KIND_RULE } from './types.js';
export { EmbeddedValidator } from './embedded.js';
export { KubeconformValidator, DEFAULT_SCHEMA_LOCATIONS, CRDS_CATALOG_LOCATION } from './kubeconform.js';

export interface ValidatorOptions {
  readonly choice: ValidatorChoice;
  readonly kubeconformPath?: string;
  readonly schemaLocations?: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  readonly kubernetesVersion?: string;
}

/** One embedded validator per process: its compiled schemas are the expensive part, so they are shared. */
let sharedEmbedded: EmbeddedValidator | undefined;

/**
 * The validator the options ask for. `auto`: kubeconform when a binary is found (--kubeconform,
 * MESHFORGE_KUBECONFORM, PATH), the embedded schemas otherwise. Asking for kubeconform when none can be found,
 * or naming a binary that is not there, is an environment failure (exit 3).
 */
export async function createValidator(options: ValidatorOptions): Promise<ManifestValidator> {
  if (options.choice === 'embedded') return (sharedEmbedded ??= new EmbeddedValidator());
  const named = options.kubeconformPath ?? options.env[KUBECONFORM_ENV];
  const binary = findKubeconform(options.kubeconformPath, options.env);
  if (!binary) {
    if (named !== undefined && named !== '') {
      throw environmentError(`kubeconform not found at ${named} (from ${options.kubeconformPath !== undefined ? '--kubeconform' : KUBECONFORM_ENV})`, 'Point it at an executable kubeconform binary, or use --validator embedded.');
    }
    if (options.choice === 'kubeconform') throw environmentError('kubeconform was not found on PATH', `Install kubeconform, pass --kubeconform PATH or set ${KUBECONFORM_ENV}, or use --validator embedded.`);
    return (sharedEmbedded ??= new EmbeddedValidator());
  }
  return KubeconformValidator.probe({
    binary,
    env: options.env,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.schemaLocations ? { schemaLocations: options.schemaLocations } : {}),
    ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
  });
}

/** The flags addValidatorOptions defines, as commander hands them to an action. */
export interface ValidatorFlags {
  readonly validator?: string;
  /** false with --no-schema. */
  readonly schema?: boolean;
  readonly kubeconform?: string;
  readonly schemaLocation?: readonly string[];
  readonly kubernetesVersion?: string;
  readonly kubeconformTimeout?: string;
}

/** ValidatorOptions from the parsed flags; null when --no-schema turned validation off. */
export function validatorOptionsFromFlags(flags: ValidatorFlags, env: NodeJS.ProcessEnv): ValidatorOptions | null {
  if (flags.schema === false) return null;
  const choice = (flags.validator ?? 'auto') as ValidatorChoice;
  if (!VALIDATOR_CHOICES.includes(choice)) throw usageError(`--validator must be one of ${VALIDATOR_CHOICES.join(', ')} (got ${flags.validator})`);
  let timeoutMs: number | undefined;
  if (flags.kubeconformTimeout !== undefined) {
    const seconds = Number(flags.kubeconformTimeout);
    if (!Number.isFinite(seconds) || seconds <= 0) throw usageError(`--kubeconform-timeout must be a positive number of seconds (got ${flags.kubeconformTimeout})`);
    timeoutMs = Math.round(seconds * 1000);
  }
  if (flags.kubernetesVersion !== undefined && !/^(master|\d+\.\d+\.\d+)$/.test(flags.kubernetesVersion)) {
    throw usageError(`--kubernetes-version must be "master" or a full version like 1.30.0 (got ${flags.kubernetesVersion})`);
  }
  return {
    choice,
    env,
    ...(flags.kubeconform !== undefined ? { kubeconformPath: flags.kubeconform } : {}),
    ...(flags.schemaLocation && flags.schemaLocation.length > 0 ? { schemaLocations: flags.schemaLocation } : {}),
    ...(flags.kubernetesVersion !== undefined ? { kubernetesVersion: flags.kubernetesVersion } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** "embedded schemas (kubernetes-models@4.3.1, …)" or "kubeconform v0.7.0": for status lines. */
export function describeValidator(validator: ManifestValidator): string {
  return validator.name === 'embedded' ? `embedded schemas${validator.version ? ` (${validator.version})` : ''}` : `kubeconform ${validator.version ?? '(version unknown)'}`;
}
