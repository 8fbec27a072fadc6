// GitOps wiring: Argo CD and Flux objects that deliver each cluster's generated folder. Pure: model -> files.
export { renderGitops, withGitops, planGitops, renderGitopsDocument, renderedGatewayApiContent, type GitopsRenderOptions } from './render.js';
export { gatewayApiContent, gatewayApiBundle, type GatewayApiContent, type GatewayApiBundle, type GatewayApiKind } from './gateway-api-crds.js';
export { argocdDocuments, argocdContentAnnotations, argocdDestination, meshApplicationSetName, installApplicationName, gatewayApiApplicationName } from './argocd.js';
export { fluxDocuments, fluxGitUrl, intendedValues, FLUX_API } from './flux.js';
export * from './layout.js';
export type { GitopsDocument, GitopsTemplate } from './types.js';
export { treeLines, type TreeLine } from './tree.js';
