import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Result } from 'execa';
import { stringify } from 'yaml';
import { environmentError } from '../core/errors.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { isHelmValues, type ManifestResource } from '../manifest/types.js';
import { formatFieldPath, pointerToPath, schemaError, unknownKind } from './findings.js';
import type { ManifestValidator } from './types.js';

/** Where kubeconform finds the Istio, Argo CD and Flux CRD schemas unless --schema-location says otherwise. */
export const CRDS_CATALOG_LOCATION = 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';
export const DEFAULT_SCHEMA_LOCATIONS: readonly string[] = ['default', CRDS_CATALOG_LOCATION];
/** kustomize's kustomization.yaml is build input, not a cluster object; Flux's Kustomization is still checked. */
export const KUSTOMIZE_SKIP = 'kustomize.config.k8s.io/v1beta1/Kustomization';
import { DEFAULT_TIMEOUT_MS, KUBECONFORM_ENV } from '../core/cli-vocabulary.js';
export { DEFAULT_TIMEOUT_MS, KUBECONFORM_ENV };

/** One entry of kubeconform's `-output json` (see its published output format). */
interface KubeconformResource {
  readonly filename: string;
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  readonly status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
  readonly msg?: string;
  readonly validationErrors?: readonly { readonly path: string; readonly msg: string }[] | null;
}

interface KubeconformOutput {
  readonly resources: readonly KubeconformResource[];
  readonly summary?: { readonly valid: number; readonly invalid: number; readonly errors: number; readonly skipped: number };
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The kubeconform binary: --kubeconform, then MESHFORGE_KUBECONFORM, then PATH. Undefined when none is found. */
export function findKubeconform(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const named = explicit ?? env[KUBECONFORM_ENV];
  if (named !== undefined && named !== '') return isExecutable(resolve(named)) ? resolve(named) : undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, process.platform === 'win32' ? 'kubeconform.exe' : 'kubeconform');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface KubeconformOptions {
  readonly binary: string;
  readonly env: NodeJS.ProcessEnv;
  readonly schemaLocations?: readonly string[];
  readonly timeoutMs?: number;
  readonly kubernetesVersion?: string;
}

function failure(what: string, result: Pick<Result, 'stderr' | 'stdout' | 'exitCode'>): never {
  const stderr = String(result.stderr ?? '').trim();
  throw environmentError(
    `kubeconform ${what}${result.exitCode !== undefined ? ` (exit ${result.exitCode})` : ''}${stderr ? `:\n${stderr}` : ''}`,
    'Check the kubeconform binary and the --schema-location values, or use --validator embedded.',
  );
}

/** Reads kubeconform's JSON; undefined when stdout is not its output format (a crash, bad flags). */
export function parseKubeconformOutput(stdout: string): KubeconformOutput | undefined {
  try {
    const parsed = JSON.parse(stdout) as unknown;
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { resources?: unknown }).resources)) return undefined;
    return parsed as KubeconformOutput;
  } catch {
    return undefined;
  }
}

