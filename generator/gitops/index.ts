// GitOps wiring: Argo CD and Flux objects that deliver each cluster's generated folder. Pure: model -> files.
export { renderGitops, withGitops, planGitops, renderGitopsDocument, type GitopsRenderOptions } from './render.js';
export { argocdDocuments, argocdContentAnnotations, argocdDestination, meshApplicationSetName, installApplicationName } from './argocd.js';
export { fluxDocuments, fluxGitUrl, intendedValues, FLUX_API } from './flux.js';
export * from './layout.js';
export type { GitopsDocument, GitopsTemplate } from './types.js';
export { treeLines, type TreeLine } from './tree.js';
