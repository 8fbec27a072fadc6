import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../generator/app/diff.js';
import { packagePath } from '../../generator/core/paths.js';
import type { ChangePlan } from '../../generator/diff/index.js';
import { withGitops } from '../../generator/gitops/render.js';
import { planGenerate } from '../../generator/pipeline/generate.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { writeTree } from '../../generator/write/tree.js';
import { runInProcess } from '../cli/helpers.js';
import { run as spawnMeshforge } from './helpers.js';

// `meshforge diff` in-process on temp copies of the example project, generated once; one run of the built binary
// (the spawn smoke test: build first).
const folders: string[] = [];
let template: string;

/** A fresh copy of the generated example project, removed after the tests. */
function generatedProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshforge-diff-'));
  folders.push(dir);
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` and its bytes. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'latin1'));
  }
  return files;
}

async function run(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runInProcess(args, { cwd, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  template = mkdtempSync(join(tmpdir(), 'meshforge-diff-template-'));
  folders.push(template);
  copyFileSync(packagePath('mesh.config.yaml'), join(template, 'mesh.config.yaml'));
  if (existsSync(packagePath('mesh.lock.yaml'))) copyFileSync(packagePath('mesh.lock.yaml'), join(template, 'mesh.lock.yaml'));
  const generated = await run(template, ['generate']);
  if (generated.code !== 0) throw new Error(`meshforge generate failed (${generated.code}): ${generated.stderr}${generated.stdout}`);
  // Until the generator writes the GitOps wrappers itself, they are added with the library's own writer (as
  // test/check/helpers.ts does), so the tree is exactly what the config generates.
  if (!existsSync(join(template, 'clusters', '_argocd'))) {
    const planned = planGenerate({ configFile: join(template, 'mesh.config.yaml'), outDir: join(template, 'clusters') });
    if (!planned.ok) throw new Error('the example config is invalid');
    writeTree(join(template, 'clusters'), withGitops(planned.value.model, planned.value.files, { outDir: 'clusters' }));
  }
});
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function withConfigChange(dir: string): void {
  const config = join(dir, 'mesh.config.yaml');
  // cluster3's ingress gateway moves: its Helm values (and the HelmRelease holding them) change, and every client of
  // cluster3 ... only cluster3 imports, so the change stays in cluster3's folder.
  writeFileSync(config, readFileSync(config, 'utf8').replace('address: 192.168.121.30', 'address: 192.168.121.31\n      externalIPs: [192.168.121.31]'));
}

describe('meshforge diff', () => {
  let clean: string;
  beforeAll(() => {
    clean = generatedProject();
  });

  it('an up-to-date tree gives an empty plan, exit 0 even with --exit-code (the built binary: spawn smoke test)', async () => {
    const json = spawnMeshforge(clean, ['diff', '--format', 'json', '--exit-code']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as ChangePlan;
    expect(plan.hasChanges).toBe(false);
    expect(plan.clusters).toEqual([]);
    const text = await run(clean, ['diff']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('No changes: the generated tree and the VIP ledger are up to date.\n');
  });

  it('a config change lists the changed resources of the right cluster in json; --exit-code exits 1', async () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const tree = snapshot(dir);
    const result = await run(dir, ['diff', '--format', 'json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as ChangePlan;
    expect(plan.hasChanges).toBe(true);
    expect(plan.clusters.map((c) => c.cluster)).toEqual(['cluster3']);
    const [cluster3] = plan.clusters;
    expect(cluster3!.files.map((f) => f.path)).toContain('clusters/cluster3/install/istio-ingressgateway.values.yaml');
    expect(cluster3!.resources).toContainEqual(expect.objectContaining({ kind: 'HelmRelease', name: 'istio-ingressgateway', change: 'changed', path: 'clusters/cluster3/flux/istio/helmrelease-istio-ingressgateway.yaml' }));
    expect(cluster3!.counts.added).toBe(0);
    expect(cluster3!.counts.removed).toBe(0);
    expect((await run(dir, ['diff', '--exit-code'])).code).toBe(1);
    // Nothing was written: every file of the project holds the same bytes, and the change is still pending.
    expect(snapshot(dir)).toEqual(tree);
    expect((await run(dir, ['diff', '--exit-code'])).code).toBe(1);
  });

  it('the runDiff service reads every path from context.cwd, never the process folder, and returns the plan', async () => {
    const dir = generatedProject();
    withConfigChange(dir);
    expect(process.cwd()).not.toBe(dir);
    const result = await runDiff({ configFile: 'mesh.config.yaml', outDir: 'clusters/', format: 'json', exitCode: true }, { cwd: dir, env: {} });
    expect(result.status).toBe('findings');
    expect(result.plan?.clusters.map((c) => c.cluster)).toEqual(['cluster3']);
    expect(JSON.parse(result.document)).toEqual(result.plan);
    const invalid = await runDiff({ configFile: 'missing.yaml', outDir: 'clusters', format: 'json' }, { cwd: dir, env: {} });
    expect(invalid.status).toBe('invalid-input');
    expect(invalid.report?.summary.errors).toBeGreaterThan(0);
    expect(invalid.document).toBe('');
  });

  it('--cluster limits the plan to that cluster', async () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const plan = JSON.parse((await run(dir, ['diff', '--format', 'json', '--cluster', 'cluster1'])).stdout) as ChangePlan;
    expect(plan.clusters).toEqual([]);
  });

  it('text: a summary, the resources and a unified diff, coloured only when asked', async () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const plain = await run(dir, ['diff']);
    expect(plain.stdout).toMatch(/^cluster3: resources 0 added, 1 changed, 0 removed; files 0 added, 2 changed, 0 removed$/m);
    expect(plain.stdout).toMatch(/~ HelmRelease flux-system\/istio-ingressgateway/);
    expect(plain.stdout).toMatch(/^--- a\/clusters\/cluster3\/install\/istio-ingressgateway\.values\.yaml$/m);
    expect(plain.stdout).toMatch(/^\+  externalIPs:$/m);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const coloured = await run(dir, ['diff'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(coloured.stdout).toMatch(/\u001b\[32m\+ {2}externalIPs:\u001b\[39m/);
  });

  it('markdown is the pull request body that generator/diff renders for the same change', async () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const result = await run(dir, ['diff', '--format', 'markdown']);
    expect(result.code).toBe(0);
    // The same plan, built in-process the way `meshforge pr` builds it, rendered by the shared markdown renderer.
    const { configLocator, planTreeChanges, renderMarkdown, PR_MARKER } = await import('../../generator/diff/index.js');
    const sources = new SourceRegistry();
    const planned = planGenerate({ configFile: join(dir, 'mesh.config.yaml'), outDir: join(dir, 'clusters') }, sources);
    if (!planned.ok) throw new Error('invalid config');
    const files = withGitops(planned.value.model, planned.value.files, { outDir: 'clusters' });
    const expected = renderMarkdown(
      planTreeChanges({
        cwd: dir,
        outDir: 'clusters',
        files,
        lock: { path: 'mesh.lock.yaml', content: planned.value.lock.content },
        clusterNames: planned.value.model.clusters.map((c) => c.name),
        locate: configLocator(sources, join(dir, 'mesh.config.yaml'), 'mesh.config.yaml'),
      }),
    ).markdown;
    expect(result.stdout).toBe(expected);
    expect(result.stdout.startsWith(PR_MARKER)).toBe(true);
    expect(result.stdout).toMatch(/\| `cluster3` \| `HelmRelease` \|  \| 1 \|  \|/);
    expect(result.stdout).toMatch(/\| `clusters\[cluster3\]` \| `mesh\.config\.yaml:\d+` \| `cluster3` \| \d+ \|/);
  });

  it('exits 2 on an invalid config, with the problem on stderr', async () => {
    const dir = generatedProject();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('network: network2', 'network: [oops]'));
    const result = await run(dir, ['diff', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/mesh\.config\.yaml:\d+:\d+/);
  });
});
