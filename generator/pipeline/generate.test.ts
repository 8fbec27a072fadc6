import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { loadConfigFile } from '../model/load.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import { resolvePosition } from '../diagnostics/positions.js';
import { packagePath } from '../core/paths.js';
import { exampleText, tempDir } from '../../test/generator/helpers.js';
import { compareTree, writeFileAtomic, writeTree } from '../write/tree.js';
import { planGenerate, type GeneratePlan } from './generate.js';

function plan(configFile: string, extra: { clusters?: string[]; reclaim?: boolean } = {}): GeneratePlan {
  const result = planGenerate({ configFile, outDir: join(configFile, '..', 'clusters'), ...extra });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

/** Writes a config into a temp folder, generates it (tree and lock), and returns the folder. */
function generated(text: string): { dir: string; config: string; first: GeneratePlan } {
  const dir = tempDir();
  const config = join(dir, 'mesh.config.yaml');
  writeFileSync(config, text);
  const first = plan(config);
  writeTree(join(dir, 'clusters'), first.files);
  writeFileAtomic(first.lock.path, first.lock.content);
  return { dir, config, first };
}

function edit(text: string, change: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(text);
  change(doc);
  return String(doc);
}

describe('the committed example', () => {
  it('clusters/ and mesh.lock.yaml are up to date with mesh.config.yaml (run `meshforge generate` if this fails)', () => {
    const p = plan(packagePath('mesh.config.yaml'));
    const changes = compareTree(packagePath('clusters'), p.files);
    expect({ added: changes.added, changed: changes.changed, removed: changes.removed, conflicts: changes.conflicts }).toEqual({ added: [], changed: [], removed: [], conflicts: [] });
    expect(readFileSync(packagePath('mesh.lock.yaml'), 'utf8')).toBe(p.lock.content);
  });
});

describe('planGenerate', () => {
  it('registers each rendered file so that positions in it resolve lazily', () => {
    const sources = new SourceRegistry();
    const result = planGenerate({ configFile: packagePath('mesh.config.yaml'), outDir: 'clusters' }, sources);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const file = result.value.files.find((f) => f.path === 'cluster1/bar/serviceentry-httpbin-cluster2.yaml')!;
    const resource = file.resources[0]!;
    expect(resource.location.file).toBe('clusters/cluster1/bar/serviceentry-httpbin-cluster2.yaml');
    const position = resolvePosition(sources, { ...resource.location, path: ['spec', 'addresses', 0] });
    expect(position?.line).toBe(14);
    expect(position?.lineText).toMatch(/- 240\.0\.0\.\d+/);
    const origin = resolvePosition(sources, resource.origin!);
    expect(origin?.lineText).toContain('exportTo: [cluster1]');
  });

  it('returns the same diagnostics as validate for an invalid config, and plans nothing', () => {
    const dir = tempDir();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, exampleText().replace('exportTo: [cluster1]', 'exportTo: [clusterX]'));
    const result = planGenerate({ configFile: config, outDir: join(dir, 'clusters') });
    expect(result.ok).toBe(false);
    const validate = loadConfigFile(config, new SourceRegistry());
    expect(result.diagnostics).toEqual(validate.diagnostics);
  });

  it('rejects an unknown --cluster with a suggestion', () => {
    const result = planGenerate({ configFile: packagePath('mesh.config.yaml'), outDir: 'clusters', clusters: ['cluster9'] });
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ rule: 'generate-unknown-cluster' });
    expect(result.diagnostics[0]!.message).toContain("did you mean 'cluster1'");
  });

  it('reports two config entries that would write the same file', () => {
    const text = edit(exampleText(), (doc) =>
      doc.addIn(['routes'], { name: 'tcp-echo-ingress', namespace: 'tcp-echo', host: 'tcp-echo', tcp: [{ port: 8020, to: [{ service: 'tcp-echo', version: 'v1' }] }] }),
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'mesh.config.yaml'), text);
    const result = planGenerate({ configFile: join(dir, 'mesh.config.yaml'), outDir: join(dir, 'clusters') });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.rule)).toContain('generate-name-collision');
  });

  it('renders only the chosen clusters, but keeps the whole ledger', () => {
    const p = plan(packagePath('mesh.config.yaml'), { clusters: ['cluster3'] });
    expect(new Set(p.files.map((f) => f.cluster))).toEqual(new Set(['cluster3']));
    expect(Object.keys(parse(p.lock.content).vips)).toEqual(['cluster1', 'cluster2', 'cluster3']);
  });
});

describe('adding or removing a service changes only that service\'s resources', () => {
  const added = (text: string) =>
    edit(text, (doc) => doc.addIn(['services'], { name: 'echo', namespace: 'bar', cluster: 'cluster2', ports: [{ number: 7000, name: 'http', protocol: 'HTTP' }], exportTo: ['cluster1'] }));

  it('adding an exported service adds its files and its host on the exporting gateway, nothing else', () => {
    const { dir, config, first } = generated(exampleText());
    writeFileSync(config, added(exampleText()));
    const second = plan(config);
    const changes = compareTree(join(dir, 'clusters'), second.files);
    expect(changes.removed).toEqual([]);
    expect(changes.added).toEqual([
      'cluster1/bar/destinationrule-echo-cluster2.yaml',
      'cluster1/bar/serviceentry-echo-cluster2.yaml',
      'cluster2/istio-system/destinationrule-export-echo-bar.yaml',
      'cluster2/istio-system/serviceentry-export-echo-bar.yaml',
    ]);
    expect(changes.changed).toEqual(['cluster1/kustomization.yaml', 'cluster2/istio-system/gateway-cross-cluster-gateway.yaml', 'cluster2/kustomization.yaml', 'meshforge-provenance.json']);
    // No VIP moved; the new host got a fresh one.
    const before = parse(first.lock.content).vips;
    const after = parse(second.lock.content).vips;
    for (const [cluster, entries] of Object.entries(before as Record<string, Record<string, string>>)) expect(after[cluster]).toMatchObject(entries);
    expect(Object.values(after.cluster1)).not.toContain(undefined);
    expect(new Set(Object.values(after.cluster1 as Record<string, string>)).size).toBe(Object.keys(after.cluster1).length);
  });

  it('removing it removes its files and keeps its VIP reserved', () => {
    const { dir, config, first } = generated(added(exampleText()));
    const vip = parse(first.lock.content).vips.cluster1['echo.bar.cluster2'] as string;
    writeFileSync(config, exampleText());
    const second = plan(config);
    const changes = writeTree(join(dir, 'clusters'), second.files);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toHaveLength(4);
    expect(changes.changed).toEqual(['cluster1/kustomization.yaml', 'cluster2/istio-system/gateway-cross-cluster-gateway.yaml', 'cluster2/kustomization.yaml', 'meshforge-provenance.json']);
    expect(parse(second.lock.content).reserved.cluster1).toEqual({ 'echo.bar.cluster2': vip });
    // With --reclaim the VIP is released.
    expect(parse(plan(config, { reclaim: true }).lock.content).reserved).toEqual({});
  });

  it('generating twice from the same inputs gives byte-identical files', () => {
    const { config, first } = generated(exampleText());
    const second = plan(config);
    expect(second.files.map((f) => [f.path, f.content])).toEqual(first.files.map((f) => [f.path, f.content]));
    expect(second.lock.content).toBe(first.lock.content);
  });
});
