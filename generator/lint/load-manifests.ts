import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, isAbsolute, join, posix, resolve, sep } from 'node:path';
import type { CliIO } from '../cli/io.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic, DocPath, Location } from '../diagnostics/types.js';
import { formatBytes, MANIFEST_LIMITS, type InputLimits } from '../load/limits.js';
import { decodeSource } from '../load/source.js';
import { parseYaml } from '../load/yaml.js';
import { asString, isRecord } from './access.js';
import { nameProblems, typeProblems } from './names.js';

/**
 * Helm values files are not Kubernetes objects. The loader presents each as a pseudo-resource of this apiVersion and
 * kind, named after its chart (base, istiod, gateway, ...), whose object is the values document itself.
 */
import { HELM_VALUES_API_VERSION, HELM_VALUES_KIND, type ManifestResource } from '../manifest/types.js';
export { HELM_VALUES_API_VERSION, HELM_VALUES_KIND };

export const STDIN_NAME = '<stdin>';

export interface ManifestTextOptions {
  /** Cluster for files whose path has no clusters/<name>/ segment. */
  readonly cluster?: string;
  /**
   * The mesh config loaded for this run (as registered in `sources`). Files meshforge generated name their source
   * node in a header comment (`# Source: mesh.config.yaml routes[0]`); with this set, their resources get that origin.
   */
  readonly configFile?: string;
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
function headerOrigin(text: string, configFile: string | undefined): Location | undefined {
  if (configFile === undefined) return undefined;
  const match = /^(?:#[^\n]*\n)*?# Source: (\S+) (\S+)\s*$/m.exec(text.slice(0, 2048));
  if (!match || match[1] !== basename(configFile)) return undefined;
  const path = match[2] === '(root)' ? [] : parsePrintedPath(match[2]!);
  return path ? { file: configFile, path } : undefined;
}

function problem(rule: string, message: string, hint: string, file: string, docIndex: number, path: DocPath): Diagnostic {
  return { rule, severity: 'error', message, hint, location: { file, docIndex, path } };
}

/** Parses one manifest file's text into resources: multi-document, `kind: List`, Helm values; pure but for `sources`. */
export function manifestsFromText(file: string, text: string, options: ManifestTextOptions): StageResult<ManifestResource[]> {
  const limits = options.limits ?? MANIFEST_LIMITS;
  const parsed = parseYaml({ file, text }, { limits, sources: options.sources });
  if (!parsed.ok) return parsed;
  const cluster = (file === STDIN_NAME ? undefined : clusterFromPath(file)) ?? options.cluster;
  const resources: ManifestResource[] = [];
  const problems: Diagnostic[] = [];
  const kustomizeFile = isKustomizeFile(file);
  const origin = headerOrigin(text, options.configFile);

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

  for (const document of parsed.value.documents) add(document.value, document.index, []);
  if (problems.length > 0) return fail([...parsed.diagnostics, ...problems]);
  return ok(resources, parsed.diagnostics);
}

interface InputFile {
  /** As shown in reports: the argument as typed, joined with the path below it (POSIX separators). */
  readonly display: string;
  readonly absolute: string;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function walk(display: string, absolute: string, out: InputFile[]): void {
  const entries = readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    // Hidden folders (.git, .meshforge) and dependencies are never manifests.
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const childDisplay = display === '.' ? entry.name : posix.join(display, entry.name);
    const childAbsolute = join(absolute, entry.name);
    if (entry.isDirectory()) walk(childDisplay, childAbsolute, out);
    else if (/\.ya?ml$/i.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && statSync(childAbsolute, { throwIfNoEntry: false })?.isFile()))) out.push({ display: childDisplay, absolute: childAbsolute });
  }
}

function unreadable(file: string, message: string, hint: string): Diagnostic {
  return { rule: 'file-unreadable', severity: 'error', message, hint, location: { file, offset: 0 } };
}

/**
 * Reads every input (files, folders searched recursively for *.yaml/*.yml, `-` for stdin) into resources.
 * Each resource's cluster comes from a clusters/<name>/ segment of its path, else from `cluster`.
 * Any unreadable or invalid input fails the whole load, with every problem found.
 */
export async function loadManifests(inputs: readonly string[], options: { cluster?: string; io: CliIO; sources: SourceRegistry; configFile?: string }): Promise<StageResult<ManifestResource[]>> {
  const { io, sources } = options;
  const files: InputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  let stdin = false;
  for (const input of inputs) {
    if (input === '-') {
      stdin = true;
      continue;
    }
    const absolute = isAbsolute(input) ? input : resolve(io.cwd, input);
    let stats: Stats | undefined;
    try {
      stats = statSync(absolute);
    } catch {
      diagnostics.push(unreadable(input, `no such file or folder: ${input}`, 'Pass existing files or folders of Kubernetes YAML (or - for standard input).'));
      continue;
    }
    const display = toPosix(input).replace(/\/+$/, '') || '/';
    if (stats.isDirectory()) {
      const before = files.length;
      walk(display, absolute, files);
      if (files.length === before) diagnostics.push(unreadable(input, `no *.yaml or *.yml files under ${input}`, 'Point meshforge lint at a folder of manifests, e.g. clusters/.'));
    } else {
      files.push({ display, absolute });
    }
  }

  const resources: ManifestResource[] = [];
  const seen = new Set<string>();
  const accept = (file: string, bytes: Uint8Array): void => {
    const decoded = decodeSource(file, bytes, MANIFEST_LIMITS, sources);
    if (!decoded.ok) {
      diagnostics.push(...decoded.diagnostics);
      return;
    }
    const loaded = manifestsFromText(file, decoded.value.text, { sources, ...(options.cluster !== undefined ? { cluster: options.cluster } : {}), ...(options.configFile !== undefined ? { configFile: options.configFile } : {}) });
    diagnostics.push(...loaded.diagnostics);
    if (loaded.ok) resources.push(...loaded.value);
  };
  for (const file of files) {
    if (seen.has(file.absolute)) continue;
    seen.add(file.absolute);
    let size: number;
    try {
      size = statSync(file.absolute).size;
    } catch (error) {
      diagnostics.push(unreadable(file.display, `cannot read ${file.display} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`, 'Check that the file exists and is readable.'));
      continue;
    }
    if (size > MANIFEST_LIMITS.maxBytes) {
      diagnostics.push({ rule: 'file-too-large', severity: 'error', message: `file is ${formatBytes(size)}, over the ${formatBytes(MANIFEST_LIMITS.maxBytes)} limit`, hint: 'Split the input into smaller files.', location: { file: file.display, offset: 0 } });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.absolute);
    } catch (error) {
      diagnostics.push(unreadable(file.display, `cannot read ${file.display} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`, 'Check that the file exists and is readable.'));
      continue;
    }
    accept(file.display, bytes);
  }
  if (stdin) accept(STDIN_NAME, await io.readStdin());
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  return ok(resources, diagnostics);
}
