import type { DocPath } from '../diagnostics/types.js';

/** The templates of the wrapper objects: generator/templates/gitops-<name>.yaml.hbs, one per kind. */
export type GitopsTemplate =
  | 'gitops-applicationset'
  | 'gitops-application'
  | 'gitops-gitrepository'
  | 'gitops-flux-kustomization'
  | 'gitops-helmrepository'
  | 'gitops-helmrelease'
  | 'gitops-kustomize';

/** One wrapper file meshforge intends to write: the object (the intent) and the template that writes it. */
export interface GitopsDocument {
  /** Relative to the output folder, POSIX separators. */
  readonly path: string;
  /** The cluster the wrapper belongs to (Flux objects, Argo CD install Applications); undefined for fleet-wide objects. */
  readonly cluster?: string;
  readonly template: GitopsTemplate;
  readonly object: Readonly<Record<string, unknown>>;
  /** The mesh.config.yaml node it comes from. */
  readonly origin: DocPath;
  /** Whether the file is listed in its folder's kustomization.yaml (the Argo CD root Application is not). */
  readonly listed: boolean;
}

export type Obj = Record<string, unknown>;
