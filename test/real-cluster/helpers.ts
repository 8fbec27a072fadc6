import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { loadConfigString } from '../../generator/model/load.js';
import type { Diagnostic } from '../../generator/diagnostics/types.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import { packagePath } from '../../generator/core/paths.js';
import { planGenerate } from '../../generator/pipeline/generate.js';

/** Temp folders made by a test file; `cleanup()` (called from afterAll/afterEach) removes them all. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix = 'meshforge-real-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export interface Generated {
  readonly files: readonly RenderedFile[];
  readonly outDir: string;
  /** Every rendered file parsed, by path. */
  readonly parsed: ReadonlyMap<string, Record<string, any>>;
  readonly diagnostics: readonly Diagnostic[];
}

function parsedFiles(files: readonly RenderedFile[]): Map<string, Record<string, any>> {
  return new Map(files.filter((f) => f.path.endsWith('.yaml')).map((f) => [f.path, parse(f.content) as Record<string, any>]));
}

/** The example (mesh.config.yaml at the repository root) through planGenerate, in-process, into `outDir` (not written). */
export function generateExample(outDir: string): Generated {
  const plan = planGenerate({ configFile: packagePath('mesh.config.yaml'), outDir, lockFile: packagePath('mesh.lock.yaml') });
  if (!plan.ok) throw new Error(`example failed: ${plan.diagnostics.map((d) => d.message).join('; ')}`);
  return { files: plan.value.files, outDir, parsed: parsedFiles(plan.value.files), diagnostics: plan.diagnostics };
}

/** A config text written to `dir/mesh.config.yaml`, through planGenerate (lock file in `dir`, tree in `dir/clusters`). */
export function generateText(dir: string, text: string): Generated {
  const configFile = join(dir, 'mesh.config.yaml');
  writeFileSync(configFile, text);
  const outDir = join(dir, 'clusters');
  const plan = planGenerate({ configFile, outDir });
  if (!plan.ok) throw new Error(`config failed: ${plan.diagnostics.map((d) => `${d.rule}: ${d.message}`).join('; ')}`);
  return { files: plan.value.files, outDir, parsed: parsedFiles(plan.value.files), diagnostics: plan.diagnostics };
}

/** Writes the planned files under `outDir` (what `meshforge generate` would write, minus provenance). */
export function writeTree(generated: Generated): void {
  for (const file of generated.files) {
    const path = join(generated.outDir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
}

/** Config diagnostics of a text, without generating. */
export function configDiagnostics(text: string): Diagnostic[] {
  const loaded = loadConfigString(text, 'mesh.config.yaml');
  return loaded.ok ? [...loaded.diagnostics] : [...loaded.diagnostics];
}

export function doc(generated: Generated, path: string): Record<string, any> {
  const object = generated.parsed.get(path);
  if (!object) throw new Error(`no file ${path}; have ${[...generated.parsed.keys()].join(', ')}`);
  return object;
}

export function ofKind(generated: Generated, kind: string): { path: string; object: Record<string, any> }[] {
  return [...generated.parsed].filter(([, o]) => o && o.kind === kind).map(([path, object]) => ({ path, object }));
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(packagePath(...parts), 'utf8');
}

/**
 * A second mesh, unlike the example: Istio 1.24, Helm everywhere with a control-plane revision, an east-west gateway
 * with its own ports (a nodePort) on one cluster and a DNS-name address on the other, a service in both clusters with
 * a version in both, and a weighted split that names clusters and versions. Argo CD and Flux both.
 */
export const SYNTHETIC = `apiVersion: meshforge.io/v1alpha1
mesh:
  id: synth
  istio: { version: 1.24.3 }
  vipRanges: [240.3.0.0/16]
  defaults: { dnsCapture: true }
clusters:
  - name: alpha
    network: net-a
    install: { method: helm, revision: canary }
    ingressGateway: { address: 10.9.0.10 }
    eastWestGateway:
      address: 10.9.0.11
      serviceType: NodePort
      ports:
        - { name: status-port, port: 15021 }
        - { name: tls, port: 15443, nodePort: 31443 }
        - { name: tls-istiod, port: 15012 }
        - { name: tls-webhook, port: 15017 }
  - name: beta
    network: net-b
    install: { method: helm, revision: canary }
    ingressGateway: { address: 10.9.1.10, routerMode: sni-dnat }
    eastWestGateway: { address: beta-eastwest.example.com }
namespaces:
  - { name: shop, injection: true }
services:
  - name: cart
    namespace: shop
    clusters: [alpha, beta]
    ports: [{ number: 8080, name: http, protocol: HTTP }]
    versions:
      - { name: v1 }
      - { name: v2, clusters: [beta] }
    exportTo: [alpha]
routes:
  - name: cart
    namespace: shop
    host: cart
    clusters: [alpha]
    http:
      - to:
          - { service: cart, cluster: alpha, version: v1, weight: 70 }
          - { service: cart, cluster: beta, weight: 30 }
gitops:
  engine: both
  repoURL: https://git.example.com/synth/mesh.git
  branch: main
  path: clusters
`;
