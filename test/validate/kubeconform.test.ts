/**
 * The kubeconform backend, tested against a STAND-IN executable (test/fixtures/validate/kubeconform-standin.mjs):
 * kubeconform cannot be installed on the test machines. The stand-in follows kubeconform's published contract
 * (flags, `-output json` shape, status names, exit codes) and prints recorded outcomes; it validates nothing
 * itself. The CI workflow runs the real binary.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MeshforgeError } from '../../generator/core/errors.js';
import { buildReport } from '../../generator/report/resolve.js';
import { CRDS_CATALOG_LOCATION, createValidator, KubeconformValidator } from '../../generator/validate/index.js';
import { FIXTURES, loadFixture, STANDIN } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'mf-kubeconform-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = loadFixture(join(FIXTURES, 'kinds', 'destinationrule.yaml'));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', MESHFORGE_KUBECONFORM: STANDIN, ...extra };
}

function recording(outcomes: Record<string, unknown>): string {
  const file = join(work, `rec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(outcomes));
  return file;
}

// Recorded in kubeconform v0.7.0's format: the message and JSON-pointer paths its strict mode prints.
const INVALID_DR = {
  'DestinationRule/unknown-field': {
    status: 'statusInvalid',
    msg: "problem validating schema. Check JSON formatting: jsonschema validation failed with 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/networking.istio.io/destinationrule_v1.json#' - at '/spec/trafficPolicy/tls': additional properties 'mdoe' not allowed",
    validationErrors: [{ path: '/spec/trafficPolicy/tls', msg: "additional properties 'mdoe' not allowed" }],
  },
  'DestinationRule/bad-enum': {
    status: 'statusInvalid',
    msg: 'problem validating schema',
    validationErrors: [{ path: '/spec/trafficPolicy/tls/mode', msg: "value must be one of 'DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'" }],
  },
  'DestinationRule/unknown-apiversion': { status: 'statusError', msg: 'could not find schema for DestinationRule' },
};

describe('kubeconform backend (stand-in)', () => {
  it('auto picks kubeconform named by MESHFORGE_KUBECONFORM and reports its version', async () => {
    const validator = await createValidator({ choice: 'auto', env: env() });
    expect(validator.name).toBe('kubeconform');
    expect(validator.version).toBe('v0.7.0');
  });

  it('runs with -strict -summary -output json, the default schema locations and the kustomize skip', async () => {
    const argv = join(work, 'argv.jsonl');
    const validator = await createValidator({ choice: 'kubeconform', env: env({ KUBECONFORM_STANDIN_ARGV: argv }) });
    await validator.validate(fixture.resources.slice(0, 1));
    const calls = readFileSync(argv, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls[0]).toEqual(['-v']);
    const run = calls[1]!;
    expect(run.slice(0, 4)).toEqual(['-strict', '-summary', '-output', 'json']);
    expect(run).toEqual(expect.arrayContaining(['-schema-location', 'default', CRDS_CATALOG_LOCATION, '-skip', 'kustomize.config.k8s.io/v1beta1/Kustomization']));
  });

  it('passes user schema locations (repeatable) and the Kubernetes version instead of the defaults', async () => {
    const argv = join(work, 'argv2.jsonl');
    const validator = await createValidator({ choice: 'kubeconform', env: env({ KUBECONFORM_STANDIN_ARGV: argv }), schemaLocations: ['/schemas/core', '/schemas/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'], kubernetesVersion: '1.30.0' });
    await validator.validate(fixture.resources.slice(0, 1));
    const run = JSON.parse(readFileSync(argv, 'utf8').trim().split('\n')[1]!) as string[];
    expect(run.filter((_, i) => run[i - 1] === '-schema-location')).toEqual(['/schemas/core', '/schemas/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json']);
    expect(run).toEqual(expect.arrayContaining(['-kubernetes-version', '1.30.0']));
  });

  it('turns invalid resources into schema diagnostics on the right resource and line; valid ones give none', async () => {
    const validator = await createValidator({ choice: 'kubeconform', env: env({ KUBECONFORM_STANDIN_RECORDING: recording(INVALID_DR) }) });
    const diagnostics = await validator.validate(fixture.resources);
    const report = buildReport('lint', diagnostics, fixture.sources);
    const expectedLine = (name: string) => fixture.cases.find((c) => c.name === name)!.expected[0]!.line;
    expect(report.diagnostics.map((d) => ({ rule: d.rule, name: d.resource?.name, line: d.line }))).toEqual([
      { rule: 'schema', name: 'bad-enum', line: expectedLine('bad-enum') },
      { rule: 'schema', name: 'unknown-field', line: expectedLine('unknown-field') },
      { rule: 'schema-unknown-kind', name: 'unknown-apiversion', line: expectedLine('unknown-apiversion') },
    ]);
    const unknown = report.diagnostics.find((d) => d.resource?.name === 'unknown-field')!;
    expect(unknown.message).toContain('unknown field "mdoe" in spec.trafficPolicy.tls');
    expect(unknown.cluster).toBe('fixture');
    expect(unknown.diagnostic.location?.path).toEqual(['spec', 'trafficPolicy', 'tls', 'mdoe']);
  });

  it('reports nothing when everything is valid (skipped resources included)', async () => {
    const validator = await createValidator({ choice: 'kubeconform', env: env({ KUBECONFORM_STANDIN_RECORDING: recording({ 'DestinationRule/valid': { status: 'statusSkipped' } }) }) });
    expect(await validator.validate(fixture.resources.slice(0, 2))).toEqual([]);
  });

  const failures: [string, Record<string, string>, RegExp, number?][] = [
    ['a crash (non-JSON stderr, exit 1)', { KUBECONFORM_STANDIN_SCENARIO: 'crash' }, /panic: runtime error/],
    ['bad flags (usage on stderr, exit 1)', { KUBECONFORM_STANDIN_SCENARIO: 'bad-output' }, /flag provided but not defined/],
    ['a hang (stopped at the timeout)', { KUBECONFORM_STANDIN_SCENARIO: 'hang' }, /did not finish within/, 1500],
    ['schemas it cannot download', { KUBECONFORM_STANDIN_SCENARIO: 'download-error' }, /could not load a schema/],
  ];
  for (const [what, extra, message, timeoutMs] of failures) {
    it(`tells ${what} apart from invalid resources: exit 3 with kubeconform's words`, async () => {
      const validator = await createValidator({ choice: 'kubeconform', env: env(extra), ...(timeoutMs ? { timeoutMs } : {}) });
      const error = await validator.validate(fixture.resources).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MeshforgeError);
      expect((error as MeshforgeError).kind).toBe('environment');
      expect((error as MeshforgeError).message).toMatch(message);
    });
  }

  it('is an environment failure when the named binary does not exist, or kubeconform is demanded and absent', async () => {
    await expect(createValidator({ choice: 'auto', env: { PATH: '', MESHFORGE_KUBECONFORM: join(work, 'missing') } })).rejects.toMatchObject({ kind: 'environment' });
    await expect(createValidator({ choice: 'kubeconform', env: { PATH: work } })).rejects.toMatchObject({ kind: 'environment', message: /not found on PATH/ });
  });

  it('auto falls back to the embedded schemas when no binary is found; --kubeconform wins over the env var', async () => {
    expect((await createValidator({ choice: 'auto', env: { PATH: work } })).name).toBe('embedded');
    // The stand-in's shebang needs node on PATH; kubeconform is not there.
    const explicit = await createValidator({ choice: 'auto', kubeconformPath: STANDIN, env: { PATH: dirname(process.execPath), MESHFORGE_KUBECONFORM: join(work, 'missing') } });
    expect(explicit).toBeInstanceOf(KubeconformValidator);
  });
});
