import { posix } from 'node:path';
import type { RenderedFile } from '../manifest/types.js';
import type { MeshModel } from '../model/types.js';
import { displayConfigPath } from '../config/identity.js';
import { DEFAULT_OUT_DIR, outputLocation, renderedResource, sourceLine } from '../render/render.js';
import { renderTemplate, type TemplateName } from '../render/templates.js';
import { argocdDocuments } from './argocd.js';
import { fluxDocuments } from './flux.js';
import { KUSTOMIZE_FILE, wantsArgocd, wantsFlux } from './layout.js';
import { treeLines } from './tree.js';
import { gatewayApiContent, type GatewayApiContent } from './gateway-api-crds.js';
import type { GitopsDocument, Obj } from './types.js';

export interface GitopsRenderOptions {
  /** The output folder as the user gave it; by default taken from the rendered files' locations, else `clusters`. */
  readonly outDir?: string;
}

/**
 * Every wrapper document, each folder's kustomization.yaml included, in a stable order. Pure. `content` names the
 * Gateway API kinds of each cluster's generated tree (`gatewayApiContent` of the planned or rendered objects): a
 * cluster that has some also gets the Gateway API CRD bundle.
 */
export function planGitops(model: MeshModel, content: GatewayApiContent): GitopsDocument[] {
  const gitops = model.gitops;
  if (!gitops) return [];
  const docs: GitopsDocument[] = [];
  if (wantsArgocd(gitops)) docs.push(...argocdDocuments(model, gitops, content));
  if (wantsFlux(gitops)) for (const cluster of model.clusters) docs.push(...fluxDocuments(model, gitops, cluster, content));

  // One kustomization.yaml per wrapper folder, listing exactly that folder's files (never a subfolder), so that
  // whoever applies the folder gets those objects and nothing else.
  const folders = new Map<string, GitopsDocument[]>();
  for (const doc of docs.filter((d) => d.listed)) {
    const folder = posix.dirname(doc.path);
    folders.set(folder, [...(folders.get(folder) ?? []), doc]);
  }
  const withKustomize: GitopsDocument[] = [];
  const written = new Set<string>();
  for (const doc of docs) {
    const folder = posix.dirname(doc.path);
    withKustomize.push(doc);
    const members = folders.get(folder);
    if (!members || written.has(folder) || members[members.length - 1] !== doc) continue;
    written.add(folder);
    withKustomize.push({
      path: `${folder}/${KUSTOMIZE_FILE}`,
      ...(doc.cluster !== undefined && members.every((m) => m.cluster === doc.cluster) ? { cluster: doc.cluster } : {}),
      template: 'gitops-kustomize',
      object: { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: members.map((m) => posix.basename(m.path)) },
      origin: gitops.origin,
      listed: false,
    });
  }
  return withKustomize;
}

/** What the templates receive: the object, plus its free-form parts as lines for the `gitops-tree` partial. */
function view(doc: GitopsDocument): Obj {
  const spec = doc.object.spec;
  return spec && typeof spec === 'object' ? { ...doc.object, trees: { spec: treeLines(spec as Obj) } } : { ...doc.object };
}

/** Renders one wrapper document to its exact bytes with the generator's template environment. */
export function renderGitopsDocument(doc: GitopsDocument, model: MeshModel): string {
  // The template loader compiles every generator/templates/*.yaml.hbs; the gitops names are not in its union type.
  return renderTemplate(doc.template as string as TemplateName, { header: { source: sourceLine(model, doc.origin) }, o: view(doc) });
}

/** The output folder the generator used, read back from where it reported its files. */
function inferOutDir(rendered: readonly RenderedFile[]): string | undefined {
  for (const file of rendered) {
    const location = file.resources[0]?.location.file;
    if (location !== undefined && location.endsWith(`/${file.path}`)) return location.slice(0, -file.path.length - 1);
    if (location === file.path) return '.';
  }
  return undefined;
}

/** The Gateway API kinds of rendered cluster files, by cluster: the intended objects, never re-parsed text. */
export function renderedGatewayApiContent(rendered: readonly RenderedFile[]): GatewayApiContent {
  return gatewayApiContent(rendered.flatMap((file) => file.resources.map((r) => ({ cluster: r.cluster ?? file.cluster, object: r.object }))));
}

/**
 * model + the generator's rendered files -> the Argo CD and Flux wrapper files (gitops.engine decides which). Pure
 * and deterministic. Helm values come from the generator's intended objects, never from re-parsed text; `rendered`
 * tells where the output folder is and lets callers check nothing collides.
 */
export function renderGitops(model: MeshModel, rendered: readonly RenderedFile[], options: GitopsRenderOptions = {}): RenderedFile[] {
  const outDir = options.outDir ?? inferOutDir(rendered) ?? DEFAULT_OUT_DIR;
  return planGitops(model, renderedGatewayApiContent(rendered)).map((doc) => {
    const resource = renderedResource(doc, model, outputLocation(outDir, doc.path));
    return {
      path: doc.path,
      content: renderGitopsDocument(doc, model),
      ...(doc.cluster !== undefined ? { cluster: doc.cluster } : {}),
      resources: resource ? [resource] : [],
      origin: { file: model.configFile, path: doc.origin },
      source: displayConfigPath(model.config, doc.origin),
    };
  });
}

/** The generator's files plus the wrappers, without duplicates: for callers that run before renderMesh includes them. */
export function withGitops(model: MeshModel, rendered: readonly RenderedFile[], options: GitopsRenderOptions = {}): RenderedFile[] {
  const paths = new Set(rendered.map((f) => f.path));
  return [...rendered, ...renderGitops(model, rendered, options).filter((f) => !paths.has(f.path))];
}
