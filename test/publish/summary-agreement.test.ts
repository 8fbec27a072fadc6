// One change summary (generator/diff): `generate`, `diff`, `check` and `pr` print the same per-cluster counts for the
// same edit, and Argo CD objects count under the cluster they deploy to. In a real checkout of the example with a
// bare repository as the remote; `pr` uses the git provider.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareRemote, checkout, git, meshforgeInProcess as meshforge, REPO_ROOT, sandbox, type Sandbox } from './helpers.js';

const EXAMPLE_CONFIG = readFileSync(join(REPO_ROOT, 'mesh.config.yaml'), 'utf8');
// cluster1 loses its east-west gateway: files in its folder go, and so does the Argo CD Application of its
// east-west gateway chart, which lives in _argocd/ (outside the cluster's folder) but deploys to cluster1.
const EAST_WEST = '    # S6: multi-primary on different networks: the east-west gateway and its *.local Gateway.\n    eastWestGateway:\n      address: 192.168.121.21\n';

/** The per-cluster lines of a command's output, without their indentation. */
function clusterLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(cluster\d+|\(fleet-wide\)): resources /.test(line));
}

describe('generate, check, diff and pr count the same change the same way', () => {
  let box: Sandbox;
  let remote: string;
  let work: string;
  beforeAll(async () => {
    box = sandbox('meshforge-summary-');
    remote = await bareRemote(box);
    work = await checkout(box, remote, { 'mesh.config.yaml': EXAMPLE_CONFIG });
    const first = await meshforge(work, box.env, ['generate']);
    if (first.code !== 0) throw new Error(`generate failed: ${first.stderr}${first.stdout}`);
    await git(work, box.env, ['add', '--all']);
    await git(work, box.env, ['commit', '--quiet', '-m', 'generated']);
    await git(work, box.env, ['push', '--quiet', 'origin', 'main']);
    const config = join(work, 'mesh.config.yaml');
    const text = readFileSync(config, 'utf8');
    if (!text.includes(EAST_WEST)) throw new Error('the example config no longer has cluster1 east-west gateway block');
    writeFileSync(config, text.replace(EAST_WEST, ''));
  });
  afterAll(() => box.cleanup());

  it('prints identical cluster lines, with the Argo CD Application under cluster1', { timeout: 240_000 }, async () => {
    const diff = await meshforge(work, box.env, ['diff']);
    expect(diff.code).toBe(0);
    const check = await meshforge(work, box.env, ['check', '--no-schema']);
    expect(check.code).toBe(1);
    const pr = await meshforge(work, box.env, ['pr', '--provider', 'git', '--remote', 'origin', '--base', 'main']);
    expect(pr.stderr).toBe('');
    expect(pr.code).toBe(0);
    // generate last: it writes the tree the others compare with.
    const generate = await meshforge(work, box.env, ['generate', '--no-cache']);
    expect(generate.code).toBe(0);

    const expected = clusterLines(diff.stdout);
    expect(expected).toEqual([
      'cluster1: resources 0 added, 0 changed, 3 removed; files 0 added, 2 changed, 4 removed',
      // cluster2 and cluster3 lose their istio-remote peer of network1; cluster2 then holds no Gateway API object, so
      // its Gateway API CRD wrappers (Argo CD Application, Flux GitRepository and Kustomization) go and mesh-config
      // no longer depends on them.
      'cluster2: resources 0 added, 1 changed, 4 removed; files 0 added, 3 changed, 4 removed',
      'cluster3: resources 0 added, 0 changed, 1 removed; files 0 added, 1 changed, 1 removed',
      // _argocd/kustomization.yaml stops listing the removed Application: a fleet-wide file, no resource.
      '(fleet-wide): resources 0 added, 0 changed, 0 removed; files 0 added, 1 changed, 0 removed',
    ]);
    expect(diff.stdout).toMatch(/^ {2}- Application argocd\/cluster1-istio-eastwestgateway {2}clusters\/_argocd\/application-cluster1-istio-eastwestgateway\.yaml$/m);
    expect(clusterLines(generate.stdout)).toEqual(expected);
    expect(clusterLines(pr.stdout)).toEqual(expected);
    expect(clusterLines(check.stdout + check.stderr)).toEqual(expected);
    for (const output of [diff.stdout, generate.stdout, pr.stdout]) expect(output).not.toMatch(/outside cluster folders/);
    // The commit message pushed by pr carries the same line.
    expect(await git(remote, box.env, ['log', '-1', '--format=%B', 'meshforge/main'])).toContain(expected[0]);
  });
});
