import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packagePath } from '../../generator/core/paths.js';
import { runInProcess } from '../cli/helpers.js';
import { exampleText, readTree, tempDir } from './helpers.js';

// The CLI in-process, in a temp folder holding a copy of the example; one smoke test runs the built binary
// (run `npm run build` first) as a child process.
const BIN = packagePath('bin', 'meshforge.js');

function spawned(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function run(cwd: string, ...args: string[]) {
  const result = await runInProcess(args, { cwd });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = tempDir('meshforge-cli-');
  made.push(dir);
  return dir;
}

function project(text = exampleText()): string {
  const dir = temp();
  writeFileSync(join(dir, 'mesh.config.yaml'), text);
  return dir;
}


describe('meshforge generate', () => {
  // A child process starts slowly on a busy machine (tens of seconds at a load of 20 on 2 cores): a wider timeout.
  it('writes the tree and the ledger on a fresh clone, with a per-cluster summary, identical to the committed tree (the built binary)', { timeout: 180_000 }, async () => {
    const dir = project();
    const first = spawned(dir, 'generate');
    expect(first.code).toBe(0);
    // The cluster's folder and the Argo CD Applications that deploy to it (in _argocd/: its Helm charts and its Gateway API CRDs).
    expect(first.stdout).toMatch(/cluster1: resources 40 added, 0 changed, 0 removed; files 47 added, 0 changed, 0 removed/);
    expect(first.stdout).toMatch(/cluster2: resources \d+ added, 0 changed, 0 removed; files \d+ added/);
    expect(first.stdout).toMatch(/\(fleet-wide\): resources 2 added, 0 changed, 0 removed; files 3 added/);
    expect(first.stdout).toMatch(/mesh\.lock\.yaml: created/);
    expect(readTree(join(dir, 'clusters'))).toEqual(readTree(packagePath('clusters')));
    expect(readFileSync(join(dir, 'mesh.lock.yaml'), 'utf8')).toBe(readFileSync(packagePath('mesh.lock.yaml'), 'utf8'));
    const second = await run(dir, 'generate');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('cluster1: up to date');
    expect(second.stdout).toContain('mesh.lock.yaml: unchanged');
  });

  it('counts the files and resources it prunes when a config entry goes away', async () => {
    const dir = project();
    expect((await run(dir, 'generate')).code).toBe(0);
    const google = /  # S4: HTTPS passes through the sidecar[^\n]*\n  - name: google\n(    [^\n]*\n)+/;
    expect(exampleText()).toMatch(google);
    writeFileSync(join(dir, 'mesh.config.yaml'), exampleText().replace(google, ''));
    const result = await run(dir, 'generate', '--no-cache');
    expect(result.code).toBe(0);
    // google's ServiceEntry is written to every cluster: one file, one resource, pruned from each. (The entries after
    // it move up one place in the config, so the files naming their config path change too.)
    for (const cluster of ['cluster1', 'cluster2', 'cluster3']) expect(result.stdout).toMatch(new RegExp(`${cluster}: resources 0 added, \\d+ changed, 1 removed; files 0 added, \\d+ changed, 1 removed`));
  });

  it('--check passes on the committed tree', async () => {
    const result = await run(packagePath(), 'generate', '--check');
    expect(result.stdout + result.stderr).toContain('up to date');
    expect(result.code).toBe(0);
  });

  it('--check passes on the committed ambient example tree (examples/ambient/clusters)', async () => {
    const result = await run(packagePath(), 'generate', '--check', '--config', 'examples/ambient/mesh.config.yaml', '--out', 'examples/ambient/clusters');
    expect(result.stdout + result.stderr).toContain('up to date');
    expect(result.code).toBe(0);
  });

  it('--check fails after a hand edit, a deleted file or a lost ledger, and writes nothing', async () => {
    const dir = project();
    expect((await run(dir, 'generate')).code).toBe(0);
    expect((await run(dir, 'generate', '--check')).code).toBe(0);
    const edited = join(dir, 'clusters/cluster1/bar/serviceentry-httpbin-cluster2.yaml');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('32001', '32002'));
    rmSync(join(dir, 'clusters/cluster2/kustomization.yaml'));
    const snapshot = readTree(dir);
    const result = await run(dir, 'generate', '--check');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('changed   clusters/cluster1/bar/serviceentry-httpbin-cluster2.yaml');
    expect(result.stdout).toContain('missing   clusters/cluster2/kustomization.yaml');
    expect(readTree(dir)).toEqual(snapshot);
    // Regenerating repairs it; then losing the ledger (Admiral's failure) is drift too, not a silent renumbering.
    expect((await run(dir, 'generate')).code).toBe(0);
    rmSync(join(dir, 'mesh.lock.yaml'));
    const lost = await run(dir, 'generate', '--check');
    expect(lost.code).toBe(1);
    expect(lost.stdout).toContain('missing   mesh.lock.yaml');
  });

  it('exits 2 with the same diagnostics as validate on an invalid config, writing nothing', { timeout: 180_000 }, async () => {
    const dir = project(exampleText().replace('exportTo: [cluster1]', 'exportTo: [clustr1]'));
    const generate = await run(dir, 'generate');
    // validate's own command still reads its config from process.cwd() (its in-process conversion is another task's):
    // until then it runs as a child process in the project folder.
    const validate = spawned(dir, 'validate');
    expect(generate.code).toBe(2);
    expect(generate.stdout).toBe(validate.stdout);
    expect(generate.stdout).toMatch(/mesh\.config\.yaml:\d+:\d+: error: unknown cluster 'clustr1'/);
    expect(readdirSync(dir)).toEqual(['mesh.config.yaml']);
  });

  it('exits 2 on an unknown --cluster', async () => {
    const dir = project();
    const result = await run(dir, 'generate', '--cluster', 'cluster9');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('no such cluster');
    expect(readdirSync(dir)).toEqual(['mesh.config.yaml']);
  });

  it('--cluster writes only that cluster, --out and --config choose the paths', async () => {
    const dir = project();
    mkdirSync(join(dir, 'conf'));
    cpSync(join(dir, 'mesh.config.yaml'), join(dir, 'conf', 'mesh.config.yaml'));
    const result = await run(dir, 'generate', '--config', 'conf/mesh.config.yaml', '--out', 'gitops/clusters', '--cluster', 'cluster3');
    expect(result.code).toBe(0);
    expect(readdirSync(join(dir, 'gitops/clusters')).sort()).toEqual(['cluster3', 'meshforge-provenance.json']);
    expect(existsSync(join(dir, 'conf', 'mesh.lock.yaml'))).toBe(true);
  });

  it('exits 3 when a foreign file is in the way or the output folder is not usable, changing nothing', async () => {
    const dir = project();
    expect((await run(dir, 'generate')).code).toBe(0);
    const foreign = join(dir, 'clusters/cluster1/foo');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(dir, 'clusters/cluster1/notes.md'), 'mine\n');
    // A new service in foo would need a file the user already wrote by hand.
    writeFileSync(join(dir, 'mesh.config.yaml'), exampleText().replace('cluster: cluster1\n    ports: [{ number: 80, name: http, protocol: HTTP }]', 'cluster: cluster1\n    ports: [{ number: 80, name: http, protocol: HTTP }]\n    versions: [{ name: v1 }]'));
    writeFileSync(join(foreign, 'destinationrule-sleep.yaml'), 'hand: written\n');
    const before = readTree(dir);
    const result = await run(dir, 'generate');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('did not generate');
    expect(result.stderr).toContain('cluster1/foo/destinationrule-sleep.yaml');
    expect(readTree(dir)).toEqual({ ...before });

    const other = project();
    symlinkSync(temp(), join(other, 'clusters'));
    const linked = await run(other, 'generate');
    expect(linked.code).toBe(3);
    expect(linked.stderr).toContain('symlink');
  });

  it('documents its flags in --help', async () => {
    const help = await run(temp(), 'generate', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--out', '--check', '--cluster', '--reclaim', '--config']) expect(help.stdout).toContain(flag);
  });
});
