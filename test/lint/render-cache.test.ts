/**
 * The lint fast path (files of a generated tree whose bytes equal what the config renders are not parsed) and
 * `lint --shard`. The fast path must never change lint's output: every case runs the CLI (in this process) with and
 * without `--parse-all` and compares stdout, stderr and the exit code byte for byte, in every format. Other cases
 * check that the fast path really engaged, so those comparisons are not vacuous.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../generator/cli/io.js';
import { loadConfigFile } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { loadManifests, renderPays, type LoadStats } from '../../generator/discover/manifests.js';
import { planRenderedTree } from '../../generator/discover/rendered-tree.js';
import { MANIFEST_LIMITS } from '../../generator/load/limits.js';
import { parseYaml } from '../../generator/load/yaml.js';
import { packagePath } from '../../generator/core/paths.js';
import { syntheticConfig } from '../../scripts/bench/synthetic.js';
import { runLint } from '../../generator/app/lint.js';
import { generateInto, prepareProject, runIn as run, type Run } from '../check/helpers.js';

const FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github'] as const;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The benchmark's synthetic mesh (3 clusters, 5 services each, fanout 2), generated into clusters/. */
function syntheticProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-'));
  temps.push(dir);
  writeFileSync(join(dir, 'mesh.config.yaml'), syntheticConfig({ clusters: 3, services: 5, fanout: 2 }));
  generateInto(dir);
  return dir;
}

function exampleProject(): string {
  const dir = prepareProject('meshforge-render-cache-example-');
  temps.push(dir);
  return dir;
}

/** Runs lint with and without the fast path; both must print and exit exactly alike. */
async function expectSame(cwd: string, args: readonly string[]): Promise<Run> {
  const fast = await run(cwd, ['lint', ...args]);
  const parsed = await run(cwd, ['lint', ...args, '--parse-all']);
  expect(parsed.stdout).toBe(fast.stdout);
  expect(parsed.stderr).toBe(fast.stderr);
  expect(parsed.code).toBe(fast.code);
  return fast;
}

const quietIO = (cwd: string): CliIO => ({ stdout: { write: () => true }, stderr: { write: () => true }, cwd, env: {}, readStdin: async () => Buffer.alloc(0) });

/** loadManifests as lint calls it with the project's config, returning how the files were read. */
async function loadStats(cwd: string, inputs: string[]): Promise<{ stats: LoadStats; ok: boolean; resources: number }> {
  const sources = new SourceRegistry();
  const config = loadConfigFile(join(cwd, 'mesh.config.yaml'), sources);
  if (!config.ok) throw new Error('the config did not load');
  const stats: LoadStats = { rendered: 0, parsed: 0, trees: 0 };
  const loaded = await loadManifests(inputs, { io: quietIO(cwd), sources, configFile: config.value.model.configFile, renderFrom: config.value.model, stats });
  return { stats, ok: loaded.ok, resources: loaded.ok ? loaded.value.length : 0 };
}

/** Hand edits that create findings on generated resources: a foreign ServiceEntry clashing with generated ones (VIP,
 * protocol), a changed port, a removed DestinationRule, a VirtualService to an unknown host, a suppression. */
function handEdit(dir: string): void {
  const c001 = join(dir, 'clusters', 'c001', 'ns-02');
  const imported = readFileSync(join(c001, 'serviceentry-svc-000-0002-c000.yaml'), 'utf8');
  const vip = /addresses:\n {2}- (\S+)/.exec(imported)![1]!;
  writeFileSync(
    join(c001, 'dup.yaml'),
    `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: dup\n  namespace: ns-02\nspec:\n  hosts:\n  - svc-002-0002.ns-02.c002\n  addresses:\n  - ${vip}\n  ports:\n  - number: 80\n    name: tcp\n    protocol: TCP\n  location: MESH_INTERNAL\n  resolution: DNS\n`,
  );
  const exported = join(dir, 'clusters', 'c000', 'istio-system', 'serviceentry-export-svc-000-0001-ns-01.yaml');
  writeFileSync(exported, readFileSync(exported, 'utf8').replace('number: 80\n', 'number: 8080\n'));
  unlinkSync(join(dir, 'clusters', 'c001', 'ns-02', 'destinationrule-svc-002-0002-c002.yaml'));
  writeFileSync(
    join(dir, 'clusters', 'c002', 'ns-01', 'extra.yaml'),
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: extra\n  namespace: ns-01\nspec:\n  hosts:\n  - extra.example.com\n  http:\n  - route:\n    - destination:\n        host: nowhere.ns-01.svc.cluster.local\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: quiet\n  namespace: ns-01\n  annotations:\n    meshforge.io/suppress: destination-host-not-found\n    meshforge.io/suppress-reason: a test of suppressions\nspec:\n  hosts:\n  - quiet.example.com\n  http:\n  - route:\n    - destination:\n        host: nowhere.ns-01.svc.cluster.local\n',
  );
}

