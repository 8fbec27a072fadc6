// Every folder of the generated tree that has a kustomization.yaml must build with `kubectl kustomize` (what Argo CD
// and Flux's kustomize-controller run on it), for the example and for a synthetic mesh. Offline: kustomize only reads
// the folder. Skipped, with a message, when kubectl is not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { packagePath } from '../../generator/core/paths.js';
import { generateExample, generateText, SYNTHETIC, TempDirs, writeTree, type Generated } from './helpers.js';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = kubectl.status === 0;
if (!hasKubectl) console.warn('test/real-cluster/kustomize.test.ts: kubectl not found on PATH, skipping the `kubectl kustomize` builds');

const temp = new TempDirs();
afterEach(() => temp.cleanup());

function kustomizeFolders(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, 'kustomization.yaml'))) out.push(dir);
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  return out.sort();
}

/** Builds every kustomization folder; returns, per folder, the kinds/names kustomize emitted. */
function buildAll(generated: Generated): Map<string, string[]> {
  writeTree(generated);
  const built = new Map<string, string[]>();
  for (const dir of kustomizeFolders(generated.outDir)) {
    const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const docs = parseAllDocuments(output).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
    built.set(relative(generated.outDir, dir), docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`));
  }
  return built;
}

describe.skipIf(!hasKubectl)('kubectl kustomize builds every generated kustomization', () => {
  it('the example (mesh.config.yaml): every folder, with exactly the resources it lists', () => {
    const generated = generateExample(temp.make());
    const built = buildAll(generated);
    expect([...built.keys()]).toEqual(['_argocd', 'cluster1', 'cluster1/flux', 'cluster1/flux/istio', 'cluster2', 'cluster2/flux', 'cluster3', 'cluster3/flux', 'cluster3/flux/istio']);
    for (const [folder, resources] of built) {
      const listed = generated.files.find((f) => f.path === `${folder}/kustomization.yaml`)!;
      const count = (parseAllDocuments(listed.content)[0]!.toJS() as { resources: string[] }).resources.length;
      expect(resources.length, folder).toBe(count);
      expect(new Set(resources).size, `${folder}: duplicate objects`).toBe(resources.length);
    }
    expect(built.get('cluster1')).toContain('DestinationRule/sample/helloworld');
  });

  it('the ambient example (examples/ambient): every folder, with exactly the resources it lists', () => {
    const generated = generateText(temp.make(), readFileSync(packagePath('examples', 'ambient', 'mesh.config.yaml'), 'utf8'));
    const built = buildAll(generated);
    expect([...built.keys()]).toEqual(['_argocd', 'east', 'east/flux', 'east/flux/istio', 'west', 'west/flux', 'west/flux/istio']);
    for (const [folder, resources] of built) {
      const listed = generated.files.find((f) => f.path === `${folder}/kustomization.yaml`)!;
      const count = (parseAllDocuments(listed.content)[0]!.toJS() as { resources: string[] }).resources.length;
      expect(resources.length, folder).toBe(count);
      expect(new Set(resources).size, `${folder}: duplicate objects`).toBe(resources.length);
    }
    expect(built.get('east')).toEqual(expect.arrayContaining(['Gateway/istio-system/istio-eastwestgateway', 'Gateway/istio-system/istio-remote-network-west', 'Gateway/sample/waypoint']));
    expect(built.get('east/flux/istio')).toEqual(expect.arrayContaining(['HelmRelease/flux-system/istio-cni', 'HelmRelease/flux-system/ztunnel']));
  });

  it('a synthetic mesh (Istio 1.24, revisions, custom east-west ports, Argo CD and Flux)', () => {
    const generated = generateText(temp.make(), SYNTHETIC);
    const built = buildAll(generated);
    expect([...built.keys()]).toEqual(['_argocd', 'alpha', 'alpha/flux', 'alpha/flux/istio', 'beta', 'beta/flux', 'beta/flux/istio']);
    for (const [folder, resources] of built) expect(resources.length, folder).toBeGreaterThan(0);
  });
});
