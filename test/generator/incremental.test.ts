import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runGenerate } from '../../generator/app/generate.js';
import { appContext, printResult } from '../../generator/cli/output.js';
import type { CliIO } from '../../generator/cli/io.js';
import { runInProcess } from '../cli/helpers.js';
import { readTree, tempDir } from './helpers.js';

/**
 * Issue 19: the incremental path (a `generate` into the folder the previous config generated: only the touched
 * cluster folders are rebuilt and swapped, the run-state cache on) and a full run (the same config and the same
 * previous ledger, into an empty folder) must give byte-identical trees, ledgers and reports, whatever sequence of
 * edits led there. fast-check draws sequences of edits to services, clusters and routes on a small mesh.
 */

interface Service {
  readonly name: string;
  readonly cluster: string;
  readonly port: number;
  readonly exportTo: readonly string[];
}

interface Mesh {
  readonly clusters: readonly string[];
  readonly services: readonly Service[];
  /** Routes by service name: a weighted route in the service's own cluster. */
  readonly routes: readonly string[];
}

const CLUSTERS = ['c0', 'c1', 'c2', 'c3'];

function configText(mesh: Mesh): string {
  const lines = ['apiVersion: meshforge.io/v1alpha1', 'mesh:', '  id: prop', '  trustDomain: cluster.local', '  istio: { version: 1.29.0 }', '  vipRanges: [240.0.0.0/16]', 'clusters:'];
  for (const c of mesh.clusters) lines.push(`  - { name: ${c}, network: net-${c}, install: { method: helm }, ingressGateway: { address: 10.0.0.${CLUSTERS.indexOf(c) + 1} } }`);
  lines.push('namespaces:', '  - { name: ns-a }');
  lines.push('services:');
  for (const s of mesh.services) {
    const exportTo = s.exportTo.filter((c) => c !== s.cluster && mesh.clusters.includes(c));
    lines.push(`  - { name: ${s.name}, namespace: ns-a, cluster: ${s.cluster}, ports: [{ number: ${s.port}, name: http, protocol: HTTP }]${exportTo.length > 0 ? `, exportTo: [${exportTo.join(', ')}]` : ''} }`);
  }
  const routes = mesh.routes.map((name) => mesh.services.find((s) => s.name === name)).filter((s): s is Service => s !== undefined);
  if (routes.length > 0) {
    lines.push('routes:');
    for (const s of routes) lines.push(`  - { name: r-${s.name}, namespace: ns-a, host: ${s.name}, clusters: [${s.cluster}], http: [{ to: [{ service: ${s.name}, cluster: ${s.cluster}, weight: 100 }] }] }`);
  }
  return `${lines.join('\n')}\n`;
}

type Edit =
  | { readonly op: 'add-service'; readonly cluster: number; readonly port: number; readonly exportTo: readonly number[] }
  | { readonly op: 'remove-service'; readonly at: number }
  | { readonly op: 'change-port'; readonly at: number; readonly port: number }
  | { readonly op: 'change-exports'; readonly at: number; readonly exportTo: readonly number[] }
  | { readonly op: 'add-cluster' }
  | { readonly op: 'remove-cluster'; readonly at: number }
  | { readonly op: 'add-route'; readonly at: number }
  | { readonly op: 'remove-route'; readonly at: number };

const index = fc.nat({ max: 20 });
const port = fc.constantFrom(80, 8080, 9090);
const exportTo = fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 3 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('add-service' as const), cluster: index, port, exportTo }),
  fc.record({ op: fc.constant('remove-service' as const), at: index }),
  fc.record({ op: fc.constant('change-port' as const), at: index, port }),
  fc.record({ op: fc.constant('change-exports' as const), at: index, exportTo }),
  fc.record({ op: fc.constant('add-cluster' as const) }),
  fc.record({ op: fc.constant('remove-cluster' as const), at: index }),
  fc.record({ op: fc.constant('add-route' as const), at: index }),
  fc.record({ op: fc.constant('remove-route' as const), at: index }),
);

