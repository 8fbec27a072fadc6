import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ManifestResource } from '../../generator/manifest/types.js';
import { planGenerate } from '../../generator/pipeline/generate.js';
import { buildReport } from '../../generator/report/resolve.js';
import { EmbeddedValidator } from '../../generator/validate/embedded.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe.each([
  ['mesh.config.yaml', 'clusters'],
  ['examples/ambient/mesh.config.yaml', 'examples/ambient/clusters'],
])("the bundled example's generated tree (%s)", (config, outDir) => {
  it('validates clean against the embedded strict schemas, kustomization.yaml files included', async () => {
    // A lock file path that does not exist: VIPs are allocated fresh, nothing is written.
    const empty = mkdtempSync(join(tmpdir(), 'mf-gen-'));
    const plan = planGenerate({ configFile: join(ROOT, config), outDir, lockFile: join(empty, 'mesh.lock.yaml') });
    rmSync(empty, { recursive: true, force: true });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const resources: ManifestResource[] = plan.value.files.flatMap((file) => file.resources);
    // kustomization.yaml files are build input, not resources of the tree: check them as kustomize's own kind.
    for (const file of plan.value.files.filter((f) => f.path.endsWith('kustomization.yaml') && f.resources.length === 0)) {
      plan.value.sources.addText(file.path, file.content);
      const object = parse(file.content) as Record<string, unknown>;
      resources.push({ apiVersion: String(object['apiVersion']), kind: String(object['kind']), name: file.path, object, location: { file: file.path, docIndex: 0, path: [] }, ...(file.cluster ? { cluster: file.cluster } : {}) });
    }
    const kinds = new Set(resources.map((r) => `${r.apiVersion}/${r.kind}`));
    expect(kinds.size).toBeGreaterThan(5);
    expect(kinds).toContain('kustomize.config.k8s.io/v1beta1/Kustomization');
    const diagnostics = await new EmbeddedValidator().validate(resources);
    const printed = buildReport('lint', diagnostics, plan.value.sources).diagnostics.map((d) => `${d.file}:${d.line} ${d.rule} ${d.message}`);
    expect(printed).toEqual([]);
  });
});
