import type { Diagnostic } from '../diagnostics/types.js';
import type { ManifestResource } from '../manifest/types.js';

/** `auto` picks kubeconform when a binary is found, the embedded schemas otherwise. */
export type { ValidatorChoice } from '../core/cli-vocabulary.js';

export { VALIDATOR_CHOICES } from '../core/cli-vocabulary.js';

/** Checks resources against their kinds' schemas; reports problems as diagnostics, tool failures as MeshforgeError. */
export interface ManifestValidator {
  readonly name: 'embedded' | 'kubeconform';
  /** The kubeconform version found, or the embedded schemas' source versions. */
  readonly version?: string;
  validate(resources: readonly ManifestResource[]): Promise<Diagnostic[]>;
}

/** Rule ids of schema findings. */
export const SCHEMA_RULE = 'schema';
export const UNKNOWN_KIND_RULE = 'schema-unknown-kind';