let serial = 0;
function apply(mesh: Mesh, e: Edit): Mesh {
  const pick = <T>(list: readonly T[], at: number): T | undefined => (list.length === 0 ? undefined : list[at % list.length]);
  switch (e.op) {
    case 'add-service': {
      const cluster = pick(mesh.clusters, e.cluster)!;
      return { ...mesh, services: [...mesh.services, { name: `svc-${serial++}`, cluster, port: e.port, exportTo: e.exportTo.map((i) => CLUSTERS[i]!) }] };
    }
    case 'remove-service': {
      const gone = pick(mesh.services, e.at);
      return gone ? { ...mesh, services: mesh.services.filter((s) => s !== gone), routes: mesh.routes.filter((r) => r !== gone.name) } : mesh;
    }
    case 'change-port':
    case 'change-exports': {
      const target = pick(mesh.services, e.at);
      if (!target) return mesh;
      const changed = e.op === 'change-port' ? { ...target, port: e.port } : { ...target, exportTo: e.exportTo.map((i) => CLUSTERS[i]!) };
      return { ...mesh, services: mesh.services.map((s) => (s === target ? changed : s)) };
    }
    case 'add-cluster': {
      const free = CLUSTERS.find((c) => !mesh.clusters.includes(c));
      return free ? { ...mesh, clusters: [...mesh.clusters, free].sort() } : mesh;
    }
    case 'remove-cluster': {
      if (mesh.clusters.length <= 1) return mesh;
      const gone = pick(mesh.clusters, e.at)!;
      const services = mesh.services.filter((s) => s.cluster !== gone);
      return { clusters: mesh.clusters.filter((c) => c !== gone), services, routes: mesh.routes.filter((r) => services.some((s) => s.name === r)) };
    }
    case 'add-route': {
      const target = pick(mesh.services, e.at);
      return target && !mesh.routes.includes(target.name) ? { ...mesh, routes: [...mesh.routes, target.name] } : mesh;
    }
    case 'remove-route': {
      const gone = pick(mesh.routes, e.at);
      return gone ? { ...mesh, routes: mesh.routes.filter((r) => r !== gone) } : mesh;
    }
  }
}

interface IncrementalRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly cached: boolean;
  /** Files planned, and how many of them the run rendered (the others the run state vouched for). */
  readonly files?: number;
  readonly rendered?: number;
}

/**
 * `meshforge generate --format json` with the CLI's defaults, through the service itself so the test sees how many
 * files it rendered; printed exactly as the CLI prints it.
 */
async function generateIncrementally(cwd: string): Promise<IncrementalRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    readStdin: async () => Buffer.alloc(0),
  };
  const result = await runGenerate({ config: 'mesh.config.yaml', out: 'clusters/', cluster: [], validator: 'auto', schema: true, lockTimeoutSeconds: 30, cache: true }, appContext(io));
  const status = printResult(io, 'json', result);
  return { status, stdout, stderr, cached: result.cached, ...(result.files !== undefined ? { files: result.files } : {}), ...(result.rendered !== undefined ? { rendered: result.rendered } : {}) };
}

/** The full run of a config: the same config and previous ledger in an empty folder, without the run-state cache. */
async function fullRun(root: string, name: string, config: string, ledger: string | undefined) {
  const full = join(root, name);
  mkdirSync(full);
  writeFileSync(join(full, 'mesh.config.yaml'), config);
  if (ledger !== undefined) writeFileSync(join(full, 'mesh.lock.yaml'), ledger);
  const run = await runInProcess(['generate', '--format', 'json', '--no-cache'], { cwd: full });
  return { ...run, dir: full };
}

