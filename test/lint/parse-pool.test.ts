/**
 * Parsing in worker threads (generator/discover/parse-pool.ts) must never change what lint reads or reports: every
 * case here parses the same inputs in workers and in this thread and compares the results exactly (values, shared
 * alias targets, -0 and NaN, diagnostics, and the positions resolved for printing, which workers never compute).
 * Workers run the compiled script (dist/), as in the CLI: `npm run build` first, like the other spawn tests.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../generator/core/paths.js';
import { loadManifests } from '../../generator/discover/manifests.js';
import { ParsePool, type ParseOutcome } from '../../generator/discover/parse-pool.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { MANIFEST_LIMITS } from '../../generator/load/limits.js';
import { parseManifestDocuments } from '../../generator/manifest/from-text.js';
import { buildReport } from '../../generator/report/resolve.js';
import type { CliIO } from '../../generator/cli/io.js';
import { tempDir } from '../generator/helpers.js';

const SCRIPT = packagePath('dist', 'generator', 'discover', 'parse-worker.js');

/** Texts covering what parsing can produce: several documents, aliases, odd numbers, every kind of parse failure. */
const TEXTS: Record<string, string> = {
  'multi.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  namespace: x\n',
  'aliases.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {app: web}\n  annotations: *l\ndata:\n  neg: -0\n  nan: .nan\n  inf: -.inf\n  "__proto__": polluted\n',
  'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: d}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: e}\n',
  'syntax.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n',
  'duplicate.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: f\n  name: g\n',
  'tab.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: h\n',
  'undefined-alias.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: *nowhere\n',
  'warning.yaml': '%YAML 1.2\n%FOO bar\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: i\n',
  'empty.yaml': '',
  'scalar.yaml': 'just a string\n',
  'no-kind.yaml': 'apiVersion: v1\nmetadata:\n  name: j\n',
};

const quietIO = (cwd: string): Pick<CliIO, 'cwd' | 'readStdin'> => ({ cwd, readStdin: async () => Buffer.alloc(0) });

async function parseAll(pool: ParsePool): Promise<ParseOutcome[]> {
  const pending = Object.entries(TEXTS).map(([file, text]) => pool.parse(file, text));
  await pool.close();
  return Promise.all(pending);
}

