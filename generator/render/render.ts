import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { displayConfigPath } from '../config/identity.js';
import type { DocPath } from '../diagnostics/types.js';
import type { VipLedger } from '../ledger/ledger.js';
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND, type ManifestResource, type RenderedFile } from '../manifest/types.js';
import type { MeshModel } from '../model/types.js';
import { MeshIndex } from './hosts.js';
import { installDocuments } from './install.js';
import { CLUSTER_SCOPED_FOLDER, ClusterPlanner, type PlannedDocument } from './resources.js';
import { renderTemplate } from './templates.js';

import { DEFAULT_OUT_DIR } from '../core/cli-vocabulary.js';
export { DEFAULT_OUT_DIR };
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/** A file before it is written: where it goes, what it should hold (the intent), and the template that writes it. */
export interface PlannedFile {
  /** Relative to the output folder, POSIX separators: <cluster>/<folder>/<file>. */
  readonly path: string;
  readonly cluster: string;
  readonly document: PlannedDocument;
}

export interface RenderOptions {
  /** The output folder as the user gave it: resource locations are reported as <outDir>/<path>. */
  readonly outDir?: string;
  /** Only these clusters' files (a shard); the planner still reads the whole model and ledger. */
  readonly clusters?: ReadonlySet<string>;
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

/** Every file of every cluster, content first in kustomization order, then install inputs. Pure. */
export function planMeshFiles(model: MeshModel, ledger: VipLedger, only?: ReadonlySet<string>): PlannedFile[] {
  const planner = new ClusterPlanner(new MeshIndex(model), ledger);
  const files: PlannedFile[] = [];
  for (const cluster of model.clusters) {
    if (only && !only.has(cluster.name)) continue;
    const contentDocs = planner.plan(cluster).map((document) => ({ path: `${cluster.name}/${document.folder}/${document.fileName}`, cluster: cluster.name, document }));
    const listed = kustomizationOrder(contentDocs.map((f) => ({ path: f.path.slice(cluster.name.length + 1), kind: (f.document.object as { kind: string }).kind })));
    const kustomization: PlannedDocument = {
      template: 'kustomization',
      object: { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: listed },
      origin: cluster.origin,
      folder: '',
      fileName: KUSTOMIZATION_FILE,
      kind: 'install',
    };
    const byPath = new Map(contentDocs.map((f) => [f.path, f]));
    files.push(...listed.map((p) => byPath.get(`${cluster.name}/${p}`)!));
    files.push({ path: `${cluster.name}/${KUSTOMIZATION_FILE}`, cluster: cluster.name, document: kustomization });
    for (const document of installDocuments(model, cluster)) files.push({ path: `${cluster.name}/${document.folder}/${document.fileName}`, cluster: cluster.name, document });
  }
  return files;
}

/** Namespaces first (Argo CD and kubectl need them before what lives in them), then by path. */
export function kustomizationOrder(entries: readonly { path: string; kind: string }[]): string[] {
  const rank = (e: { kind: string }) => (e.kind === 'Namespace' ? 0 : 1);
  return [...entries]
    .sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => e.path);
}

/**
 * The header's source line: the config file's name and the node the file comes from, named by identity
 * (services[bar/httpbin].exportTo[cluster1]), so that editing one entry never changes another entry's files.
 */
export function sourceLine(model: Pick<MeshModel, 'configFile' | 'config'>, origin: DocPath): string {
  return `${basename(model.configFile)} ${displayConfigPath(model.config, origin)}`;
}

const VALUES_SUFFIX = '.values.yaml';

/**
 * The ManifestResource of one rendered document: the intended object (never re-parsed from the text), where it is
 * written, and the config node it came from. Helm values files become HelmValues resources, since policies read them
 * (meshConfig lives there for Helm installs). Undefined for documents that are neither (kustomization.yaml).
 */
export function renderedResource(
  document: { readonly path: string; readonly object: Readonly<Record<string, unknown>>; readonly cluster?: string | undefined; readonly origin: DocPath },
  model: MeshModel,
  location: string,
): ManifestResource | undefined {
  const common = {
    object: document.object,
    ...(document.cluster !== undefined ? { cluster: document.cluster } : {}),
    location: { file: location, docIndex: 0, path: [] },
    origin: { file: model.configFile, path: document.origin },
  };
  if (document.path.endsWith(VALUES_SUFFIX)) {
    return { apiVersion: HELM_VALUES_API_VERSION, kind: HELM_VALUES_KIND, name: basename(document.path).slice(0, -VALUES_SUFFIX.length), ...common };
  }
  const object = document.object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') return undefined;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(typeof object.metadata.namespace === 'string' ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
    ...common,
  };
}

