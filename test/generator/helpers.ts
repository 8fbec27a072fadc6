import { mkdtempSync, readdirSync } from 'node:fs';
import { trackTemp } from '../setup/temp-registry.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfigString } from '../../generator/model/load.js';
import { readFileSync } from 'node:fs';
import { allocateVips, type VipLedger } from '../../generator/ledger/ledger.js';
import type { RenderedFile } from '../../generator/manifest/types.js';
import type { MeshModel } from '../../generator/model/types.js';
import { packagePath } from '../../generator/core/paths.js';
import { renderMesh } from '../../generator/render/render.js';

export const EXAMPLE_CONFIG = packagePath('mesh.config.yaml');

export function exampleText(): string {
  return readFileSync(EXAMPLE_CONFIG, 'utf8');
}

/** The ambient example (issue 16): its tree is committed in examples/ambient/clusters/. */
export const AMBIENT_EXAMPLE_CONFIG = packagePath('examples', 'ambient', 'mesh.config.yaml');

export function ambientExampleText(): string {
  return readFileSync(AMBIENT_EXAMPLE_CONFIG, 'utf8');
}

export function modelOf(text: string, file = 'mesh.config.yaml'): MeshModel {
  const loaded = loadConfigString(text, file);
  if (!loaded.ok) throw new Error(`config invalid: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  return loaded.value.model;
}

export function ledgerOf(model: MeshModel, previous?: VipLedger, reclaim = false): VipLedger {
  const result = allocateVips(model, previous, { reclaim });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.value;
}

export function renderExample(): { model: MeshModel; ledger: VipLedger; files: RenderedFile[] } {
  const model = modelOf(exampleText());
  const ledger = ledgerOf(model);
  return { model, ledger, files: renderMesh(model, ledger) };
}

export interface ParsedResource {
  readonly path: string;
  readonly cluster: string | undefined;
  readonly object: Record<string, any>;
}

/** Parses every rendered file (the way a reader of the tree would) into objects. */
export function parsedResources(files: readonly RenderedFile[]): ParsedResource[] {
  return files.map((f) => ({ path: f.path, cluster: f.cluster, object: parse(f.content) as Record<string, any> }));
}

export function find(resources: readonly ParsedResource[], cluster: string, kind: string, name: string, namespace?: string): Record<string, any> {
  const hit = resources.find((r) => r.cluster === cluster && r.object.kind === kind && r.object.metadata?.name === name && (namespace === undefined || r.object.metadata?.namespace === namespace));
  if (!hit) throw new Error(`no ${kind} ${namespace ?? '*'}/${name} in ${cluster}`);
  return hit.object;
}

/** A temporary folder, removed after the importing file's tests. */
export function tempDir(prefix = 'meshforge-gen-'): string {
  return trackTemp(mkdtempSync(join(tmpdir(), prefix)));
}

/** Every file below a folder, by POSIX path relative to it, with its text: trees compared byte for byte. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) visit(join(d, e.name), rel);
      else out[rel] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  visit(dir, '');
  return out;
}