describe('ParsePool', () => {
  it('gives in worker threads exactly what parseManifestDocuments gives in this thread', async () => {
    const pool = new ParsePool({ workers: 2, batch: 2, script: SCRIPT, limits: MANIFEST_LIMITS });
    const outcomes = await parseAll(pool);
    expect(pool.started).toBe(true);
    const here = Object.entries(TEXTS).map(([file, text]) => parseManifestDocuments(file, text, MANIFEST_LIMITS));
    expect(outcomes).toStrictEqual(here);
    // Not vacuous: failures, warnings, and the values structured cloning could lose.
    expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThanOrEqual(4);
    expect(outcomes.some((o) => o.diagnostics.some((d) => d.severity === 'warning'))).toBe(true);
    const aliases = outcomes[1]!;
    if (!aliases.ok) throw new Error('aliases.yaml should parse');
    const object = aliases.value[0]!.value as { metadata: { labels: unknown; annotations: unknown }; data: Record<string, unknown> };
    expect(object.metadata.annotations).toBe(object.metadata.labels);
    expect(Object.is(object.data.neg, -0)).toBe(true);
    expect(object.data.nan).toBeNaN();
    expect(Object.getOwnPropertyNames(object.data)).toContain('__proto__');
  });

  it('parses in this thread when there are no workers, too few files for a batch, or no compiled script', async () => {
    for (const options of [{ workers: 0, batch: 1, script: SCRIPT }, { workers: 2, batch: 100, script: SCRIPT }, { workers: 2, batch: 1, script: join(tempDir(), 'missing.js') }]) {
      const pool = new ParsePool({ ...options, limits: MANIFEST_LIMITS });
      const outcomes = await parseAll(pool);
      expect(pool.started).toBe(false);
      expect(outcomes).toStrictEqual(Object.entries(TEXTS).map(([file, text]) => parseManifestDocuments(file, text, MANIFEST_LIMITS)));
    }
  });

  it('takes back the batches of a worker that dies and parses them here', async () => {
    const dir = tempDir();
    const dying = join(dir, 'dying-worker.mjs');
    writeFileSync(dying, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n");
    const pool = new ParsePool({ workers: 2, batch: 3, script: dying, limits: MANIFEST_LIMITS });
    const outcomes = await parseAll(pool);
    expect(pool.started).toBe(true);
    expect(outcomes).toStrictEqual(Object.entries(TEXTS).map(([file, text]) => parseManifestDocuments(file, text, MANIFEST_LIMITS)));
  });
});

describe('loadManifests with worker threads', () => {
  /** A folder of clusters with the texts above spread over them, plus the lint corpus. */
  function workspace(): string {
    const dir = tempDir();
    Object.entries(TEXTS).forEach(([file, text], i) => {
      const folder = join(dir, 'clusters', `c${i % 3}`, 'ns');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, file), text);
    });
    cpSync(packagePath('test', 'fixtures', 'lint', 'corpus'), join(dir, 'clusters', 'c0', 'corpus'), { recursive: true });
    // Files the worker itself fails to read or decode: the lossy text it registers must show the same line.
    writeFileSync(join(dir, 'clusters', 'c1', 'ns', 'latin1.yaml'), Buffer.from('apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n', 'latin1'));
    writeFileSync(join(dir, 'clusters', 'c2', 'ns', 'binary.yaml'), Buffer.from('apiVersion: v1\nkind: Ser\0vice\n', 'latin1'));
    mkdirSync(join(dir, 'clusters', 'c2', 'ns', 'folder.yaml'));
    return dir;
  }

  async function load(dir: string, parse: { workers: number; batch: number; script: string }, only?: (file: string) => boolean) {
    const sources = new SourceRegistry();
    let usedWorkers = false;
    const loaded = await loadManifests(['clusters'], { io: quietIO(dir), sources, parse, onParsed: (used) => (usedWorkers = used) });
    // What is printed: positions are resolved only now, from the registered text, wherever the file was parsed.
    const report = buildReport('lint', loaded.diagnostics.filter((d) => only?.(d.location?.file ?? '') ?? true), sources, 0, dir);
    return { loaded, report, usedWorkers };
  }

  it('reads and reports the same resources and findings, at the same lines and columns', async () => {
    const dir = workspace();
    const inWorkers = await load(dir, { workers: 2, batch: 2, script: SCRIPT });
    const here = await load(dir, { workers: 0, batch: 2, script: SCRIPT });
    expect(inWorkers.usedWorkers).toBe(true);
    expect(here.usedWorkers).toBe(false);
    expect(inWorkers.loaded).toStrictEqual(here.loaded);
    expect(inWorkers.report).toStrictEqual(here.report);
    expect(here.loaded.ok).toBe(false);
    expect(here.report.diagnostics.filter((d) => d.line !== undefined && d.line > 1).length).toBeGreaterThanOrEqual(3);
    const rules = new Set(here.report.diagnostics.map((d) => d.rule));
    for (const rule of ['file-encoding', 'file-binary', 'yaml-syntax', 'yaml-duplicate-key', 'manifest-missing-kind']) expect(rules, rule).toContain(rule);
    expect(here.report.diagnostics.find((d) => d.rule === 'file-encoding')).toMatchObject({ line: 4 });
  });

  it('reads valid folders alike too (resources in input order)', async () => {
    const dir = tempDir();
    for (let i = 0; i < 40; i++) {
      const folder = join(dir, 'clusters', `c${i % 4}`, 'ns');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `svc-${String(i).padStart(2, '0')}.yaml`), `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  namespace: ns\nspec:\n  ports:\n  - port: ${8000 + i}\n`);
    }
    const inWorkers = await load(dir, { workers: 2, batch: 3, script: SCRIPT });
    const here = await load(dir, { workers: 0, batch: 3, script: SCRIPT });
    expect(inWorkers.usedWorkers).toBe(true);
    expect(here.loaded.ok).toBe(true);
    expect(inWorkers.loaded).toStrictEqual(here.loaded);
    if (here.loaded.ok) expect(here.loaded.value.map((r) => r.name)).toHaveLength(40);
  });
});
