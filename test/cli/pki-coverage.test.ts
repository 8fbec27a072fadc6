import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess, tempWorkspace } from './helpers.js';

/** The example with a fourth cluster added after `certs init` made folders for the first three. */
function workspaceWithNewCluster(): { dir: string; line: number } {
  const dir = tempWorkspace('meshforge-pki-coverage-');
  const config = join(dir, 'mesh.config.yaml');
  const text = readFileSync(config, 'utf8').replace(/^clusters:\n/m, 'clusters:\n  - { name: cluster4, network: network4 }\n');
  writeFileSync(config, text);
  for (const cluster of ['cluster1', 'cluster2', 'cluster3']) mkdirSync(join(dir, '.meshforge', 'pki', cluster), { recursive: true });
  return { dir, line: text.split('\n').indexOf('  - { name: cluster4, network: network4 }') + 1 };
}

// #18: adding a cluster broke `check` later, with an error at :1:1 of a folder and no earlier warning.
describe('a cluster the PKI folder does not cover yet', () => {
  it('validate warns at the cluster entry and points at certs init', async () => {
    const { dir, line } = workspaceWithNewCluster();
    const r = await runInProcess(['validate'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`mesh.config.yaml:${line}:13: warning: cluster cluster4 has no intermediate CA in .meshforge/pki/cluster4: \`meshforge check\` fails until it has one [pki-cluster-uninitialized]`);
    expect(r.stdout).toContain('hint: Run `meshforge certs init`');
    expect(r.stdout).not.toContain('cluster cluster1 has no');
  });

  // Generates and writes the whole example tree: more than the 15 s default on a loaded machine.
  it('generate reports the same warning and still writes', { timeout: 60_000 }, async () => {
    const { dir, line } = workspaceWithNewCluster();
    const r = await runInProcess(['generate'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`mesh.config.yaml:${line}:13: warning: cluster cluster4 has no intermediate CA`);
    // The run-state cache must not replay the warning once the folder exists (it does not fingerprint the PKI).
    const again = await runInProcess(['generate'], { cwd: dir });
    expect(again.stdout).toContain('warning: cluster cluster4 has no intermediate CA');
    mkdirSync(join(dir, '.meshforge', 'pki', 'cluster4'), { recursive: true });
    const covered = await runInProcess(['generate'], { cwd: dir });
    expect(covered.status).toBe(0);
    expect(covered.stdout).not.toContain('pki-cluster-uninitialized');
  });

  it("check's error is at the cluster's config line, not 1:1 of a folder", async () => {
    const { dir, line } = workspaceWithNewCluster();
    const r = await runInProcess(['check', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(r.stdout) as { diagnostics: { rule: string; message: string; file: string; line: number; column: number }[] };
    const missing = report.diagnostics.find((d) => d.rule === 'pki-missing' && d.message.startsWith('cluster cluster4'));
    expect(missing).toMatchObject({ file: 'mesh.config.yaml', line, column: 13 });
  });

  it('says nothing when there is no PKI folder at all', async () => {
    const dir = tempWorkspace('meshforge-pki-coverage-');
    const r = await runInProcess(['validate'], { cwd: dir });
    expect(r.stdout).not.toContain('pki-cluster-uninitialized');
  });
});