/** The incremental run in `ws` after its config became `config`, checked against a full run of the same inputs. */
async function sameAsFullRun(root: string, ws: string, name: string, config: string): Promise<IncrementalRun> {
  const ledgerBefore = readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8');
  writeFileSync(join(ws, 'mesh.config.yaml'), config);
  const inc = await generateIncrementally(ws);
  const all = await fullRun(root, name, config, ledgerBefore);
  expect(inc.status, inc.stderr).toBe(all.status);
  expect(inc.stdout).toBe(all.stdout);
  if (all.status === 0) {
    expect(readTree(join(ws, 'clusters'))).toEqual(readTree(join(all.dir, 'clusters')));
    expect(readFileSync(join(ws, 'mesh.lock.yaml'), 'utf8')).toBe(readFileSync(join(all.dir, 'mesh.lock.yaml'), 'utf8'));
  }
  return inc;
}


const START: Mesh = {
  clusters: ['c0', 'c1', 'c2'],
  services: [
    { name: 'web', cluster: 'c0', port: 80, exportTo: ['c1', 'c2'] },
    { name: 'api', cluster: 'c1', port: 8080, exportTo: ['c0'] },
    { name: 'db', cluster: 'c2', port: 9090, exportTo: [] },
  ],
  routes: ['web'],
};

