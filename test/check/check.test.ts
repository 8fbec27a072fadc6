import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstDifferentLine, runCheck } from '../../generator/app/check.js';
import { trackTemp } from '../setup/temp-registry.js';
import { copyOfProject, prepareProject, run, runIn } from './helpers.js';

// `meshforge check` in this process (one smoke test spawns the built CLI) on temp copies of the example project whose
// tree is what the config generates. The embedded schemas stand in for kubeconform (not installable here); the
// workflow runs the real one.
const CHECK = ['check', '--validator', 'embedded'];

interface JsonReport {
  diagnostics: { rule: string; severity: string; file?: string; line?: number; message: string }[];
  summary: { errors: number; warnings: number };
}

describe('meshforge check', () => {
  let clean: string;
  /** A fresh copy of the generated project (tracked: removed after the run). */
  const generatedProject = (): string => copyOfProject(clean, 'meshforge-check-');
  beforeAll(async () => {
    clean = trackTemp(prepareProject());
  });

  it('the built CLI exits 0 on a tree that is what the config generates, and names the stages that ran', () => {
    const result = run(clean, [...CHECK, '--timings']);
    expect(result.stderr).toMatch(/meshforge check timings: config \d+ ms, drift \d+ ms, schema \d+ ms, policies \d+ ms, pki skipped; total \d+ ms/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/no problems \(config, drift, schema \(embedded\), policies\)/);
  });

  it('--format json is pure JSON on stdout, status on stderr', async () => {
    const result = await runIn(clean, [...CHECK, '--format', 'json', '--timings']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.summary.errors).toBe(0);
    expect(result.stderr).toMatch(/no problems/);
  });

  for (const file of ['cluster1/bar/serviceentry-httpbin-cluster2.yaml', 'cluster1/flux/istio/helmrelease-istiod.yaml', '_argocd/applicationset-mesh1-mesh.yaml', 'cluster2/install/istio-operator.yaml']) {
    it(`exits 1 with a drift finding after a hand edit of ${file}`, async () => {
      const dir = generatedProject();
      const path = join(dir, 'clusters', file);
      const text = readFileSync(path, 'utf8');
      const lines = text.split('\n');
      lines.splice(6, 0, '# edited by hand');
      writeFileSync(path, lines.join('\n'));
      const result = await runIn(dir, [...CHECK, '--no-schema', '--format', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as JsonReport;
      const drift = report.diagnostics.filter((d) => d.rule === 'drift');
      expect(drift.map((d) => d.file)).toEqual([`clusters/${file}`]);
      expect(drift[0]!.line).toBe(7);
      expect(drift[0]!.message).toMatch(/from line 7 on/);
    });
  }

  it('reports a deleted generated file and an edited VIP ledger as drift', async () => {
    const dir = generatedProject();
    rmSync(join(dir, 'clusters', 'cluster3', 'flux', 'kustomization-mesh-config.yaml'));
    appendFileSync(join(dir, 'mesh.lock.yaml'), '# hand edit\n');
    const result = await runIn(dir, [...CHECK, '--no-schema', '--format', 'json']);
    expect(result.code).toBe(1);
    const drift = (JSON.parse(result.stdout) as JsonReport).diagnostics.filter((d) => d.rule === 'drift');
    expect(drift.map((d) => d.file).sort()).toEqual(['clusters/cluster3/flux/kustomization-mesh-config.yaml', 'mesh.lock.yaml']);
  });

  it('--format sarif is a SARIF log with the drift rule and its result', async () => {
    const dir = generatedProject();
    appendFileSync(join(dir, 'clusters', 'cluster2', 'kustomization.yaml'), '# edited\n');
    const result = await runIn(dir, [...CHECK, '--format', 'sarif']);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['drift', 'schema', 'registry-only', 'pki-chain']));
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === 'drift');
    expect(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['clusters/cluster2/kustomization.yaml']);
  });

  it('exits 2 on an invalid config, with the config error and nothing else', async () => {
    const dir = generatedProject();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('network: network2', 'network: [oops]'));
    const result = await runIn(dir, [...CHECK, '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.diagnostics.length).toBeGreaterThan(0);
    expect(report.diagnostics.every((d) => d.file === 'mesh.config.yaml')).toBe(true);
    expect(report.diagnostics.some((d) => d.rule === 'drift')).toBe(false);
  });

  it('exits 2 for a --pki folder that does not exist, and 3 when the named kubeconform is missing', async () => {
    expect((await runIn(clean, [...CHECK, '--pki', 'no-such-pki'])).code).toBe(2);
    const missing = await runIn(clean, ['check', '--validator', 'kubeconform', '--kubeconform', join(clean, 'no-kubeconform')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/kubeconform not found/);
  });

  it('verifies the PKI when its folder exists: an empty one is reported, not skipped', async () => {
    const dir = generatedProject();
    mkdirSync(join(dir, '.meshforge', 'pki'), { recursive: true });
    const result = await runIn(dir, [...CHECK, '--format', 'json', '--timings']);
    expect(result.code).toBe(1);
    const rules = new Set((JSON.parse(result.stdout) as JsonReport).diagnostics.map((d) => d.rule));
    expect(rules).toEqual(new Set(['pki-missing']));
    expect(result.stderr).toMatch(/pki \d+ ms/);
  });

  it('runCheck: the drift, the stages and the status as data, every path from the caller\'s folder', async () => {
    const dir = generatedProject();
    appendFileSync(join(dir, 'clusters', 'cluster2', 'kustomization.yaml'), '# edited\n');
    let tick = 0;
    const result = await runCheck({ validator: 'embedded', timings: true, clock: () => (tick += 5) }, { cwd: dir, env: {} });
    expect(result.status).toBe('findings');
    expect(result.outcome).toBe('checked');
    expect(result.drift?.changed).toEqual(['cluster2/kustomization.yaml']);
    expect(result.drift?.lockChanged).toBe(false);
    expect(result.stages.map((s) => [s.name, s.ran, s.ms])).toEqual([['config', true, 5], ['drift', true, 5], ['schema', true, 5], ['policies', true, 5], ['pki', false, 0]]);
    expect(result.report?.diagnostics.map((d) => [d.rule, d.file])).toEqual([['drift', 'clusters/cluster2/kustomization.yaml']]);
    expect(result.statusText).toBe('meshforge check: 1 generated file out of date with mesh.config.yaml: run `meshforge generate` and commit the result\n  cluster2: resources 0 added, 0 changed, 0 removed; files 0 added, 1 changed, 0 removed\n');
    expect(result.timingsText).toMatch(/^meshforge check timings: config 5 ms, drift 5 ms, schema 5 ms, policies 5 ms, pki skipped; total \d+ ms/);
  });

  it('--no-schema skips schema validation', async () => {
    const result = await runIn(clean, [...CHECK, '--no-schema', '--timings']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/schema skipped/);
  });
});

describe('firstDifferentLine', () => {
  it('finds the first line that differs', () => {
    expect(firstDifferentLine('a\nb\nc\n', 'a\nb\nc\n')).toBe(1);
    expect(firstDifferentLine('a\nb\nc\n', 'a\nx\nc\n')).toBe(2);
    expect(firstDifferentLine('a\nb\n', 'a\nb\nc\n')).toBe(3);
  });
});
