import { resolvePosition } from '../diagnostics/positions.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import type { DocPath } from '../diagnostics/types.js';

/**
 * The config entry behind a generated file, from the identity path its provenance records (RenderedFile `source`, or
 * the previous provenance index's `source` for a file that goes away): the entry of a top-level list
 * (`services[bar/httpbin]`, `clusters[cluster2]`) or the top-level key (`gitops`). This is the one place the change
 * summary turns provenance into a config entry.
 */
export function configEntryOf(source: string | undefined): string | undefined {
  if (source === undefined || source === '') return undefined;
  const key = /^[^.[{]+/.exec(source)?.[0];
  if (key === undefined) return undefined;
  if (source[key.length] !== '[') return key;
  // The list entry's identity, up to its closing bracket; quoted identities may hold brackets.
  let quoted = false;
  for (let i = key.length + 1; i < source.length; i += 1) {
    const ch = source[i];
    if (ch === '\\' && quoted) i += 1;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ']' && !quoted) return source.slice(0, i + 1);
  }
  return key;
}

/** The positional config path of the top-level entry a file's origin lies in, to find its line in the new config. */
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