describe('incremental generate', () => {
  it('gives the tree, ledger and report of a full run, for random edit sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const root = tempDir();
        const incremental = join(root, 'incremental');
        mkdirSync(incremental);
        let mesh = START;
        writeFileSync(join(incremental, 'mesh.config.yaml'), configText(mesh));
        // Twice: the first run creates the ledger, the second records the run state (and the file table).
        for (let i = 0; i < 2; i++) {
          const first = await runInProcess(['generate'], { cwd: incremental });
          expect(first.status, first.stderr).toBe(0);
        }
        for (const [step, e] of edits.entries()) {
          mesh = apply(mesh, e);
          const config = configText(mesh);
          const ledgerBefore = readFileSync(join(incremental, 'mesh.lock.yaml'), 'utf8');
          // The full run: the same config and the same previous ledger, an empty output folder, no cache.
          writeFileSync(join(incremental, 'mesh.config.yaml'), config);
          const inc = await generateIncrementally(incremental);
          const all = await fullRun(root, `full-${step}`, config, ledgerBefore);
          expect(inc.status, inc.stderr).toBe(all.status);
          expect(inc.stdout).toBe(all.stdout);
          if (all.status !== 0) return;
          // The incremental path really ran: a run that was not replayed rendered only part of its files.
          if (!inc.cached) expect(inc.rendered!).toBeLessThan(inc.files!);
          expect(readTree(join(incremental, 'clusters'))).toEqual(readTree(join(all.dir, 'clusters')));
          expect(readFileSync(join(incremental, 'mesh.lock.yaml'), 'utf8')).toBe(readFileSync(join(all.dir, 'mesh.lock.yaml'), 'utf8'));
          // Nothing is left beside the output folder (the run-state cache, when recorded, is in .meshforge/).
          expect(readdirSync(incremental).filter((name) => name !== '.meshforge').sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
          // And the tree checks as up to date.
          const check = await runInProcess(['generate', '--check', '--no-cache'], { cwd: incremental });
          expect(check.status, check.stdout).toBe(0);
        }
      }),
      { numRuns: 8, seed: 19 },
    );
  }, 600_000);

  describe('trusts a file only as its own inputs and stat allow', () => {
    // One port changes: c0's files for `web` (and their copies where it is exported) change, the rest are vouched for.
    const changed: Mesh = { ...START, services: START.services.map((s) => (s.name === 'web' ? { ...s, port: 8080 } : s)) };
    // A file of a service the edit does not reach: the run state would vouch for it if it were untouched.
    const untouched = 'c1/istio-system/destinationrule-export-api-ns-a.yaml';

    async function prepared(): Promise<{ root: string; ws: string }> {
      const root = tempDir();
      const ws = join(root, 'ws');
      mkdirSync(ws);
      writeFileSync(join(ws, 'mesh.config.yaml'), configText(START));
      // Twice: the first run creates the ledger, the second records the file table against it, late enough that its
      // stats vouch for the files without reading them (a file changed within 2 s of the table is read and hashed).
      expect((await generateIncrementally(ws)).status).toBe(0);
      await new Promise((done) => setTimeout(done, 2_100));
      expect((await generateIncrementally(ws)).status).toBe(0);
      expect(readTree(join(ws, 'clusters'))[untouched]).toBeDefined();
      return { root, ws };
    }

    it('vouches for unchanged files: most are not rendered', async () => {
      const { root, ws } = await prepared();
      const inc = await sameAsFullRun(root, ws, 'full', configText(changed));
      expect(inc.cached).toBe(false);
      expect(inc.rendered!).toBeLessThan(inc.files! / 2);
    }, 120_000);

    it('restores a hand-edited file, even with its old mtime', async () => {
      const { root, ws } = await prepared();
      const file = join(ws, 'clusters', untouched);
      const before = statSync(file);
      writeFileSync(file, readFileSync(file, 'utf8').replace('api', 'apx'));
      utimesSync(file, before.atime, before.mtime);
      const inc = await sameAsFullRun(root, ws, 'full', configText(changed));
      expect(inc.rendered!).toBeLessThan(inc.files!);
    }, 120_000);

    it('compares a touched file whose bytes are equal, and keeps it', async () => {
      const { root, ws } = await prepared();
      const file = join(ws, 'clusters', untouched);
      const before = readFileSync(file, 'utf8');
      utimesSync(file, new Date(), new Date());
      const inc = await sameAsFullRun(root, ws, 'full', configText(changed));
      expect(inc.rendered!).toBeLessThan(inc.files!);
      expect(readFileSync(file, 'utf8')).toBe(before);
    }, 120_000);

    it('writes a deleted file again, and one a copy was moved over', async () => {
      const { root, ws } = await prepared();
      rmSync(join(ws, 'clusters', untouched));
      // Another generated file's bytes moved over a third one: same content as that file, a new inode.
      const other = join(ws, 'clusters', 'c0/ns-a/destinationrule-api-c1.yaml');
      writeFileSync(`${other}.tmp`, readFileSync(join(ws, 'clusters', 'c2/ns-a/destinationrule-web-c0.yaml')));
      renameSync(`${other}.tmp`, other);
      const inc = await sameAsFullRun(root, ws, 'full', configText(changed));
      expect(inc.rendered!).toBeLessThan(inc.files!);
    }, 120_000);

    it('renders every file when the table was recorded by another meshforge build', async () => {
      const { root, ws } = await prepared();
      const state = join(ws, '.meshforge', 'state');
      const tables = readdirSync(state).filter((name) => name.endsWith('.files.json'));
      expect(tables).toHaveLength(1);
      const table = JSON.parse(readFileSync(join(state, tables[0]!), 'utf8')) as { tool: string };
      writeFileSync(join(state, tables[0]!), JSON.stringify({ ...table, tool: `${table.tool.slice(1)}0` }));
      const inc = await sameAsFullRun(root, ws, 'full', configText(changed));
      expect(inc.rendered).toBe(inc.files);
    }, 120_000);
  });

  it('refuses to check a half-swapped folder, and the next generate finishes the swap', async () => {
    const ws = tempDir();
    writeFileSync(join(ws, 'mesh.config.yaml'), configText(START));
    expect((await runInProcess(['generate'], { cwd: ws })).status).toBe(0);
    // As a run killed after its journal leaves it (here with nothing left to move).
    writeFileSync(join(ws, '.clusters.meshforge-journal'), JSON.stringify({ format: 1, units: [] }));
    const check = await runInProcess(['generate', '--check'], { cwd: ws });
    expect(check.status).toBe(3);
    expect(check.stderr).toMatch(/half written.*\n.*Run `meshforge generate`/s);
    const finish = await runInProcess(['generate'], { cwd: ws });
    expect(finish.status, finish.stderr).toBe(0);
    expect(readdirSync(ws).filter((name) => name !== '.meshforge').sort()).toEqual(['clusters', 'mesh.config.yaml', 'mesh.lock.yaml']);
    expect((await runInProcess(['generate', '--check'], { cwd: ws })).status).toBe(0);
  }, 300_000);
});
