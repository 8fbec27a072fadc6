import { basename } from 'node:path';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic, DiagnosticId, DocPath, Location } from '../diagnostics/types.js';
import { MANIFEST_LIMITS, type InputLimits } from '../load/limits.js';
import { parseYaml } from '../load/yaml.js';
import { asString, isRecord } from './access.js';
import { nameProblems, typeProblems } from './names.js';

/**
 * Manifest text -> resources, without touching the disk: multi-document files, `kind: List`, Helm values, names the
 * API server would refuse, the cluster and config origin of each resource. The disk walk lives in discover/.
 */

/**
 * Helm values files are not Kubernetes objects. The loader presents each as a pseudo-resource of this apiVersion and
 * kind, named after its chart (base, istiod, gateway, ...), whose object is the values document itself.
 */
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND, type ManifestResource } from './types.js';

export const STDIN_NAME = '<stdin>';

export interface ManifestTextOptions {
  /** Cluster for files whose path has no clusters/<name>/ segment. */
  readonly cluster?: string;
  /**
   * The mesh config loaded for this run (as registered in `sources`). Files meshforge generated name their source
   * node in a header comment (`# Source: mesh.config.yaml routes[0]`); with this set, their resources get that origin.
   */
  readonly configFile?: string;
  /**
   * Reads a header's printed config path (services[bar/httpbin].exportTo[cluster1], config/identity.ts) into the
   * positional path of that node in today's config, for line:col. Without it, headers give no origin.
   */
  readonly locateOrigin?: (printed: string) => DocPath | undefined;
  readonly sources: SourceRegistry;
  readonly limits?: InputLimits;
}

/** The <name> of the last clusters/<name>/ segment of a file path, if any. */
export function clusterFromPath(file: string): string | undefined {
  const segments = file.split(/[\\/]+/);
  // Cluster names are DNS labels: a folder like _argocd/ beside them holds fleet-wide objects, not a cluster.
  for (let i = segments.length - 3; i >= 0; i--) if (segments[i] === 'clusters' && segments[i + 1] !== '' && !segments[i + 1]!.startsWith('_')) return segments[i + 1];
  return undefined;
}

/** meshforge writes Helm values under clusters/<name>/install/ (or a file named *values*.yaml anywhere). */
export function isHelmValuesFile(file: string): boolean {
  const segments = file.split(/[\\/]+/);
  return segments.slice(0, -1).includes('install') || /values/i.test(basename(file));
}

/** The chart a values file is for, from its name: istiod-values.yaml, values-istiod.yaml, istiod.yaml -> istiod. */
export function chartFromFile(file: string): string {
  const stem = basename(file).replace(/\.ya?ml$/i, '');
  const chart = stem.replace(/(^|[-_.])values([-_.]|$)/i, '$1$2').replace(/^[-_.]+|[-_.]+$/g, '');
  return chart === '' ? 'values' : chart.toLowerCase();
}

function isKustomizeFile(file: string): boolean {
  return /^kustomization\.ya?ml$/i.test(basename(file)) || basename(file) === 'Kustomization';
}

/** Reads a path printed by formatPath: routes[0].http["x-y"] -> ['routes', 0, 'http', 'x-y']. */
export function parsePrintedPath(text: string): DocPath | undefined {
  const out: (string | number)[] = [];
  const token = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let index = 0;
  while (index < text.length) {
    token.lastIndex = index;
    const match = token.exec(text);
    if (!match) return undefined;
    out.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(match[3]!) as string)));
    index = token.lastIndex;
  }
  return out;
}

