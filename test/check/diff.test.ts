import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChangePlan } from '../../generator/diff/index.js';
import { generatedProject, run } from './helpers.js';

// `meshforge diff` as a child process on a temp copy of the example project.
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

  it('an up-to-date tree gives an empty plan, exit 0 even with --exit-code', () => {
    const json = run(clean, ['diff', '--format', 'json', '--exit-code']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as ChangePlan;
    expect(plan.hasChanges).toBe(false);
    expect(plan.clusters).toEqual([]);
    const text = run(clean, ['diff']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('No changes: the generated tree and the VIP ledger are up to date.\n');
  });

  it('a config change lists the changed resources of the right cluster in json; --exit-code exits 1', () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const result = run(dir, ['diff', '--format', 'json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as ChangePlan;
    expect(plan.hasChanges).toBe(true);
    expect(plan.clusters.map((c) => c.cluster)).toEqual(['cluster3']);
    const [cluster3] = plan.clusters;
    expect(cluster3!.files.map((f) => f.path)).toContain('clusters/cluster3/install/istio-ingressgateway.values.yaml');
    expect(cluster3!.resources).toContainEqual(expect.objectContaining({ kind: 'HelmRelease', name: 'istio-ingressgateway', change: 'changed', path: 'clusters/cluster3/flux/istio/helmrelease-istio-ingressgateway.yaml' }));
    expect(cluster3!.counts.added).toBe(0);
    expect(cluster3!.counts.removed).toBe(0);
    expect(run(dir, ['diff', '--exit-code']).code).toBe(1);
    // Nothing was written.
    expect(run(dir, ['check', '--no-schema']).code).toBe(1);
  });

  it('--cluster limits the plan to that cluster', () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const plan = JSON.parse(run(dir, ['diff', '--format', 'json', '--cluster', 'cluster1']).stdout) as ChangePlan;
    expect(plan.clusters).toEqual([]);
  });

  it('text: a summary, the resources and a unified diff, coloured only when asked', () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const plain = run(dir, ['diff']);
    expect(plain.stdout).toMatch(/^cluster3: 0 added, 1 changed, 0 removed/m);
    expect(plain.stdout).toMatch(/~ HelmRelease flux-system\/istio-ingressgateway/);
    expect(plain.stdout).toMatch(/^--- a\/clusters\/cluster3\/install\/istio-ingressgateway\.values\.yaml$/m);
    expect(plain.stdout).toMatch(/^\+  externalIPs:$/m);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const coloured = run(dir, ['diff'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(coloured.stdout).toMatch(/\u001b\[32m\+ {2}externalIPs:\u001b\[39m/);
  });

  it('markdown is the pull request body that generator/diff renders for the same change', async () => {
    const dir = generatedProject();
    withConfigChange(dir);
    const result = run(dir, ['diff', '--format', 'markdown']);
    expect(result.code).toBe(0);
    // The same plan, built in-process the way `meshforge pr` builds it, rendered by the shared markdown renderer.
    const { planTreeChanges } = await import('../../generator/cli/commands/diff.js');
    const { renderMarkdown, PR_MARKER } = await import('../../generator/diff/index.js');
    const { planGenerate } = await import('../../generator/pipeline/generate.js');
    const { withGitops } = await import('../../generator/gitops/render.js');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const planned = planGenerate({ configFile: 'mesh.config.yaml', outDir: 'clusters' });
      if (!planned.ok) throw new Error('invalid config');
      const files = withGitops(planned.value.model, planned.value.files, { outDir: 'clusters' });
      const expected = renderMarkdown(planTreeChanges({ outDir: 'clusters', files, lock: planned.value.lock })).markdown;
      expect(result.stdout).toBe(expected);
    } finally {
      process.chdir(cwd);
    }
    expect(result.stdout.startsWith(PR_MARKER)).toBe(true);
    expect(result.stdout).toMatch(/Cluster `cluster3`/);
  });

  it('exits 2 on an invalid config, with the problem on stderr', () => {
    const dir = generatedProject();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('network: network2', 'network: [oops]'));
    const result = run(dir, ['diff', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/mesh\.config\.yaml:\d+:\d+/);
  });
});
