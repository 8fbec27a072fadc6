import { Option, type Command } from 'commander';
import { DEFAULT_TIMEOUT_MS, KUBECONFORM_ENV, VALIDATOR_CHOICES } from '../core/cli-vocabulary.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds --validator, --no-schema, --kubeconform, --schema-location, --kubernetes-version and --kubeconform-timeout. */
export function addValidatorOptions(command: Command): Command {
  return command
    .addOption(new Option('--validator <backend>', 'schema validator: embedded (offline schemas), kubeconform, or auto (kubeconform when found)').choices([...VALIDATOR_CHOICES]).default('auto'))
    .option('--no-schema', 'skip schema validation of the manifests')
    .option('--kubeconform <path>', `kubeconform binary (default: ${KUBECONFORM_ENV}, then PATH)`)
    .option('--schema-location <location>', 'kubeconform schema location, repeatable (default: "default" and the CRDs-catalog; a local folder works offline)', collect)
    .option('--kubernetes-version <x.y.z>', 'Kubernetes version kubeconform validates against (default: master)')
    .option('--kubeconform-timeout <seconds>', `stop kubeconform after this many seconds (default: ${DEFAULT_TIMEOUT_MS / 1000})`);
}
