import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterName, syntheticConfig } from '../../scripts/bench/synthetic.js';
import { tempDir } from '../../test/generator/helpers.js';
import { parseProvenance } from '../write/provenance.js';
import { PROVENANCE_FILE } from '../manifest/vocabulary.js';
import { compareTree, writeTree } from '../write/tree.js';
import { parseShard, planGenerate, shardClusters, type GeneratePlan, type Shard } from './generate.js';

const SIZE = { clusters: 5, services: 3, fanout: 2 };

function plan(config: string, shard?: Shard): GeneratePlan {
  const result = planGenerate({ configFile: config, outDir: join(config, '..', 'clusters'), ...(shard ? { shard } : {}) });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

function write(config: string, p: GeneratePlan) {
  return writeTree(join(config, '..', 'clusters'), p.files, p.scope ? { clusters: p.scope } : {});
}

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['2/8', { index: 2, count: 8 }],
    [' 8/8 ', { index: 8, count: 8 }],
  ])('reads %j', (text, shard) => expect(parseShard(text)).toEqual(shard));

  it.each(['0/2', '3/2', '1/0', '1', '1/2/3', 'a/b', '-1/2', '1.5/2', ''])('rejects %j', (text) => expect(parseShard(text)).toBeUndefined());
});

describe('shardClusters', () => {
  const names = ['c3', 'c1', 'c4', 'c0', 'c2', 'c5', 'c6'];
  it('puts every cluster in exactly one shard, sizes differing by at most one', () => {
    for (const count of [1, 2, 3, 7, 10]) {
      const shards = Array.from({ length: count }, (_, i) => shardClusters(names, { index: i + 1, count }));
      expect(shards.flat().sort()).toEqual([...names].sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('deals sorted names round-robin, whatever the config order', () => {
    expect(shardClusters(names, { index: 1, count: 3 })).toEqual(['c0', 'c3', 'c6']);
    expect(shardClusters(names, { index: 2, count: 3 })).toEqual(['c1', 'c4']);
  });
});

describe('sharded generate', () => {
  it('writes only its clusters, and the shards together give the same tree as one whole run', () => {
    const whole = tempDir();
    const sharded = tempDir();
    for (const dir of [whole, sharded]) writeFileSync(join(dir, 'mesh.config.yaml'), syntheticConfig(SIZE));
    write(join(whole, 'mesh.config.yaml'), plan(join(whole, 'mesh.config.yaml')));
    // The ledger is computed for the whole fleet in every shard: shards never disagree on a VIP.
    const config = join(sharded, 'mesh.config.yaml');
    const first = plan(config, { index: 1, count: 2 });
    expect(first.scope).toEqual([clusterName(0), clusterName(2), clusterName(4)]);
    expect(new Set(first.files.map((f) => f.cluster))).toEqual(new Set(first.scope));
    write(config, first);
    expect(existsSync(join(sharded, 'clusters', clusterName(1)))).toBe(false);
    write(config, plan(config, { index: 2, count: 2 }));

    const files = plan(join(whole, 'mesh.config.yaml')).files;
    for (const file of files) expect(readFileSync(join(sharded, 'clusters', file.path), 'utf8')).toBe(file.content);
    expect(readFileSync(join(sharded, 'clusters', PROVENANCE_FILE), 'utf8')).toBe(readFileSync(join(whole, 'clusters', PROVENANCE_FILE), 'utf8'));
  });

  it("never prunes or rewrites another shard's files, and prunes its own", () => {
    const dir = tempDir();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, syntheticConfig(SIZE));
    write(config, plan(config));
    const out = join(dir, 'clusters');
    const index = parseProvenance(readFileSync(join(out, PROVENANCE_FILE), 'utf8'))!;
    const inCluster = (name: string) => Object.keys(index.files).filter((p) => p.startsWith(`${name}/`));

    // With one cluster fewer, c004's folder is stale. Shard 2/2 (c001, c003) must leave it alone.
    writeFileSync(config, syntheticConfig({ ...SIZE, clusters: 4, fanout: 2 }));
    const second = plan(config, { index: 2, count: 2 });
    expect(second.scope).toEqual([clusterName(1), clusterName(3)]);
    const before = compareTree(out, second.files, { clusters: second.scope! });
    // Its own clusters lose their imports from c004; nothing outside c001 and c003 is touched.
    expect(before.removed.length).toBeGreaterThan(0);
    for (const path of [...before.removed, ...before.changed, ...before.added]) expect(path === PROVENANCE_FILE || second.scope!.includes(path.split('/')[0]!)).toBe(true);
    write(config, second);
    for (const path of inCluster(clusterName(4))) expect(existsSync(join(out, path))).toBe(true);
    const kept = parseProvenance(readFileSync(join(out, PROVENANCE_FILE), 'utf8'))!;
    for (const path of inCluster(clusterName(4))) expect(kept.files[path]).toBeDefined();

    // c004 is in no shard by name now: shard 1 takes the folders of removed clusters.
    const first = plan(config, { index: 1, count: 2 });
    expect(first.scope).toEqual([clusterName(0), clusterName(2), clusterName(4)]);
    const changes = write(config, first);
    for (const path of inCluster(clusterName(4))) expect(changes.removed).toContain(path);
    for (const path of changes.removed) expect(first.scope!.includes(path.split('/')[0]!)).toBe(true);
    expect(existsSync(join(out, clusterName(4)))).toBe(false);
    const pruned = parseProvenance(readFileSync(join(out, PROVENANCE_FILE), 'utf8'))!;
    expect(Object.keys(pruned.files).some((p) => p.startsWith(`${clusterName(4)}/`))).toBe(false);
    // Nothing left to do for either shard.
    expect(compareTree(out, plan(config, { index: 2, count: 2 }).files, { clusters: [clusterName(1), clusterName(3)] }).changed).toEqual([]);
  });

  it('an empty shard (more shards than clusters) writes nothing and keeps everything', () => {
    const dir = tempDir();
    const config = join(dir, 'mesh.config.yaml');
    writeFileSync(config, syntheticConfig({ clusters: 2, services: 1, fanout: 1 }));
    write(config, plan(config));
    const index = readFileSync(join(dir, 'clusters', PROVENANCE_FILE), 'utf8');
    const empty = plan(config, { index: 3, count: 3 });
    expect(empty.scope).toEqual([]);
    expect(empty.files).toEqual([]);
    const changes = write(config, empty);
    expect(changes.added.length + changes.changed.length + changes.removed.length).toBe(0);
    expect(readFileSync(join(dir, 'clusters', PROVENANCE_FILE), 'utf8')).toBe(index);
  });
});