describe('lint fast path: same output as parsing every file', () => {
  let example: string;
  let synthetic: string;
  let edited: string;
  beforeAll(() => {
    example = exampleProject();
    synthetic = syntheticProject();
    edited = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-edited-'));
    temps.push(edited);
    cpSync(synthetic, edited, { recursive: true });
    handEdit(edited);
  });

  it('engages on a whole generated tree and on cluster folders, and takes every untouched file from the render', async () => {
    const whole = await loadStats(example, ['clusters']);
    expect(whole.ok).toBe(true);
    expect(whole.stats.trees).toBe(1);
    expect(whole.stats.parsed).toBe(0);
    expect(whole.stats.rendered).toBeGreaterThan(100);
    const cluster = await loadStats(example, ['clusters/cluster1']);
    expect(cluster.stats).toMatchObject({ trees: 1, parsed: 0 });
    // One namespace folder of one cluster: planning the fleet would cost more than parsing a few files.
    const folder = await loadStats(example, ['clusters/cluster1/bar']);
    expect(folder.stats).toMatchObject({ trees: 0, rendered: 0 });
    expect(folder.stats.parsed).toBeGreaterThan(0);
    const edits = await loadStats(edited, ['clusters']);
    // The changed export ServiceEntry and the two foreign files are parsed; the rest comes from the render.
    expect(edits.stats.parsed).toBe(3);
    expect(edits.stats.rendered).toBeGreaterThan(50);
  });

  it('does not engage for a tree generated from another config', async () => {
    const other = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-other-'));
    temps.push(other);
    cpSync(example, other, { recursive: true });
    const index = join(other, 'clusters', 'meshforge-provenance.json');
    writeFileSync(index, readFileSync(index, 'utf8').replace('"config": "../mesh.config.yaml"', '"config": "../elsewhere/mesh.config.yaml"'));
    const loaded = await loadStats(other, ['clusters']);
    expect(loaded.stats).toMatchObject({ trees: 0, rendered: 0 });
  });

  it('runLint reports how the files were read: the fast path engaged, --parse-all parsed everything, same findings', async () => {
    const fast = await runLint({ paths: ['clusters'], validator: 'embedded' }, { cwd: edited, env: {} });
    const parsed = await runLint({ paths: ['clusters'], validator: 'embedded', parseAll: true }, { cwd: edited, env: {} });
    expect(fast.stats).toMatchObject({ trees: 1, parsed: 3 });
    expect(parsed.stats).toMatchObject({ trees: 0, rendered: 0 });
    expect(parsed.stats.parsed).toBe(fast.stats.parsed + fast.stats.rendered);
    expect(fast.status).toBe('findings');
    expect(parsed.report?.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual(fast.report?.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`));
    expect(fast.files).toEqual(parsed.files);
  });

  it('every planned file parses, as lint parses it, to exactly one document: the object the fast path takes', () => {
    for (const dir of [example, synthetic]) {
      const loaded = loadConfigFile(join(dir, 'mesh.config.yaml'), new SourceRegistry());
      if (!loaded.ok) throw new Error('the config did not load');
      const tree = planRenderedTree(loaded.value.model, join(dir, 'mesh.config.yaml'));
      expect(tree?.size).toBeGreaterThan(0);
      for (const path of tree!.paths()) {
        const intended = tree!.get(path)!;
        const parsed = parseYaml({ file: path, text: intended.render() }, { limits: MANIFEST_LIMITS, sources: new SourceRegistry() });
        expect(parsed.ok, path).toBe(true);
        if (!parsed.ok) continue;
        expect(parsed.value.documents.map((d) => d.value), path).toStrictEqual(intended.documents);
      }
    }
  });

  it('renderPays: the whole tree, or at least an eighth of the cluster folders', async () => {
    expect(renderPays('all', 500)).toBe(true);
    expect(renderPays(1, 3)).toBe(true);
    expect(renderPays(1, 50)).toBe(false);
    expect(renderPays(7, 50)).toBe(true);
    expect(renderPays(0, 3)).toBe(false);
  });

  // Every format on the hand-edited tree (the one with findings); two formats each on the clean trees.
  for (const format of ['stylish', 'sarif'] as const) {
    it(`the example tree: identical ${format} output`, async () => {
      const result = await expectSame(example, ['clusters', '--format', format, '--list-suppressed']);
      expect(result.code).toBe(0);
    });
  }
  for (const format of ['json', 'junit'] as const) {
    it(`a synthetic tree: identical ${format} output`, async () => {
      expect((await expectSame(synthetic, ['clusters', '--format', format])).code).toBe(0);
    });
  }
  for (const format of FORMATS) {
    it(`a hand-edited tree with findings: identical ${format} output`, async () => {
      expect((await expectSame(edited, ['clusters', '--format', format, '--list-suppressed'])).code).toBe(1);
    });
  }

  it('findings on untouched generated files keep their positions and config lines', async () => {
    const result = await expectSame(edited, ['clusters']);
    expect(result.stdout).toMatch(/clusters\/c001\/ns-02\/serviceentry-svc-000-0002-c000\.yaml:\d+:\d+: error: address .* \[unique-vips\] c001/);
    expect(result.stdout).toMatch(/from mesh\.config\.yaml:\d+:\d+/);
    expect(result.stdout).toMatch(/\[destination-host-not-found\] c002: VirtualService ns-01\/extra/);
    expect(result.stdout).toMatch(/\(\d+ errors?, \d+ warnings?, 1 suppressed\)|1 suppressed/);
  });

  it('a file with a YAML error: identical output, exit 2', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-broken-'));
    temps.push(broken);
    cpSync(edited, broken, { recursive: true });
    appendFileSync(join(broken, 'clusters', 'c000', 'ns-00', 'serviceentry-svc-001-0000-c001.yaml'), 'spec: [unclosed\n');
    for (const format of ['stylish', 'json'] as const) expect((await expectSame(broken, ['clusters', '--format', format])).code).toBe(2);
  });

  it('a single file and a namespace folder inside the tree: identical output', async () => {
    expect((await expectSame(example, ['clusters/cluster1/bar'])).code).toBe(0);
    expect((await expectSame(edited, ['clusters/c002', 'clusters/c001/ns-02/dup.yaml', '--format', 'json'])).code).toBe(1);
  });

  it('a tree written to a folder not named clusters/: each file keeps its cluster (no cross-cluster false positives)', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-out-'));
    temps.push(elsewhere);
    cpSync(join(synthetic, 'mesh.config.yaml'), join(elsewhere, 'mesh.config.yaml'));
    cpSync(join(synthetic, 'mesh.lock.yaml'), join(elsewhere, 'mesh.lock.yaml'));
    generateInto(elsewhere, 'gitops');
    // VIPs are unique per cluster, not across the fleet: without the tree's clusters every import would collide.
    const result = await expectSame(elsewhere, ['gitops', '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as JsonReport).summary.errors).toBe(0);
    const sharded = await run(elsewhere, ['lint', 'gitops', '--format', 'json', '--shard', '2/3']);
    expect(sharded.code).toBe(0);
  });

  it('--parse-all is documented in --help', async () => {
    const help = await run(example, ['lint', '--help']);
    expect(help.stdout).toMatch(/--parse-all/);
    expect(help.stdout).toMatch(/--shard <i\/n>/);
  });
});

interface JsonReport {
  diagnostics: { rule: string; file?: string; line?: number; column?: number; message: string; cluster?: string }[];
  summary: { errors: number; warnings: number; suppressed: number };
}

function findings(result: Run): string[] {
  const report = JSON.parse(result.stdout) as JsonReport;
  return report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule} ${d.message}`);
}

describe('lint --shard i/n', async () => {
  const broken = packagePath('test', 'fixtures', 'lint', 'broken-two-cluster');
  let example: string;
  let edited: string;
  beforeAll(() => {
    example = exampleProject();
    edited = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-shard-'));
    temps.push(edited);
    cpSync(syntheticProject(), edited, { recursive: true });
    handEdit(edited);
  });

  const cases = [
    { name: 'the example tree (with its config)', dir: () => example, args: ['clusters'], counts: [3] },
    { name: 'a hand-edited synthetic tree (with its config)', dir: () => edited, args: ['clusters'], counts: [2, 3] },
    { name: 'the broken fixture (no config: clusters from the folders)', dir: () => broken, args: ['clusters'], counts: [2] },
  ];
  for (const c of cases) {
    for (const n of c.counts) {
      it(`${c.name}: the union over ${n} shards is the unsharded report, each finding in exactly one shard`, async () => {
        const whole = await run(c.dir(), ['lint', ...c.args, '--format', 'json']);
        const all = findings(whole).sort();
        const shards: Run[] = [];
        for (let i = 1; i <= n; i++) shards.push(await run(c.dir(), ['lint', ...c.args, '--format', 'json', '--shard', `${i}/${n}`]));
        const union = shards.flatMap(findings).sort();
        expect(union).toEqual(all);
        const suppressed = shards.reduce((sum, s) => sum + (JSON.parse(s.stdout) as JsonReport).summary.suppressed, 0);
        expect(suppressed).toBe((JSON.parse(whole.stdout) as JsonReport).summary.suppressed);
        // Exit codes: a shard fails exactly when it reports an error.
        for (const shard of shards) expect(shard.code).toBe((JSON.parse(shard.stdout) as JsonReport).summary.errors > 0 ? 1 : 0);
        if (all.length > 0) expect(whole.code).toBe(1);
      });
    }
  }

  it('the broken fixture has findings in both clusters, so shards differ', async () => {
    const one = findings(await run(broken, ['lint', 'clusters', '--format', 'json', '--shard', '1/2']));
    const two = findings(await run(broken, ['lint', 'clusters', '--format', 'json', '--shard', '2/2']));
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect(one.every((f) => f.startsWith('clusters/a/'))).toBe(true);
    expect(two.every((f) => f.startsWith('clusters/b/'))).toBe(true);
  });

  it('a file that cannot be loaded fails every shard (exit 2); only its shard shows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshforge-render-cache-shard-broken-'));
    temps.push(dir);
    cpSync(example, dir, { recursive: true });
    appendFileSync(join(dir, 'clusters', 'cluster2', 'kustomization.yaml'), 'resources: [unclosed\n');
    const whole = await run(dir, ['lint', 'clusters', '--format', 'json']);
    expect(whole.code).toBe(2);
    const shards: Run[] = [];
    for (const i of [1, 2, 3]) shards.push(await run(dir, ['lint', 'clusters', '--format', 'json', '--shard', `${i}/3`]));
    for (const shard of shards) expect(shard.code).toBe(2);
    expect(shards.flatMap(findings).sort()).toEqual(findings(whole).sort());
    // cluster2 is the second name in sorted order: shard 2 of 3.
    expect(findings(shards[1]!).length).toBeGreaterThan(0);
    expect(shards[0]!.stderr).toMatch(/other shards could not be loaded/);
  });

  it('a clean shard says so in its status line', async () => {
    const result = await run(example, ['lint', 'clusters', '--shard', '2/3']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/resources in \d+ files across 1 cluster \(shard 2\/3\): no problems/);
  });

  for (const bad of ['0/2', '3/2', 'x', '1/2/3']) {
    it(`refuses --shard ${bad} (exit 2)`, async () => {
      const result = await run(example, ['lint', 'clusters', '--shard', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--shard/);
    });
  }

  it('refuses --shard with --cluster (exit 2)', async () => {
    const result = await run(example, ['lint', 'clusters', '--shard', '1/2', '--cluster', 'cluster1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--shard cannot be combined with --cluster/);
  });
});
