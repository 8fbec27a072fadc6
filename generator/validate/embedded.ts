import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { nearest } from '../config/suggest.js';
import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { isHelmValues, type ManifestResource } from '../manifest/types.js';
import { packagePath } from '../core/paths.js';
import { formatFieldPath, pointerToPath, schemaError, unknownKind } from './findings.js';
import { defaultStandaloneDir, loadStandalone, newSchemaAjv } from './schema-ajv.js';
import type { ManifestValidator } from './types.js';

interface IndexEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly file: string;
}

interface SchemaIndexFile {
  readonly sources: Readonly<Record<string, string>>;
  readonly schemas: readonly IndexEntry[];
}

/** The derived strict schemas shipped in the package (see derive.ts and docs/validation.md). */
export function defaultSchemaDir(): string {
  return packagePath('schemas', 'k8s');
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

function valueAt(object: unknown, path: DocPath): unknown {
  let node = object;
  for (const segment of path) node = isObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[segment] : undefined;
  return node;
}

/** Names in a combinator's branches, for messages like "set only one of: exact, prefix, regex". */
function requiredNames(branches: unknown): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      if (Array.isArray(node['required'])) for (const name of node['required']) names.add(String(name));
      for (const key of ['oneOf', 'anyOf', 'allOf', 'not']) if (node[key] !== undefined) visit(node[key]);
    }
  };
  visit(branches);
  return [...names];
}

function branchTypes(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const types = branches.map((branch) => (isObject(branch) && typeof branch['type'] === 'string' && Object.keys(branch).every((k) => k === 'type' || k === 'format') ? branch['type'] : undefined));
  return types.every((t): t is string => t !== undefined) ? types : undefined;
}

/** Drops the noise ajv reports inside failed oneOf/anyOf branches; the combinator's own error says it better. */
function outermost(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'not');
  return errors.filter((error) => !combinators.some((c) => c !== error && error.schemaPath.startsWith(`${c.schemaPath}/`)));
}

interface Described {
  path: DocPath;
  message: string;
  hint?: string;
  target?: 'key' | 'value';
}

