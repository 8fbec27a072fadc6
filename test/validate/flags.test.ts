import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addValidatorOptions } from '../../generator/cli/validator-options.js';
import { validatorOptionsFromFlags, type ValidatorFlags } from '../../generator/validate/index.js';

function parse(args: string[]): ValidatorFlags {
  const command = addValidatorOptions(new Command('lint').exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return command.opts<ValidatorFlags>();
}

describe('validator flags', () => {
  const env = { PATH: '/usr/bin' };

  it('defaults to auto with schema validation on', () => {
    expect(validatorOptionsFromFlags(parse([]), env)).toEqual({ choice: 'auto', env });
  });

  it('--no-schema turns validation off', () => {
    expect(validatorOptionsFromFlags(parse(['--no-schema']), env)).toBeNull();
  });

  it('collects repeated --schema-location and the kubeconform settings', () => {
    const options = validatorOptionsFromFlags(
      parse(['--validator', 'kubeconform', '--kubeconform', '/opt/kubeconform', '--schema-location', 'default', '--schema-location', './schemas', '--kubernetes-version', '1.30.0', '--kubeconform-timeout', '30']),
      env,
    );
    expect(options).toEqual({ choice: 'kubeconform', env, kubeconformPath: '/opt/kubeconform', schemaLocations: ['default', './schemas'], kubernetesVersion: '1.30.0', timeoutMs: 30_000 });
  });

  it('refuses an unknown backend and bad numbers', () => {
    expect(() => parse(['--validator', 'kubeval'])).toThrow(/Allowed choices are embedded, kubeconform, auto/);
    expect(() => validatorOptionsFromFlags({ kubeconformTimeout: '0' }, env)).toThrow(expect.objectContaining({ kind: 'invalid-input' }));
    expect(() => validatorOptionsFromFlags({ kubernetesVersion: '1.30' }, env)).toThrow(expect.objectContaining({ kind: 'invalid-input' }));
  });
});