/** The config node named by a generated file's header comment, if it names the loaded config file. */
function headerOrigin(text: string, options: ManifestTextOptions): Location | undefined {
  const { configFile, locateOrigin } = options;
  if (configFile === undefined || locateOrigin === undefined) return undefined;
  const match = /^(?:#[^\n]*\n)*?# Source: (\S+) (.+?)\s*$/m.exec(text.slice(0, 2048));
  if (!match || match[1] !== basename(configFile)) return undefined;
  const path = locateOrigin(match[2]!);
  return path ? { file: configFile, path } : undefined;
}

function problem(rule: DiagnosticId, message: string, hint: string, file: string, docIndex: number, path: DocPath): Diagnostic {
  return { rule, severity: 'error', message, hint, location: { file, docIndex, path } };
}

/** One YAML document of a file as a plain value, at its index in the file. */
export interface DocumentValue {
  readonly index: number;
  readonly value: unknown;
}

/**
 * Parses one manifest file's text into resources: multi-document, `kind: List`, Helm values; pure but for `sources`.
 * The text is registered in `sources`; its YAML node trees are not kept (at 200,000 files they were gigabytes):
 * the registry parses a file again only when a finding in it is printed.
 */
export function manifestsFromText(file: string, text: string, options: ManifestTextOptions): StageResult<ManifestResource[]> {
  return manifestsFromParsed(file, text, parseManifestDocuments(file, text, options.limits ?? MANIFEST_LIMITS), options);
}

/**
 * The parsing half of manifestsFromText: a file's documents as plain values, or why they cannot be read. Pure, and
 * its result is plain data (structured-clonable), so lint's worker threads run it and hand the result back.
 */
export function parseManifestDocuments(file: string, text: string, limits: InputLimits = MANIFEST_LIMITS): StageResult<DocumentValue[]> {
  const parsed = parseYaml({ file, text }, { limits, sources: new SourceRegistry() });
  if (!parsed.ok) return fail(parsed.diagnostics);
  return ok(
    parsed.value.documents.map((document) => ({ index: document.index, value: document.value })),
    parsed.diagnostics,
  );
}

/** The other half: parsed documents (here or in a worker) -> resources, the text registered for positions. */
export function manifestsFromParsed(file: string, text: string, parsed: StageResult<readonly DocumentValue[]>, options: ManifestTextOptions): StageResult<ManifestResource[]> {
  options.sources.addText(file, text);
  if (!parsed.ok) return fail(parsed.diagnostics);
  return manifestsFromDocuments(file, text, parsed.value, options, parsed.diagnostics);
}

/**
 * A file's documents -> resources: what manifestsFromText does after parsing. The lint fast path calls it with the
 * objects a generated file was rendered from (when the file's bytes equal the rendered text), so both paths classify,
 * name, attribute and refuse documents by the same code.
 */
export function manifestsFromDocuments(file: string, text: string, documents: readonly DocumentValue[], options: ManifestTextOptions, parseDiagnostics: readonly Diagnostic[] = []): StageResult<ManifestResource[]> {
  const cluster = (file === STDIN_NAME ? undefined : clusterFromPath(file)) ?? options.cluster;
  const resources: ManifestResource[] = [];
  const problems: Diagnostic[] = [];
  const kustomizeFile = isKustomizeFile(file);
  const origin = headerOrigin(text, options);

  const add = (value: unknown, docIndex: number, path: DocPath): void => {
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      problems.push(problem('manifest-not-object', `document ${docIndex + 1} is ${Array.isArray(value) ? 'a list' : 'a single value'}, not a Kubernetes object`, 'Each YAML document must be a mapping with apiVersion, kind and metadata.name.', file, docIndex, path));
      return;
    }
    // An apiVersion or kind of the wrong type or shape (a number, an injected line break) is no Kubernetes object.
    const badType = typeProblems(value);
    if (badType.length > 0) {
      for (const p of badType) problems.push(problem('manifest-invalid-kind', p.message, 'Write apiVersion as group/version (networking.istio.io/v1) and kind as the object kind (VirtualService).', file, docIndex, [...path, p.field]));
      return;
    }
    const apiVersion = asString(value.apiVersion);
    const kind = asString(value.kind);
    if (apiVersion === undefined && kind === undefined) {
      if (kustomizeFile) return;
      if (isHelmValuesFile(file)) {
        resources.push({ apiVersion: HELM_VALUES_API_VERSION, kind: HELM_VALUES_KIND, name: chartFromFile(file), object: value, ...(cluster !== undefined ? { cluster } : {}), location: { file, docIndex, path }, ...(origin ? { origin } : {}) });
        return;
      }
    }
    if (apiVersion === undefined || kind === undefined) {
      problems.push(
        problem('manifest-missing-kind', `document ${docIndex + 1} has no ${apiVersion === undefined ? 'apiVersion' : 'kind'}: it is not a Kubernetes object`, 'Add apiVersion and kind, or lint only folders of manifests (Helm values are recognised under an install/ folder or in a file named *values*.yaml).', file, docIndex, path),
      );
      return;
    }
    if (kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, index) => add(item, docIndex, [...path, 'items', index]));
      return;
    }
    if (apiVersion.startsWith('kustomize.config.k8s.io/')) return;
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    // Names the API server would refuse (.., /, look-alike letters) never reach the rules.
    const badName = nameProblems(kind, metadata);
    if (badName.length > 0) {
      for (const p of badName) problems.push(problem('manifest-invalid-name', p.message, "Kubernetes names are lowercase ASCII letters, digits, '-' and '.': rename the object.", file, docIndex, [...path, 'metadata', p.field]));
      return;
    }
    const name = asString(metadata.name);
    if (name === undefined || name === '') {
      problems.push(problem('manifest-missing-name', `${kind} has no metadata.name`, 'Give every object a metadata.name.', file, docIndex, [...path, 'metadata']));
      return;
    }
    const namespace = asString(metadata.namespace);
    resources.push({ apiVersion, kind, name, ...(namespace !== undefined ? { namespace } : {}), object: value, ...(cluster !== undefined ? { cluster } : {}), location: { file, docIndex, path }, ...(origin ? { origin } : {}) });
  };

  for (const document of documents) add(document.value, document.index, []);
  if (problems.length > 0) return fail([...parseDiagnostics, ...problems]);
  return ok(resources, parseDiagnostics);
}