function describe(error: ErrorObject, resource: ManifestResource): Described {
  const base = pointerToPath(error.instancePath, resource.object);
  const where = formatFieldPath(base);
  const value = valueAt(resource.object, base);
  switch (error.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = isObject(error.parentSchema) && isObject(error.parentSchema['properties']) ? Object.keys(error.parentSchema['properties']) : [];
      const guess = nearest(field, known);
      const path = [...base, field];
      return {
        path,
        target: 'key',
        message: `unknown field "${field}" in ${where}${guess ? `: did you mean "${guess}"?` : ''}`,
        hint: known.length > 0 ? `Remove it or use a field of ${where}: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}.` : 'Remove it.',
      };
    }
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      // Point at the parent's key line (`spec:`), since the missing field has no line of its own.
      return { path: base, ...(base.length > 0 ? { target: 'key' as const } : {}), message: `missing required field "${field}" in ${where}`, hint: `Add ${where === '(document root)' ? field : `${where}.${field}`}.` };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.filter((v) => v !== null);
      const guess = typeof value === 'string' ? nearest(value, allowed.map(String)) : undefined;
      return {
        path: base,
        message: `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value)})${guess ? `: did you mean "${guess}"?` : ''}`,
        hint: 'Use one of the listed values.',
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type).split(',').filter((t) => t !== 'null').join(' or ');
      return { path: base, message: `${where} must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected} (got ${typeOf(value)})`, hint: expected === 'string' ? 'Quote the value.' : `Write ${where} as ${expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`}.` };
    }
    case 'oneOf':
    case 'anyOf': {
      const types = branchTypes(error.schema);
      if (types) return { path: base, message: `${where} must be ${types.join(' or ')} (got ${typeOf(value)})` };
      const names = requiredNames(error.schema);
      const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
      if (names.length > 0) {
        return passing
          ? { path: base, message: `${where} sets more than one of ${names.join(', ')}: only one may be set`, hint: `Keep one of ${names.join(', ')}.` }
          : { path: base, message: `${where} must set one of ${names.join(', ')}`, hint: `Set exactly one of ${names.join(', ')}.` };
      }
      return { path: base, message: `${where} ${error.message ?? 'does not match its schema'}` };
    }
    case 'not': {
      const names = requiredNames(error.schema);
      return { path: base, message: names.length > 0 ? `${where} must not set ${names.join(', ')} together` : `${where} ${error.message ?? 'is not allowed here'}` };
    }
    case 'format':
      return { path: base, message: `${where} must be a valid ${String((error.params as { format: string }).format)} (got ${JSON.stringify(value)})` };
    default:
      return { path: base, message: `${where} ${error.message ?? 'does not match its schema'}` };
  }
}

/**
 * Validates against the strict schemas under schemas/k8s/. Nothing is loaded up front: the index is read on the
 * first resource, and each kind's validator is made the first time that kind is seen, then reused: loaded from its
 * precompiled standalone file when `npm run build` wrote one for this schema text, compiled with ajv otherwise.
 */
export class EmbeddedValidator implements ManifestValidator {
  readonly name = 'embedded' as const;
  private index: Map<string, IndexEntry> | undefined;
  private sourceVersions = '';
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly made = { standalone: 0, runtime: 0 };

  /**
   * @param standaloneDir where the precompiled validators are looked for; null compiles every schema with ajv at
   *   run time (what tests compare the precompiled validators against).
   */
  constructor(
    private readonly schemaDir: string = defaultSchemaDir(),
    private readonly standaloneDir: string | null = defaultStandaloneDir(),
  ) {}

  get version(): string {
    this.loadIndex();
    return this.sourceVersions;
  }

  private loadIndex(): Map<string, IndexEntry> {
    if (!this.index) {
      const parsed = JSON.parse(readFileSync(join(this.schemaDir, 'index.json'), 'utf8')) as SchemaIndexFile;
      this.index = new Map(parsed.schemas.map((entry) => [`${entry.apiVersion}/${entry.kind}`, entry]));
      this.sourceVersions = Object.entries(parsed.sources).map(([pkg, version]) => `${pkg}@${version}`).join(', ');
    }
    return this.index;
  }

  /** How many kinds' validators were loaded precompiled, and how many ajv compiled at run time. */
  origins(): { standalone: number; runtime: number } {
    return { ...this.made };
  }

  /** The kinds with an embedded schema, as `apiVersion/kind`. */
  knownKinds(): string[] {
    return [...this.loadIndex().keys()];
  }

  private validatorFor(key: string): ValidateFunction | undefined {
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const entry = this.loadIndex().get(key);
    if (!entry) return undefined;
    const text = readFileSync(join(this.schemaDir, entry.file), 'utf8');
    // One ajv instance per schema: ajv's code generator slows down as one instance accumulates compiled schemas,
    // and the schemas share nothing (each is self-contained).
    const precompiled = this.standaloneDir !== null ? loadStandalone(this.standaloneDir, text) : undefined;
    const compiled = precompiled ?? newSchemaAjv().compile(JSON.parse(text) as object);
    this.made[precompiled ? 'standalone' : 'runtime']++;
    this.compiled.set(key, compiled);
    return compiled;
  }

  private unknown(resource: ManifestResource): Diagnostic {
    const index = this.loadIndex();
    const group = resource.apiVersion.includes('/') ? resource.apiVersion.slice(0, resource.apiVersion.lastIndexOf('/')) : '';
    const sameKind = [...index.values()].filter((e) => e.kind === resource.kind).map((e) => e.apiVersion);
    const sameGroup = [...index.values()].filter((e) => (e.apiVersion.includes('/') ? e.apiVersion.slice(0, e.apiVersion.lastIndexOf('/')) : '') === group).map((e) => e.kind);
    const guess = sameKind.length === 0 && sameGroup.length > 0 ? nearest(resource.kind, new Set(sameGroup)) : undefined;
    const message =
      sameKind.length > 0 ? `no schema for ${resource.kind} in ${resource.apiVersion}: the embedded schemas know ${resource.kind} in ${sameKind.join(', ')}`
      : guess ? `no schema for kind ${resource.kind} in ${resource.apiVersion}: did you mean ${guess}?`
      : `no schema for ${resource.apiVersion} ${resource.kind}: it was not checked`;
    return unknownKind(
      resource,
      message,
      sameKind.length > 0 || guess ? 'Fix apiVersion/kind, or validate with kubeconform (--validator kubeconform) and a schema location that has this kind.' : 'Validate with kubeconform (--validator kubeconform --schema-location ...) to check custom kinds, or ignore this warning.',
    );
  }

  validateOne(resource: ManifestResource): Diagnostic[] {
    const validate = this.validatorFor(`${resource.apiVersion}/${resource.kind}`);
    if (!validate) return [this.unknown(resource)];
    if (validate(resource.object)) return [];
    const seen = new Set<string>();
    const diagnostics: Diagnostic[] = [];
    for (const error of outermost(validate.errors ?? [])) {
      const described = describe(error, resource);
      // A field's own line: for block values (a mapping where a string belongs) the value starts a line later.
      const last = described.path[described.path.length - 1];
      if (described.target === undefined && typeof last === 'string') described.target = 'key';
      const key = `${described.path.join('\u0000')}|${described.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(schemaError({ resource, ...described }));
    }
    return diagnostics;
  }

  async validate(all: readonly ManifestResource[]): Promise<Diagnostic[]> {
    const resources = all.filter((resource) => !isHelmValues(resource));
    return resources.flatMap((resource) => this.validateOne(resource));
  }
}
