/**
 * One benchmark step, run in its own node process by run.ts so steps never share a warm heap or a JIT:
 *   node dist/scripts/bench/step.js <step> <json options>
 * The result (in-process milliseconds of the measured part, peak RSS of the whole process) is written as JSON to the
 * file named by MESHFORGE_BENCH_RESULT. Setup that is not part of a step (planning the files the floor writes, say)
 * happens before the clock starts. `measureStep` runs a step in the calling process (tests of the bench itself).
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { allocateVips } from '../../generator/ledger/ledger.js';
import { readLedger } from '../../generator/ledger/lockfile.js';
import { runPolicies } from '../../generator/lint/engine.js';
import type { ManifestResource, RenderedFile } from '../../generator/manifest/types.js';
import { planGenerate } from '../../generator/pipeline/generate.js';
import { renderMesh } from '../../generator/render/render.js';
import type { CliIO } from '../../generator/cli/io.js';

export type StepName = 'model' | 'render' | 'policies' | 'schemas' | 'floor' | 'cdk8s' | 'cdk8s-memory' | 'cli';

export interface StepOptions {
  readonly config: string;
  readonly out?: string;
  /** For `cli`: the meshforge arguments. */
  readonly args?: readonly string[];
  /** The work folder `config`, `out` and the `cli` arguments are relative to; default: the working folder. */
  readonly cwd?: string;
}

