/**
 * `meshforge lint` and `meshforge explain` as a user runs them, with real files in a temporary folder: in this process
 * (runInProcess), except one smoke test that runs the built binary (`npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/helpers.js';
import { prepareProject } from '../check/helpers.js';
import { packagePath } from '../../generator/core/paths.js';
import { tempDir } from '../generator/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'meshforge.js');
const fixture = join(root, 'test', 'fixtures', 'lint', 'broken-two-cluster');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built binary in a child process: the smoke test. */
function spawnMeshforge(cwd: string, args: string[]): Run {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function meshforge(cwd: string, args: string[], input?: string): Promise<Run> {
  const result = await runInProcess(args, { cwd, ...(input !== undefined ? { input } : {}) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonDiagnostic {
  rule: string;
  severity: string;
  resource: { apiVersion: string; kind: string; namespace: string | null; name: string } | null;
  cluster: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
}

/** The 1-based line of the first occurrence of `text` (after `after`, if given) in a fixture file. */
function lineOf(file: string, text: string, after?: string): number {
  const content = readFileSync(join(fixture, file), 'utf8');
  const start = after === undefined ? 0 : content.indexOf(after);
  const index = content.indexOf(text, start);
  if (start === -1 || index === -1) throw new Error(`'${text}' not in ${file}`);
  return content.slice(0, index).split('\n').length;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'meshforge-lint-'));
  cpSync(fixture, join(work, 'broken'), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('meshforge lint on a deliberately broken two-cluster mesh', () => {
  // Each defect: the rule, the resource, its cluster, the file and the offending field's line.
  const defects: { rule: string; kind: string; namespace: string | null; name: string; cluster: string; file: string; line: () => number }[] = [
    { rule: 'vip-range', kind: 'ServiceEntry', namespace: 'shop', name: 'reviews-b', cluster: 'a', file: 'clusters/a/shop/serviceentry-reviews-b.yaml', line: () => lineOf('clusters/a/shop/serviceentry-reviews-b.yaml', '240.240.0.9') },
    { rule: 'unique-vips', kind: 'ServiceEntry', namespace: 'shop', name: 'payments-b', cluster: 'a', file: 'clusters/a/shop/serviceentries-payments.yaml', line: () => lineOf('clusters/a/shop/serviceentries-payments.yaml', '240.0.0.2') },
    { rule: 'istio-mutual', kind: 'DestinationRule', namespace: 'shop', name: 'reviews-b', cluster: 'a', file: 'clusters/a/shop/destinationrule-reviews-b.yaml', line: () => lineOf('clusters/a/shop/destinationrule-reviews-b.yaml', 'DISABLE') },
    { rule: 'destination-host-not-found', kind: 'VirtualService', namespace: 'shop', name: 'productpage', cluster: 'a', file: 'clusters/a/shop/virtualservice-productpage.yaml', line: () => lineOf('clusters/a/shop/virtualservice-productpage.yaml', 'detials') },
    { rule: 'subset-not-found', kind: 'VirtualService', namespace: 'shop', name: 'productpage', cluster: 'a', file: 'clusters/a/shop/virtualservice-productpage.yaml', line: () => lineOf('clusters/a/shop/virtualservice-productpage.yaml', 'subset: v3') },
    { rule: 'route-weights', kind: 'VirtualService', namespace: 'shop', name: 'productpage', cluster: 'a', file: 'clusters/a/shop/virtualservice-productpage.yaml', line: () => lineOf('clusters/a/shop/virtualservice-productpage.yaml', 'weight: -10') },
    { rule: 'strict-mtls', kind: 'PeerAuthentication', namespace: 'istio-system', name: 'default', cluster: 'a', file: 'clusters/a/istio-system/peerauthentication-default.yaml', line: () => lineOf('clusters/a/istio-system/peerauthentication-default.yaml', 'PERMISSIVE') },
    { rule: 'registry-only', kind: 'HelmValues', namespace: null, name: 'istiod', cluster: 'a', file: 'clusters/a/install/istiod.values.yaml', line: () => lineOf('clusters/a/install/istiod.values.yaml', 'ALLOW_ANY') },
    { rule: 'no-private-keys', kind: 'Secret', namespace: 'shop', name: 'reviews-tls', cluster: 'b', file: 'clusters/b/shop/secret-reviews-tls.yaml', line: () => lineOf('clusters/b/shop/secret-reviews-tls.yaml', 'tls.key') },
    { rule: 'gateway-not-found', kind: 'VirtualService', namespace: 'shop', name: 'shop', cluster: 'b', file: 'clusters/b/shop/virtualservice-shop.yaml', line: () => lineOf('clusters/b/shop/virtualservice-shop.yaml', 'istio-system/shop-gateway') },
    { rule: 'suppression-reason', kind: 'Gateway', namespace: 'istio-system', name: 'admin', cluster: 'b', file: 'clusters/b/istio-system/gateways.yaml', line: () => lineOf('clusters/b/istio-system/gateways.yaml', 'meshforge.io/suppress:') },
    { rule: 'gateway-credential-conflict', kind: 'Gateway', namespace: 'istio-system', name: 'shop', cluster: 'b', file: 'clusters/b/istio-system/gateways.yaml', line: () => lineOf('clusters/b/istio-system/gateways.yaml', 'credentialName: shop-cert') },
    // Like istioctl analyze (IST0138), every Gateway that shares the credential is reported, not only the later one.
    { rule: 'gateway-credential-conflict', kind: 'Gateway', namespace: 'istio-system', name: 'admin', cluster: 'b', file: 'clusters/b/istio-system/gateways.yaml', line: () => lineOf('clusters/b/istio-system/gateways.yaml', 'credentialName: shop-cert', 'name: admin') },
    { rule: 'multicluster-service-mismatch', kind: 'Service', namespace: 'shop', name: 'details', cluster: 'b', file: 'clusters/b/shop/services.yaml', line: () => lineOf('clusters/b/shop/services.yaml', '- port: 9080') },
    { rule: 'service-port-name', kind: 'Service', namespace: 'shop', name: 'reviews', cluster: 'b', file: 'clusters/b/shop/services.yaml', line: () => lineOf('clusters/b/shop/services.yaml', 'name: web') },
  ];

  let run: Run;
  let report: { diagnostics: JsonDiagnostic[]; summary: { errors: number; warnings: number; infos: number; suppressed: number } };
  beforeAll(() => {
    // The smoke test: the built binary in a child process.
    run = spawnMeshforge(work, ['lint', '--format', 'json', 'broken/clusters']);
    report = JSON.parse(run.stdout) as typeof report;
  });

  it('exits 1 and prints pure JSON', async () => {
    expect(run.code).toBe(1);
    expect(run.stdout.trimStart().startsWith('{')).toBe(true);
  });

  it.each(defects.map((d) => [`${d.rule} on ${d.name}`, d] as const))('reports %s on the right resource and line', (_rule, defect) => {
    const matches = report.diagnostics.filter((d) => d.rule === defect.rule && d.resource?.name === defect.name);
    expect(matches).toHaveLength(1);
    const [found] = matches;
    expect(found!.resource).toMatchObject({ kind: defect.kind, namespace: defect.namespace, name: defect.name });
    expect(found!.cluster).toBe(defect.cluster);
    expect(found!.file).toBe(`broken/${defect.file}`);
    expect(found!.line).toBe(defect.line());
    expect(found!.column).toBeGreaterThan(0);
  });

  it('reports nothing else, and counts the suppressed finding', async () => {
    expect(report.diagnostics.map((d) => d.rule).sort()).toEqual(defects.map((d) => d.rule).sort());
    expect(report.summary).toEqual({ errors: 11, warnings: 4, infos: 0, suppressed: 1 });
  });

  it('lists suppressed findings with who suppressed them and why', async () => {
    const listed = await meshforge(work, ['lint', '--format', 'json', '--list-suppressed', 'broken/clusters']);
    const suppressed = (JSON.parse(listed.stdout) as { suppressed: { rule: string; by: string; reason: string; line: number; resource: { name: string } }[] }).suppressed;
    expect(suppressed).toEqual([
      expect.objectContaining({ rule: 'istio-mutual', by: 'annotation', reason: 'legacy batch client without a sidecar until the Q3 migration', line: lineOf('clusters/b/shop/destinationrule-legacy.yaml', 'mode: DISABLE'), resource: expect.objectContaining({ name: 'legacy' }) }),
    ]);
    const stylish = await meshforge(work, ['lint', '--list-suppressed', 'broken/clusters']);
    expect(stylish.stdout).toContain('Suppressed findings');
    expect(stylish.stdout).toContain('by annotation: legacy batch client');
  });

  it.each(['stylish', 'json', 'sarif', 'junit', 'github'])('exits 1 in format %s', async (format) => {
    const result = await meshforge(work, ['lint', '--format', format, 'broken/clusters']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('subset-not-found');
  });

  it('stylish shows the file:line:column, the offending line with a caret, and the summary', async () => {
    const result = await meshforge(work, ['lint', 'broken/clusters/a/shop/virtualservice-productpage.yaml', 'broken/clusters/a/shop/destinationrule-ratings.yaml', 'broken/clusters/a/shop/services.yaml']);
    const line = lineOf('clusters/a/shop/virtualservice-productpage.yaml', 'subset: v3');
    expect(result.stdout).toContain(`broken/clusters/a/shop/virtualservice-productpage.yaml:${line}:17: error: subset v3 of host ratings`);
    expect(result.stdout).toContain(`  ${line} |         subset: v3\n`);
    expect(result.stdout).toMatch(/\^\^/);
    // Without its ServiceEntry file, reviews.shop.b is not found either: 4 errors.
    expect(result.stdout).toContain('4 problems (4 errors, 0 warnings)');
    expect(result.code).toBe(1);
  });

  it('--rule runs only the named rules; an unknown rule is a usage error with a suggestion', async () => {
    const only = await meshforge(work, ['lint', '--format', 'json', '--rule', 'unique-vips', '--rule', 'vip-range', 'broken/clusters']);
    expect((JSON.parse(only.stdout) as typeof report).diagnostics.map((d) => d.rule).sort()).toEqual(['suppression-reason', 'unique-vips', 'vip-range']);
    const unknown = await meshforge(work, ['lint', '--rule', 'unique-vip', 'broken/clusters']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'unique-vips'");
  });
});

describe('meshforge lint inputs', () => {
  const clean = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec:
  mtls: { mode: STRICT }
`;
  const warningOnly = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  ports: [{ port: 80, name: web }]
`;

  it('reads - from standard input with --cluster, and exits 0 when clean', async () => {
    const result = await meshforge(work, ['lint', '--cluster', 'c9', '-'], clean);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 resources in 1 files across 1 cluster: no problems');
  });

  it('assigns the cluster of stdin resources from --cluster', async () => {
    const result = await meshforge(work, ['lint', '--format', 'json', '--cluster', 'c9', '-'], warningOnly);
    const parsed = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
    expect(parsed.diagnostics.map((d) => [d.rule, d.cluster, d.file, d.line])).toEqual([['service-port-name', 'c9', '<stdin>', 5]]);
    expect(result.code).toBe(0);
  });

  it('--max-warnings fails the run when warnings exceed it', async () => {
    const dir = join(work, 'warn');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'svc.yml'), `${warningOnly}---\n${clean}`);
    expect((await meshforge(work, ['lint', 'warn'])).code).toBe(0);
    expect((await meshforge(work, ['lint', '--max-warnings', '1', 'warn'])).code).toBe(0);
    const failing = await meshforge(work, ['lint', '--max-warnings', '0', 'warn']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('more than --max-warnings 0');
  });

  it('exits 2 with file:line:column on invalid YAML, in every format', async () => {
    const dir = join(work, 'bad-yaml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vs.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    const stylish = await meshforge(work, ['lint', 'bad-yaml']);
    expect(stylish.code).toBe(2);
    expect(stylish.stdout).toContain('bad-yaml/vs.yaml:5:3: error: duplicate key');
    expect(stylish.stderr).not.toMatch(/at .*\.js:\d+/);
    const json = await meshforge(work, ['lint', '--format', 'json', 'bad-yaml']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics[0]).toMatchObject({ rule: 'yaml-duplicate-key', file: 'bad-yaml/vs.yaml', line: 5, column: 3 });
  });

  it('validates schemas too, unless --no-schema', async () => {
    const wrongGroup = clean.replace('security.istio.io/v1', 'networking.istio.io/v1');
    const checked = await meshforge(work, ['lint', '--format', 'json', '--cluster', 'c9', '-'], wrongGroup);
    expect((JSON.parse(checked.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.map((d) => [d.rule, d.line])).toEqual([['schema-unknown-kind', 1]]);
    const skipped = await meshforge(work, ['lint', '--no-schema', '--format', 'json', '--cluster', 'c9', '-'], wrongGroup);
    expect((JSON.parse(skipped.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics).toEqual([]);
  });

  it('exits 2 for a missing path and for a document that is not a Kubernetes object', async () => {
    expect((await meshforge(work, ['lint', 'does-not-exist'])).code).toBe(2);
    const dir = join(work, 'not-k8s');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'x.yaml'), 'name: just some yaml\n');
    const result = await meshforge(work, ['lint', 'not-k8s']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('not-k8s/x.yaml:1:1: error: document 1 has no apiVersion');
  });

  it('loads ./mesh.config.yaml for exceptions and severity overrides; a broken config is exit 2', async () => {
    const dir = join(work, 'with-config');
    mkdirSync(join(dir, 'clusters', 'cluster1'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'cluster1', 'pa.yaml'), clean.replace('STRICT', 'PERMISSIVE') + `---\n${warningOnly}`);
    const config = readFileSync(join(root, 'mesh.config.yaml'), 'utf8').replace(
      /policies:[\s\S]*$/,
      `policies:\n  severity:\n    service-port-name: "off"\n    strict-mtl: warning\n  exceptions:\n    - { rule: strict-mtls, cluster: cluster1, namespace: istio-*, reason: "plaintext during the migration of legacy clients" }\n`,
    );
    writeFileSync(join(dir, 'mesh.config.yaml'), config);
    const result = await meshforge(dir, ['lint', '--format', 'json']);
    const parsed = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[]; summary: { suppressed: number } };
    expect(parsed.diagnostics.map((d) => [d.rule, d.file])).toEqual([['policy-unknown-rule', 'mesh.config.yaml']]);
    expect(parsed.summary.suppressed).toBe(1);
    expect(result.code).toBe(0);

    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: meshforge.io/v1alpha1\nmesh: [\n');
    const broken = await meshforge(dir, ['lint', '--config', 'broken.yaml']);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain('broken.yaml:');
  });

  it('skips kustomization.yaml and reads Helm values under install/', async () => {
    const dir = join(work, 'tree', 'clusters', 'east');
    mkdirSync(join(dir, 'install'), { recursive: true });
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- pa.yaml\n');
    writeFileSync(join(dir, 'pa.yaml'), clean);
    writeFileSync(join(dir, 'install', 'istiod.values.yaml'), 'meshConfig:\n  outboundTrafficPolicy:\n    mode: ALLOW_ANY\n');
    const result = await meshforge(work, ['lint', '--format', 'json', 'tree']);
    const parsed = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
    expect(parsed.diagnostics.map((d) => [d.rule, d.cluster, d.resource?.kind, d.resource?.name, d.line])).toEqual([['registry-only', 'east', 'HelmValues', 'istiod', 3]]);
    expect(result.code).toBe(1);
  });
});

describe('the example mesh', () => {
  it('generates a tree that lints with no errors and no warnings', async () => {
    const dir = prepareProject('meshforge-lint-example-');
    try {
    const result = await meshforge(dir, ['lint', '--format', 'json', 'clusters']);
    const parsed = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
    expect(parsed.diagnostics).toEqual([]);
    expect(result.code).toBe(0);

    // A hand edit of a generated file is reported with the mesh.config.yaml line the file came from.
    const values = join(dir, 'clusters', 'cluster3', 'install', 'istiod.values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('mode: REGISTRY_ONLY', 'mode: ALLOW_ANY'));
    const edited = await meshforge(dir, ['lint', '--format', 'json', 'clusters']);
    const found = (JSON.parse(edited.stdout) as { diagnostics: (JsonDiagnostic & { source: { file: string; line: number } | null })[] }).diagnostics;
    const configLines = readFileSync(join(dir, 'mesh.config.yaml'), 'utf8').split('\n');
    expect(found.map((d) => [d.rule, d.cluster, d.file])).toEqual([['registry-only', 'cluster3', 'clusters/cluster3/install/istiod.values.yaml']]);
    expect(found[0]!.source?.file).toBe('mesh.config.yaml');
    expect(configLines[found[0]!.source!.line - 1]).toMatch(/install:/);
    expect(edited.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the ambient example (examples/ambient)', () => {
  it('has a committed tree that lints with no errors, and only the beta warning of its own config', async () => {
    // No --config: the tree's provenance index names examples/ambient/mesh.config.yaml, not the package root's config.
    for (const args of [['examples/ambient/clusters'], ['--config', 'examples/ambient/mesh.config.yaml', 'examples/ambient/clusters']]) {
      const result = await meshforge(packagePath(), ['lint', '--format', 'json', ...args]);
      const parsed = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
      expect(parsed.diagnostics.map((d) => `${d.rule} ${d.severity} ${d.file}`)).toEqual(['config-ambient-beta warning examples/ambient/mesh.config.yaml']);
      expect(result.code).toBe(0);
    }
  });

  it('takes no config from an index that points outside the caller\'s folder', async () => {
    // The ambient config sits beside the caller's folder, not in it: the index may not pull it in.
    const outside = tempDir();
    const caller = join(outside, 'repo');
    cpSync(packagePath('examples', 'ambient', 'clusters'), join(caller, 'clusters'), { recursive: true });
    cpSync(packagePath('examples', 'ambient', 'mesh.config.yaml'), join(outside, 'mesh.config.yaml'));
    const index = join(caller, 'clusters', 'meshforge-provenance.json');
    writeFileSync(index, readFileSync(index, 'utf8').replace('"config": "../mesh.config.yaml"', '"config": "../../mesh.config.yaml"'));
    const result = await meshforge(caller, ['lint', '--format', 'json', 'clusters']);
    const parsed = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] };
    expect(parsed.diagnostics.map((d) => d.rule)).not.toContain('config-ambient-beta');
    // Inside the caller's folder the same index is followed.
    cpSync(join(outside, 'mesh.config.yaml'), join(caller, 'fleet.yaml'));
    writeFileSync(index, readFileSync(index, 'utf8').replace('"config": "../../mesh.config.yaml"', '"config": "../fleet.yaml"'));
    const inside = JSON.parse((await meshforge(caller, ['lint', '--format', 'json', 'clusters'])).stdout) as { diagnostics: JsonDiagnostic[] };
    expect(inside.diagnostics.map((d) => `${d.rule} ${d.file}`)).toEqual(['config-ambient-beta fleet.yaml']);
  });
});

describe('meshforge explain', () => {
  it('prints a rule page', async () => {
    const result = await meshforge(work, ['explain', 'registry-only']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(root, 'policies', 'registry-only.md'), 'utf8'));
  });

  it('lists every rule without an argument', async () => {
    const result = await meshforge(work, ['explain']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^unique-vips\s+error\s+ServiceEntry addresses/m);
    expect(result.stdout).toMatch(/^suppression-reason\s+error/m);
  });

  it('exits 2 with a did-you-mean for an unknown rule', async () => {
    const result = await meshforge(work, ['explain', 'registy-only']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown rule 'registy-only'; did you mean 'registry-only'?");
  });
});
