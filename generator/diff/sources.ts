import { formatPath, resolvePosition } from '../diagnostics/positions.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import type { DocPath } from '../diagnostics/types.js';

/**
 * The config entry behind a generated file, from the config path its provenance records (in the file's RenderedFile
 * `origin`, or in the previous provenance index for a file that goes away): the entry of a top-level list
 * (`services[2]`, `clusters[0]`) or the top-level key (`gitops`). This is the one place the change summary turns
 * provenance into a config entry: when provenance paths name entries by identity (`services[bar/httpbin]`), only
 * this function changes.
 */
export function configEntryOf(origin: DocPath | undefined): string | undefined {
  if (origin === undefined || origin.length === 0) return undefined;
  const [first, second] = origin;
  return formatPath(second !== undefined && (typeof second === 'number' || origin.length > 2) ? [first as string | number, second] : [first as string | number]);
}

/** The config path of an entry as `configEntryOf` names it, to find its line in the new config. */
export function configEntryPath(origin: DocPath): DocPath {
  const [first, second] = origin;
  return second !== undefined && (typeof second === 'number' || origin.length > 2) ? [first as string | number, second] : origin.slice(0, 1);
}

/**
 * The cluster a previously generated file deploys to when it does not sit in a cluster's folder: the
 * `meshforge.io/cluster` label every object in it carries (`clusterLabel` of each resource: Argo CD Applications of
 * a cluster's Helm charts, Flux objects). Undefined for fleet-wide files (the root Application; the ApplicationSet,
 * whose label is a template).
 */
export function labelledCluster(resources: readonly { readonly clusterLabel?: string }[], known: ReadonlySet<string> | undefined): string | undefined {
  let found: string | undefined;
  for (const { clusterLabel } of resources) {
    if (clusterLabel === undefined || clusterLabel.includes('{{') || (known && !known.has(clusterLabel))) return undefined;
    if (found !== undefined && found !== clusterLabel) return undefined;
    found = clusterLabel;
  }
  return found;
}

/**
 * Where config entries start in the config as this run read it (`mesh.config.yaml:40`): for PlanInput.locate. Every
 * generated file comes from the one config, so the file a RenderedFile's origin names is not needed (pr relocates it).
 */
export function configLocator(sources: SourceRegistry, configFile: string, shownAs: string): (file: string, path: DocPath) => string | undefined {
  return (_file, path) => {
    const position = resolvePosition(sources, { file: configFile, path, target: 'key' });
    return position ? `${shownAs}:${position.line}` : undefined;
  };
}
