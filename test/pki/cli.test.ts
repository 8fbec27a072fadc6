import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess, runMeshforge } from '../cli/helpers.js';
import { openssl, opensslText, read, removeTempDirs, tempDir } from './helpers.js';

// Runs the CLI in-process (one smoke test spawns the built binary: npm run build first) on a copy of the example
// mesh.config.yaml. This suite keeps Istio's full profile: every CA key is RSA 4096.
const EXAMPLE = resolve(import.meta.dirname, '../../mesh.config.yaml');
const CLUSTERS = ['cluster1', 'cluster2', 'cluster3'];

async function meshforge(cwd: string, ...args: string[]) {
  const result = await runInProcess(args, { cwd });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(removeTempDirs);

interface JsonReport {
  diagnostics: { rule: string; severity: string; file?: string }[];
  summary: { errors: number; warnings: number };
}

describe('meshforge certs (CLI, example mesh, RSA 4096)', () => {
  let project: string;
  let pki: string;

  beforeAll(async () => {
    project = tempDir('mf-pki-cli-');
    copyFileSync(EXAMPLE, join(project, 'mesh.config.yaml'));
    // A git repository like a user's: the PKI folder is ignored, as in meshforge's own .gitignore.
    await execa('git', ['init', '-q'], { cwd: project });
    writeFileSync(join(project, '.gitignore'), '.meshforge/\n');
    pki = join(project, '.meshforge', 'pki');
    const init = await meshforge(project, 'certs', 'init');
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/22 files created, 0 kept/);
  });

  it('creates the root and every cluster intermediate, which openssl verifies', async () => {
    for (const cluster of CLUSTERS) {
      const result = await openssl(['verify', '-CAfile', join(pki, 'root-cert.pem'), join(pki, cluster, 'ca-cert.pem')]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(read(join(pki, cluster, 'root-cert.pem'))).toBe(read(join(pki, 'root-cert.pem')));
    }
    const text = await opensslText(join(pki, 'cluster2', 'ca-cert.pem'));
    expect(text).toContain('Public-Key: (4096 bit)');
    expect(text).toContain('Subject: O=UTF8STRING:Istio, CN=UTF8STRING:Intermediate CA, L=UTF8STRING:cluster2');
    expect(await opensslText(join(pki, 'root-cert.pem'))).toContain('Public-Key: (4096 bit)');
  });

  it('keeps key material out of git status', async () => {
    const status = await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: project });
    expect(status.stdout).not.toMatch(/\.meshforge|\.pem|\.key/);
    expect(status.stdout).toContain('mesh.config.yaml');
  });

  it('`certs verify` exits 0 on a fresh PKI, in every format', async () => {
    // The one smoke test of `certs` through the built binary, as a user runs it.
    const stylish = runMeshforge(['certs', 'verify'], { cwd: project });
    expect(stylish.status, stylish.stdout + stylish.stderr).toBe(0);
    expect(stylish.stdout).toMatch(/^PKI \.meshforge\/pki is valid: one root, 3 cluster intermediates\n$/);
    const inProcess = await meshforge(project, 'certs', 'verify');
    expect(inProcess.code).toBe(0);
    expect(inProcess.stdout).toBe(stylish.stdout);
    const json = await meshforge(project, 'certs', 'verify', '--format', 'json');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as JsonReport).summary).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('re-running init changes nothing', async () => {
    const before = read(join(pki, 'cluster1', 'ca-cert.pem'));
    const again = await meshforge(project, 'certs', 'init');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 files created, 22 kept/);
    expect(read(join(pki, 'cluster1', 'ca-cert.pem'))).toBe(before);
  });

  it('`certs verify` exits 1 once certificates have expired (--at)', async () => {
    const result = await meshforge(project, 'certs', 'verify', '--format', 'json', '--at', '2100-01-01');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.diagnostics.filter((d) => d.rule === 'pki-expired').length).toBeGreaterThanOrEqual(7);
  });

  it('`certs verify` warns (exit 1) about certificates expiring within --warning-days', async () => {
    // The ingress certificates of the example last 825 days.
    const result = await meshforge(project, 'certs', 'verify', '--format', 'json', '--warning-days', '900');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.summary.errors).toBe(0);
    expect(new Set(report.diagnostics.map((d) => `${d.severity}:${d.rule}`))).toEqual(new Set(['warning:pki-expiring']));
  });

  it('`certs secrets` prints the Secrets of a cluster and the kubectl commands', async () => {
    const result = await meshforge(project, 'certs', 'secrets', '--cluster', 'cluster2');
    expect(result.code, result.stderr).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as { metadata: { name: string; namespace: string } });
    expect(docs.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['istio-system/cacerts', 'istio-system/httpbin-credential']);
    expect(result.stdout.includes('#   kubectl --context=cluster2 -n istio-system create secret generic cacerts --from-file=ca-cert.pem=.meshforge/pki/cluster2/ca-cert.pem')).toBe(true);
    const script = await meshforge(project, 'certs', 'secrets', '--cluster', 'cluster1', '--commands');
    expect(script.stdout).toContain('kubectl --context=cluster1 -n istio-system create secret tls helloworld-web-credential --cert=.meshforge/pki/ingress/helloworld-web-credential/tls.crt');
  });

  it('refuses to write Secrets into the generated tree (exit 2)', async () => {
    const result = await meshforge(project, 'certs', 'secrets', '--out', 'clusters/secrets');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to write private keys/);
    expect(existsSync(join(project, 'clusters'))).toBe(false);
  });

  it('rotates a cluster intermediate and keeps the previous one until --confirm', async () => {
    const old = read(join(pki, 'cluster3', 'ca-cert.pem'));
    const rotate = await meshforge(project, 'certs', 'rotate', '--cluster', 'cluster3');
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain('rollout restart deployment/istiod');
    expect(read(join(pki, 'cluster3', 'previous', 'ca-cert.pem'))).toBe(old);
    expect((await openssl(['verify', '-CAfile', join(pki, 'root-cert.pem'), join(pki, 'cluster3', 'ca-cert.pem')])).exitCode).toBe(0);
    expect((await meshforge(project, 'certs', 'verify')).code).toBe(0);
    expect((await meshforge(project, 'certs', 'rotate', '--cluster', 'cluster3')).code).toBe(2);
    const confirm = await meshforge(project, 'certs', 'rotate', '--cluster', 'cluster3', '--confirm');
    expect(confirm.code).toBe(0);
    expect(existsSync(join(pki, 'cluster3', 'previous'))).toBe(false);
  });

  it('issues a client certificate', async () => {
    const result = await meshforge(project, 'certs', 'client', 'client.example.com');
    expect(result.code, result.stderr).toBe(0);
    const verified = await openssl(['verify', '-CAfile', join(pki, 'ingress', 'ca.crt'), join(pki, 'ingress', 'clients', 'client.example.com', 'tls.crt')]);
    expect(verified.exitCode).toBe(0);
    expect((await meshforge(project, 'certs', 'client', 'Not Valid')).code).toBe(2);
  });

  // Last: it breaks the PKI.
  it('`certs verify` exits 1 after a cluster root-cert.pem is replaced', async () => {
    copyFileSync(join(pki, 'ingress', 'ca.crt'), join(pki, 'cluster2', 'root-cert.pem'));
    const result = await meshforge(project, 'certs', 'verify', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.diagnostics.map((d) => d.rule)).toEqual(['pki-root-mismatch']);
    expect(report.diagnostics[0]!.file).toBe('.meshforge/pki/cluster2/root-cert.pem');
  });
});