/** kubeconform's strict mode reports unknown keys as `additionalProperties 'x' not allowed` (several may be listed). */
function unknownFields(message: string): string[] {
  const match = /additional ?properties ((?:'[^']*'(?:, )?)+) (?:not allowed|were unexpected)/i.exec(message);
  return match ? [...match[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!) : [];
}

const MISSING_SCHEMA = /could not find schema/i;
const DOWNLOAD_FAILURE = /(failed downloading schema|error while downloading|no such host|dial tcp|connection refused|i\/o timeout|TLS handshake)/i;

/**
 * Runs kubeconform over the resources. Each resource is written, re-serialized from its parsed object, to its own
 * file in a temporary folder: rendered resources need not exist on disk, and one resource per file maps every
 * result back to exactly one resource (kubeconform's output names the file, not the document).
 */
export class KubeconformValidator implements ManifestValidator {
  readonly name = 'kubeconform' as const;

  constructor(
    private readonly options: KubeconformOptions,
    readonly version?: string,
  ) {}

  /** Asks the binary for its version (`kubeconform -v`); a binary that cannot answer is an environment failure. */
  static async probe(options: KubeconformOptions): Promise<KubeconformValidator> {
    // execa is loaded only when kubeconform runs: its import costs a cold start more than most commands' work.
    const { execa } = await import('execa');
    const result = await execa(options.binary, ['-v'], { env: options.env, extendEnv: false, reject: false, timeout: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 30_000), stdin: 'ignore' });
    if (result.timedOut) throw environmentError(`kubeconform (${options.binary}) did not answer -v within its timeout`, 'Check the binary, or use --validator embedded.');
    if (result.failed || result.exitCode !== 0) failure(`at ${options.binary} could not report its version`, result);
    const version = /v?\d+\.\d+\.\d+\S*/.exec(`${result.stdout}`)?.[0] ?? String(result.stdout).trim();
    return new KubeconformValidator(options, version);
  }

  args(folder: string): string[] {
    const locations = this.options.schemaLocations && this.options.schemaLocations.length > 0 ? this.options.schemaLocations : DEFAULT_SCHEMA_LOCATIONS;
    return [
      '-strict',
      '-summary',
      '-output',
      'json',
      ...locations.flatMap((location) => ['-schema-location', location]),
      '-skip',
      KUSTOMIZE_SKIP,
      ...(this.options.kubernetesVersion ? ['-kubernetes-version', this.options.kubernetesVersion] : []),
      folder,
    ];
  }

  async validate(all: readonly ManifestResource[]): Promise<Diagnostic[]> {
    const resources = all.filter((resource) => !isHelmValues(resource));
    if (resources.length === 0) return [];
    const folder = mkdtempSync(join(tmpdir(), 'meshforge-kubeconform-'));
    try {
      const byFile = new Map<string, ManifestResource>();
      const width = String(resources.length).length;
      resources.forEach((resource, i) => {
        const file = join(folder, `${String(i).padStart(width, '0')}.yaml`);
        writeFileSync(file, stringify(resource.object));
        byFile.set(file, resource);
      });
      const timeout = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const { execa } = await import('execa');
      const result = await execa(this.options.binary, this.args(folder), { env: this.options.env, extendEnv: false, reject: false, timeout, stdin: 'ignore', maxBuffer: 512 * 1024 * 1024 });
      if (result.timedOut) throw environmentError(`kubeconform did not finish within ${Math.round(timeout / 1000)}s and was stopped`, 'Raise the timeout, narrow the input, or use --validator embedded.');
      if (result.isTerminated) failure(`was terminated by ${result.signal ?? 'a signal'}`, result);
      const output = parseKubeconformOutput(String(result.stdout));
      // Exit 1 means "invalid resources" and "tool error" alike: only its JSON tells them apart.
      if (!output) failure('failed', result);
      if (result.exitCode !== 0 && result.exitCode !== 1) failure('failed', result);
      return this.toDiagnostics(output, byFile, folder);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  private toDiagnostics(output: KubeconformOutput, byFile: ReadonlyMap<string, ManifestResource>, folder: string): Diagnostic[] {
    const diagnostics: Diagnostic[] = [];
    for (const entry of output.resources) {
      if (entry.status === 'statusValid' || entry.status === 'statusSkipped' || entry.status === 'statusEmpty') continue;
      const resource = byFile.get(entry.filename) ?? byFile.get(resolve(folder, entry.filename)) ?? byFile.get(join(folder, entry.filename));
      if (!resource) throw environmentError(`kubeconform reported a file meshforge did not give it: ${entry.filename}`, 'Check the kubeconform binary.');
      const message = entry.msg ?? '';
      if (entry.status === 'statusError') {
        if (DOWNLOAD_FAILURE.test(message)) {
          throw environmentError(`kubeconform could not load a schema: ${message}`, 'Without network access, pass local folders with --schema-location, or use --validator embedded.');
        }
        if (MISSING_SCHEMA.test(message)) {
          diagnostics.push(unknownKind(resource, `no schema for ${resource.apiVersion} ${resource.kind} in the kubeconform schema locations: it was not checked`, 'Add a --schema-location that has this kind, or fix apiVersion/kind.'));
        } else {
          diagnostics.push(schemaError({ resource, path: [], message: `kubeconform could not validate this resource: ${message}` }));
        }
        continue;
      }
      const errors = entry.validationErrors ?? [];
      if (errors.length === 0) diagnostics.push(schemaError({ resource, path: [], message: message || 'invalid' }));
      for (const error of errors) {
        const path = pointerToPath(error.path, resource.object);
        const fields = unknownFields(error.msg);
        if (fields.length > 0) {
          for (const field of fields) diagnostics.push(schemaError({ resource, path: [...path, field], target: 'key', message: `unknown field "${field}" in ${formatFieldPath(path)}`, hint: 'Remove it or fix its spelling.' }));
        } else {
          diagnostics.push(schemaError({ resource, path, message: `${formatFieldPath(path)}: ${error.msg}` }));
        }
      }
    }
    return diagnostics;
  }
}