export interface StepResult {
  readonly step: StepName;
  /** Milliseconds of the measured part, in-process. */
  readonly ms: number;
  readonly peakRssMb: number;
  /** CPU time (user + system) of the whole process: steadier than wall time on a shared machine. */
  readonly cpuMs?: number;
  readonly resources?: number;
  readonly files?: number;
  readonly exitCode?: number;
  readonly detail?: string;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function mustPlan(config: string, out: string) {
  const planned = planGenerate({ configFile: config, outDir: out });
  if (!planned.ok) throw new Error(`bench: the synthetic config does not generate: ${planned.diagnostics.map((d) => d.message).join('; ')}`);
  return planned.value;
}

function contentResources(files: readonly RenderedFile[]): ManifestResource[] {
  return files.flatMap((f) => f.resources);
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** The floor: the same objects as JSON.stringify text, one file per generated file, at the same paths. */
function writeFloor(files: readonly RenderedFile[], out: string): void {
  const made = new Set<string>();
  for (const file of files) {
    const target = join(out, file.path);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const text = file.resources.length === 1 ? JSON.stringify(file.resources[0]!.object) : JSON.stringify(file.resources.map((r) => r.object));
    writeFileSync(target, text);
  }
}

/**
 * cdk8s: one App, one Chart per cluster, one ApiObject per resource. `out` set: synth to one file per resource (the
 * disk-bound comparison); `out` undefined: the same objects synthesised (`Chart.toJson()`) to YAML text in memory, one
 * string per resource as synth writes them, no disk (the comparison with `render_ms`, which renders text in memory too).
 */
async function runCdk8s(files: readonly RenderedFile[], out: string | undefined): Promise<{ ms: number; bytes: number }> {
  // Imported here only: the rest of the bench must not load cdk8s.
  const { App, Chart, ApiObject, Yaml, YamlOutputType } = await import('cdk8s');
  const start = performance.now();
  const app = out !== undefined ? new App({ outdir: out, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE }) : new App({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  const charts = new Map<string, InstanceType<typeof Chart>>();
  let count = 0;
  for (const file of files) {
    for (const resource of file.resources) {
      const cluster = resource.cluster ?? 'none';
      let chart = charts.get(cluster);
      if (!chart) charts.set(cluster, (chart = new Chart(app, cluster, { disableResourceNameHashes: true })));
      const { apiVersion: _a, kind: _k, metadata, ...rest } = resource.object as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown> };
      new ApiObject(chart, `r${count++}`, { apiVersion: resource.apiVersion, kind: resource.kind, metadata: { ...metadata, name: resource.name }, ...rest });
    }
  }
  if (out !== undefined) {
    app.synth();
    return { ms: performance.now() - start, bytes: 0 };
  }
  // What synth() writes per resource (FILE_PER_RESOURCE), as strings: App.synthYaml() spreads every document into one
  // call's arguments, which overflows the stack at 220,000 resources.
  let bytes = 0;
  for (const chart of charts.values()) for (const object of chart.toJson() as unknown[]) bytes += Yaml.stringify(object).length;
  return { ms: performance.now() - start, bytes };
}

const discard = { write: () => true };

function quietIO(cwd: string): CliIO {
  return { stdout: discard, stderr: { write: (text: string) => process.stderr.write(text) }, cwd, env: process.env, readStdin: async () => Buffer.alloc(0) };
}

/** Runs one step here and returns its figures; CPU time is this process's so far. */
export async function measureStep(step: StepName, options: StepOptions): Promise<StepResult> {
  // Paths are relative to the work folder: the step process's working folder, or options.cwd.
  const cwd = options.cwd ?? process.cwd();
  const result = await run(step, { ...options, config: resolve(cwd, options.config), ...(options.out !== undefined ? { out: resolve(cwd, options.out) } : {}), cwd });
  const cpu = process.cpuUsage();
  return { ...result, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}

async function run(step: StepName, options: StepOptions & { readonly cwd: string }): Promise<StepResult> {
  switch (step) {
    case 'model': {
      const { ms, value } = timed(() => loadConfigFile(options.config, new SourceRegistry()));
      if (!value.ok) throw new Error('bench: the synthetic config is invalid');
      return { step, ms, peakRssMb: peakRssMb() };
    }
    case 'render': {
      const sources = new SourceRegistry();
      const loaded = loadConfigFile(options.config, sources);
      if (!loaded.ok) throw new Error('bench: the synthetic config is invalid');
      const previous = readLedger(join(dirname(options.config), 'mesh.lock.yaml'), sources);
      const { ms, value } = timed(() => {
        const ledger = allocateVips(loaded.value.model, previous.ok ? previous.value : undefined, { reclaim: false });
        if (!ledger.ok) throw new Error('bench: VIP allocation failed');
        return renderMesh(loaded.value.model, ledger.value, { outDir: options.out ?? 'clusters' });
      });
      return { step, ms, peakRssMb: peakRssMb(), files: value.length, resources: contentResources(value).length };
    }
    case 'policies': {
      const plan = mustPlan(options.config, options.out ?? 'clusters');
      const resources = contentResources(plan.files);
      const { ms, value } = timed(() => runPolicies(resources, { model: plan.model }));
      return { step, ms, peakRssMb: peakRssMb(), resources: resources.length, detail: `${value.diagnostics.length} findings` };
    }
    case 'schemas': {
      const plan = mustPlan(options.config, options.out ?? 'clusters');
      const resources = contentResources(plan.files);
      const { EmbeddedValidator } = await import('../../generator/validate/embedded.js');
      const start = performance.now();
      const findings = await new EmbeddedValidator().validate(resources);
      return { step, ms: performance.now() - start, peakRssMb: peakRssMb(), resources: resources.length, detail: `${findings.length} findings` };
    }
    case 'floor': {
      const plan = mustPlan(options.config, options.out!);
      const { ms } = timed(() => writeFloor(plan.files, options.out!));
      return { step, ms, peakRssMb: peakRssMb(), files: plan.files.length, resources: contentResources(plan.files).length };
    }
    case 'cdk8s': {
      const plan = mustPlan(options.config, options.out!);
      const resources = contentResources(plan.files).length;
      const { ms } = await runCdk8s(plan.files, options.out!);
      return { step, ms, peakRssMb: peakRssMb(), resources };
    }
    case 'cdk8s-memory': {
      const plan = mustPlan(options.config, options.out ?? 'clusters');
      const resources = contentResources(plan.files).length;
      const { ms, bytes } = await runCdk8s(plan.files, undefined);
      return { step, ms, peakRssMb: peakRssMb(), resources, detail: `${bytes} characters of YAML` };
    }
    case 'cli': {
      const { runCli } = await import('../../generator/cli/main.js');
      const start = performance.now();
      const exitCode = await runCli(options.args ?? [], quietIO(options.cwd));
      return { step, ms: performance.now() - start, peakRssMb: peakRssMb(), exitCode };
    }
  }
}

async function main(): Promise<void> {
  const [step, json] = process.argv.slice(2);
  const resultFile = process.env.MESHFORGE_BENCH_RESULT;
  if (!step || !json || !resultFile) {
    process.stderr.write('usage: MESHFORGE_BENCH_RESULT=FILE node step.js <step> <json options> (run by `npm run bench`)\n');
    process.exitCode = 2;
    return;
  }
  const result = await measureStep(step as StepName, JSON.parse(json) as StepOptions);
  writeFileSync(resultFile, `${JSON.stringify(result)}\n`);
}

// A step process when run as a script; a module when run.ts or a test imports it.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