describe('meshforge certs: input and environment errors', () => {
  it('exits 2 on an invalid config and writes nothing', async () => {
    const project = tempDir('mf-pki-cli-');
    writeFileSync(join(project, 'mesh.config.yaml'), 'apiVersion: meshforge.io/v1alpha1\nmesh: { id: 1 }\n');
    const result = await meshforge(project, 'certs', 'init');
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/mesh.config.yaml:\d+:\d+/);
    expect(result.stderr).toContain('meshforge: mesh.config.yaml is not valid; nothing was written');
    expect(existsSync(join(project, '.meshforge'))).toBe(false);
  });

  it('exits 2 when the PKI folder would be visible to git, and 2 inside the generated tree', async () => {
    const project = tempDir('mf-pki-cli-');
    copyFileSync(EXAMPLE, join(project, 'mesh.config.yaml'));
    await execa('git', ['init', '-q'], { cwd: project });
    const visible = await meshforge(project, 'certs', 'init');
    expect(visible.code).toBe(2);
    expect(visible.stderr).toMatch(/not ignored: git status would show it/);
    const tree = await meshforge(project, 'certs', 'init', '--pki', 'clusters/pki');
    expect(tree.code).toBe(2);
    expect(tree.stderr).toMatch(/inside the generated tree/);
    expect(existsSync(join(project, '.meshforge'))).toBe(false);
    expect(existsSync(join(project, 'clusters'))).toBe(false);
  });

  it('exits 3 when the PKI folder cannot be created', async () => {
    const project = tempDir('mf-pki-cli-');
    copyFileSync(EXAMPLE, join(project, 'mesh.config.yaml'));
    writeFileSync(join(project, 'blocker'), 'a file where a folder should be');
    const result = await meshforge(project, 'certs', 'init', '--pki', 'blocker/pki');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/blocker\/pki.*\(ENOTDIR\)/);
  });

  it('exits 2 for verify without a PKI folder and for an unknown cluster', async () => {
    const project = tempDir('mf-pki-cli-');
    copyFileSync(EXAMPLE, join(project, 'mesh.config.yaml'));
    const verify = await meshforge(project, 'certs', 'verify');
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/no PKI folder/);
    expect((await meshforge(project, 'certs', 'verify', '--at', 'someday')).code).toBe(2);
    expect((await meshforge(project, 'certs', 'rotate', '--cluster', 'nope')).code).toBe(2);
    expect((await meshforge(project, 'certs', 'rotate')).code).toBe(2);
  });
});
