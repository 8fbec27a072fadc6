/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty project, then imported by a plain
 * node process and its bin run from node_modules/.bin. The install is offline: the dependencies come from the npm
 * cache that `npm ci` filled, pinned by a lock file made from meshforge's own (`npm install --offline <tarball>` alone
 * cannot work offline: it needs the registry's package documents, which `npm ci` does not cache). Build first
 * (`npm run build`; `npm test` does it): the tarball ships dist/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../generator/core/paths.js';

const run = promisify(execFile);

interface LockEntry {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly bin: Record<string, string>;
  readonly dependencies: Record<string, string>;
}

/** The consumer's lock: meshforge from the tarball, and every runtime dependency exactly as meshforge's lock has it. */
function consumerLock(tarballSpec: string, manifest: PackageJson): unknown {
  const lock = JSON.parse(readFileSync(packagePath('package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev && !entry.devOptional && !entry.link);
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: { meshforge: tarballSpec } },
      'node_modules/meshforge': { version: manifest.version, resolved: tarballSpec, license: manifest.license, dependencies: manifest.dependencies, bin: manifest.bin },
      ...Object.fromEntries(runtime),
    },
  };
}

/** Run by node in the consumer project: what a user's code does with the library. Prints one JSON object. */
const CONSUMER_SCRIPT = `
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const meshforge = await import('meshforge');
const [dir, names] = [process.argv[2], JSON.parse(process.argv[3])];
const missing = names.filter((name) => meshforge[name] === undefined);
const configFile = join(dir, 'mesh.config.yaml');
const outDir = join(dir, 'clusters');
const loaded = meshforge.loadConfigString(readFileSync(configFile, 'utf8'));
const plan = meshforge.planGenerate({ configFile, outDir });
meshforge.writeTree(outDir, plan.value.files);
writeFileSync(plan.value.lock.path, plan.value.lock.content);
const check = (context) => meshforge.runCheck({ configFile, outDir, validator: null, now: new Date() }, context);
const clean = await check({ cwd: dir, env: {} });
const edited = plan.value.files.find((file) => file.path.endsWith('.yaml')).path;
writeFileSync(join(outDir, edited), readFileSync(join(outDir, edited), 'utf8') + '# edited by hand\\n');
const drifted = await check({ cwd: dir, env: {} });
const policies = meshforge.runPolicies(plan.value.files.flatMap((file) => file.resources), { model: plan.value.model });
const report = drifted.report;
const policyReport = meshforge.buildReport('lint', policies.diagnostics, plan.value.sources, 0, dir);
let deepImport = 'allowed';
try { await import('meshforge/dist/generator/cli/main.js'); } catch (error) { deepImport = error.code; }
const manifest = await import('meshforge/package.json', { with: { type: 'json' } });
process.stdout.write(JSON.stringify({
  missing,
  exported: Object.keys(meshforge).length,
  modelClusters: loaded.ok ? loaded.value.model.clusters.length : -1,
  planned: plan.ok ? plan.value.files.length : -1,
  clean: clean.diagnostics.map((d) => d.rule),
  drifted: [...new Set(drifted.diagnostics.map((d) => d.rule))],
  policyErrors: policies.diagnostics.filter((d) => d.severity === 'error').length,
  policyReportErrors: policyReport.summary.errors,
  json: JSON.parse(meshforge.findFormatter('json').format(report, { color: false })).summary,
  rules: meshforge.RULES.length,
  version: meshforge.packageVersion(),
  manifestVersion: manifest.default.version,
  deepImport,
}));
`;

/** What a library user needs from every layer, and the services; the list the index must keep exporting. */
const EXPECTED_EXPORTS = [
  'MeshforgeError', 'loadConfigFile', 'loadConfigString', 'validateConfigSchema', 'checkSemantics', 'buildModel', 'allocateVips',
  'readLedger', 'renderMesh', 'renderGitops', 'planGenerate', 'createValidator', 'EmbeddedValidator', 'runPolicies', 'RULES',
  'checkResources', 'loadManifests', 'buildReport', 'findFormatter', 'FORMATTERS', 'writeTree', 'compareTree', 'planChanges',
  'runPullRequest', 'initPki', 'verifyPki', 'resolveFrom', 'runCheck', 'runGenerate', 'runValidate', 'runLint', 'runDiff', 'runPr', 'runExplain', 'runCertsInit', 'runCertsVerify',
];

// Each test starts node processes that load the whole package (on a busy machine that alone takes seconds).
const PROCESS_TEST_TIMEOUT = 60_000;

describe('the npm package', () => {
  const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as PackageJson;
  let root: string;
  let project: string;
  let shipped: string[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'meshforge-pack-'));
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], { cwd: packagePath(), maxBuffer: 16 * 1024 * 1024 });
    const [tarball] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    shipped = tarball!.files.map((file) => file.path);
    project = join(root, 'project');
    const spec = `file:../${tarball!.filename}`;
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { meshforge: spec } }));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(spec, manifest)));
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project });
  }, 180_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ships the library, the bin, templates, schemas and rule pages, and no dev scripts, tests or source maps', () => {
    for (const path of ['dist/generator/index.js', 'dist/generator/index.d.ts', 'bin/meshforge.js', 'generator/templates/gateway.yaml.hbs', 'schemas/mesh.config.schema.json', 'schemas/k8s/index.json', 'policies/strict-mtls.md']) {
      expect(shipped).toContain(path);
    }
    expect(shipped.filter((path) => path.startsWith('dist/scripts/') || path.startsWith('scripts/') || path.startsWith('test/'))).toEqual([]);
    expect(shipped.filter((path) => path.endsWith('.map') || /\.test\.(ts|js)$/.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts')))).toEqual([]);
  });

  it("import('meshforge') gives the stages and services, which plan, write and check the example", async () => {
    const script = join(project, 'consumer.mjs');
    writeFileSync(script, CONSUMER_SCRIPT);
    const work = join(project, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'mesh.config.yaml'), readFileSync(packagePath('mesh.config.yaml')));
    const { stdout } = await run(process.execPath, [script, work, JSON.stringify(EXPECTED_EXPORTS)], { cwd: project });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result.missing).toEqual([]);
    expect(result.modelClusters).toBeGreaterThan(1);
    expect(result.planned).toBeGreaterThan(10);
    // The tree the library wrote is the tree the config generates; a hand edit is drift.
    expect(result.clean).toEqual([]);
    expect(result.drifted).toEqual(['drift']);
    expect(result.json).toMatchObject({ errors: expect.any(Number) });
    expect((result.json as { errors: number }).errors).toBeGreaterThan(0);
    expect(result.policyErrors).toBe(0);
    expect(result.policyReportErrors).toBe(0);
    expect(result.rules).toBeGreaterThan(20);
    expect(result.version).toBe(manifest.version);
    expect(result.manifestVersion).toBe(manifest.version);
    // Only the entry and package.json are exported: the CLI's modules are not an API.
    expect(result.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  }, PROCESS_TEST_TIMEOUT);

  it('installs the meshforge bin, which runs from the installed package', async () => {
    const bin = join(project, 'node_modules', '.bin', 'meshforge');
    const version = await run(bin, ['--version'], { cwd: project });
    expect(version.stdout.trim()).toBe(manifest.version);
    // The rule pages ship: explain reads them from the package folder.
    const explain = await run(bin, ['explain', 'strict-mtls'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    expect(explain.stdout).toContain('PeerAuthentication uses STRICT mTLS');
  }, PROCESS_TEST_TIMEOUT);
});