/** Where a rendered file is reported: the output folder as the user gave it, joined with the file's path (POSIX). */
export function outputLocation(outDir: string, path: string): string {
  return posix.join(outDir.replace(/\\/g, '/'), path);
}

/**
 * The same text, stored flat. A template's output is a tree of concatenated pieces (about 40 per file, three times the
 * text's size); flattening it while it is young lets the cheap young-generation GC free the pieces, instead of both
 * forms being promoted and kept until the file is hashed or written (at 55,851 files: peak RSS 418 MB instead of
 * 450 MB for a full generate). V8 flattens a string before converting it to a number (the trick the flatstr package
 * uses); the value is untouched.
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/** Renders one planned file to its exact bytes. */
export function renderPlannedFile(file: PlannedFile, model: MeshModel): string {
  return renderTemplate(file.document.template, { header: { source: sourceLine(model, file.document.origin) }, o: file.document.object });
}

/**
 * A plain-data value as text, key order kept (a template that walks a map writes its keys in that order), undefined
 * and -0 told apart from absent and 0: two values with the same text render the same bytes with the same template.
 * Undefined for anything that is not plain data (a class instance, a function, a Date): such a file has no
 * fingerprint and is always rendered.
 */
function plainText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object': {
      if (value === null) return 'n';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) return undefined;
          const item = plainText(value[i]);
          if (item === undefined) return undefined;
          out += `${item},`;
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return undefined;
      let out = '{';
      for (const key of Object.keys(value)) {
        const item = plainText((value as Record<string, unknown>)[key]);
        if (item === undefined) return undefined;
        out += `${JSON.stringify(key)}:${item},`;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

/**
 * The fingerprint of everything a planned file's bytes depend on besides meshforge itself (templates and helpers:
 * a caller keeps it with the tool's fingerprint): the template, the header's source line and the object. Equal
 * fingerprints (same meshforge build) mean byte-identical files, so a file whose fingerprint and on-disk bytes are
 * known need not be rendered. Undefined when the object is not plain data.
 */
export function plannedFingerprint(file: PlannedFile, model: Pick<MeshModel, 'configFile' | 'config'>): string | undefined {
  const object = plainText(file.document.object);
  if (object === undefined) return undefined;
  return createHash('sha256').update(`${file.document.template}\0${sourceLine(model, file.document.origin)}\0${object}`).digest('hex');
}

/** Rendered files whose text is made on first use (then kept), and what the run needed of them. */
export interface LazyRenderedMesh {
  /** Every cluster's files, as renderMesh gives them; `content` is rendered when first read. */
  readonly files: readonly RenderedFile[];
  /** The fingerprint of one of `files` (plannedFingerprint); undefined for another file or an object that has none. */
  readonly fingerprintOf: (file: RenderedFile) => string | undefined;
  /** How many of `files` have been rendered so far. */
  readonly rendered: () => number;
}

/**
 * model + ledger -> every cluster's files, each rendered only when its `content` is first read: a run that can vouch
 * for a file's bytes on disk (its fingerprint as recorded, the file untouched since) never renders it. `content` is an
 * own, enumerable getter, so a spread copy renders it and keeps the text.
 */
export function renderMeshLazily(model: MeshModel, ledger: VipLedger, options: RenderOptions = {}): LazyRenderedMesh {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const planned = new WeakMap<RenderedFile, PlannedFile>();
  let rendered = 0;
  const files = planMeshFiles(model, ledger, options.clusters).map((file): RenderedFile => {
    const location = outputLocation(outDir, file.path);
    const resource = renderedResource({ path: file.path, object: file.document.object, cluster: file.cluster, origin: file.document.origin }, model, location);
    let text: string | undefined;
    const lazy: RenderedFile = {
      path: file.path,
      get content(): string {
        if (text === undefined) {
          text = flat(renderPlannedFile(file, model));
          rendered++;
        }
        return text;
      },
      cluster: file.cluster,
      resources: resource ? [resource] : [],
      origin: { file: model.configFile, path: file.document.origin },
      source: displayConfigPath(model.config, file.document.origin),
    };
    planned.set(lazy, file);
    return lazy;
  });
  return {
    files,
    fingerprintOf: (file) => {
      const plannedFile = planned.get(file);
      return plannedFile ? plannedFingerprint(plannedFile, model) : undefined;
    },
    rendered: () => rendered,
  };
}

/**
 * model + ledger -> every cluster's files. Pure and deterministic: the same inputs give the same bytes on every run
 * and machine. Each file lists its resources with the intended object (never re-parsed from the text) and the config
 * node it came from.
 */
export function renderMesh(model: MeshModel, ledger: VipLedger, options: RenderOptions = {}): RenderedFile[] {
  const { files } = renderMeshLazily(model, ledger, options);
  for (const file of files) void file.content;
  return [...files];
}

export { CLUSTER_SCOPED_FOLDER };
