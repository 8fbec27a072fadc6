import { appendFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trackTemp } from '../setup/temp-registry.js';
import { copyOfProject, prepareProject, runIn as run, type Run } from './helpers.js';

// `meshforge check --shard i/n` in this process on temp copies of the example project. Every finding of an
// unsharded run must appear in exactly one shard's run. The embedded schemas stand in for kubeconform.
const CHECK = ['check', '--validator', 'embedded', '--format', 'json'];

interface JsonReport {
  diagnostics: { rule: string; file?: string; line?: number; message: string }[];
  summary: { errors: number; warnings: number; suppressed: number };
}

function report(result: Run): JsonReport {
  return JSON.parse(result.stdout) as JsonReport;
}

function findings(result: Run): string[] {
  return report(result).diagnostics.map((d) => `${d.file}:${d.line} ${d.rule} ${d.message}`);
}

describe('meshforge check --shard', async () => {
  let clean: string;
  let drifted: string;
  /** A fresh copy of the generated project (tracked: removed after the run). */
  const generatedProject = (): string => copyOfProject(clean, 'meshforge-check-shard-');
  beforeAll(async () => {
    clean = trackTemp(prepareProject());
    drifted = generatedProject();
    // Drift in each cluster's folder, a fleet-wide wrapper, a removed file and the ledger.
    appendFileSync(join(drifted, 'clusters', 'cluster1', 'bar', 'serviceentry-httpbin-cluster2.yaml'), '# edited\n');
    appendFileSync(join(drifted, 'clusters', '_argocd', 'root-application.yaml'), '# edited\n');
    unlinkSync(join(drifted, 'clusters', 'cluster2', 'kustomization.yaml'));
    appendFileSync(join(drifted, 'clusters', 'cluster3', 'kustomization.yaml'), '# edited\n');
    appendFileSync(join(drifted, 'mesh.lock.yaml'), '# edited\n');
  });

  for (const n of [2, 3]) {
    it(`the union over ${n} shards is the unsharded report, each finding in exactly one shard`, async () => {
      const whole = await run(drifted, CHECK);
      expect(whole.code).toBe(1);
      const all = findings(whole).sort();
      expect(all.length).toBeGreaterThanOrEqual(5);
      const shards: Run[] = [];
      for (let i = 1; i <= n; i++) shards.push(await run(drifted, [...CHECK, '--shard', `${i}/${n}`]));
      expect(shards.flatMap(findings).sort()).toEqual(all);
      expect(shards.reduce((sum, s) => sum + report(s).summary.suppressed, 0)).toBe(report(whole).summary.suppressed);
      for (const shard of shards) expect(shard.code).toBe(report(shard).summary.errors > 0 ? 1 : 0);
    });
  }

  it('shard 1 owns the fleet-wide files and the ledger; the others only their clusters', async () => {
    const one = findings(await run(drifted, [...CHECK, '--shard', '1/3']));
    const two = findings(await run(drifted, [...CHECK, '--shard', '2/3']));
    expect(one.some((f) => f.startsWith('clusters/_argocd/'))).toBe(true);
    expect(one.some((f) => f.startsWith('mesh.lock.yaml'))).toBe(true);
    expect(one.every((f) => !f.startsWith('clusters/cluster2/') && !f.startsWith('clusters/cluster3/'))).toBe(true);
    expect(two.length).toBeGreaterThan(0);
    expect(two.every((f) => f.startsWith('clusters/cluster2/'))).toBe(true);
  });

  it('a clean shard exits 0 and names its shard', async () => {
    const result = await run(clean, ['check', '--validator', 'embedded', '--shard', '2/2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/files \(shard 2\/2\), no problems/);
  });

  it('an invalid config fails every shard (exit 2); shard 1 shows why', async () => {
    const dir = generatedProject();
    writeFileSync(join(dir, 'mesh.config.yaml'), 'mesh: [unclosed\n');
    const one = await run(dir, [...CHECK, '--shard', '1/2']);
    const two = await run(dir, [...CHECK, '--shard', '2/2']);
    expect(one.code).toBe(2);
    expect(two.code).toBe(2);
    expect(report(one).diagnostics.length).toBeGreaterThan(0);
    expect(report(two).diagnostics).toEqual([]);
  });

  for (const bad of ['0/2', '3/2', 'two']) {
    it(`refuses --shard ${bad} (exit 2)`, async () => {
      const result = await run(drifted, ['check', '--shard', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--shard/);
    });
  }
});
