import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import { formatPath } from '../diagnostics/positions.js';
import { displayConfigPath } from './identity.js';
import { packagePath } from '../core/paths.js';
import { nearest } from './suggest.js';
import { urlCredentials } from './semantic.js';
import type { MeshConfigInput } from './types.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

export const CONFIG_SCHEMA_PATH = packagePath('schemas', 'mesh.config.schema.json');

type JsonSchema = {
  description?: string;
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
};

let compiled: ValidateFunction | undefined;
let schemaDocument: { $defs: Record<string, JsonSchema> } | undefined;

/** The config schema, compiled once per process. */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  schemaDocument = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as { $defs: Record<string, JsonSchema> };
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: true, strictRequired: false });
  addFormats(ajv);
  compiled = ajv.compile(schemaDocument);
  return compiled;
}

/** Follows a local $ref so that messages can use the referenced definition's description. */
function deref(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace('#/$defs/', '');
  return { ...schemaDocument?.$defs[name], ...schema, $ref: undefined };
}

function toPath(instancePath: string, data: unknown): (string | number)[] {
  if (instancePath === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) ? Number(key) : key;
    out.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  // Never echo a secret: a value with a token or user:password@ in it is described, not quoted.
  if (typeof value === 'string' && urlCredentials(value) !== undefined) return 'a value holding a credential';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };

function firstSentence(text: string): string {
  const end = text.search(/[.:](\s|$)/);
  return end === -1 ? text : text.slice(0, end);
}

/**
 * A config path for a message: list entries by identity (services[bar/httpbin].ports[8000], config/identity.ts). Where
 * the config has a list the schema has not (the mistake being reported), there is no identity: the index is printed.
 */
function where(path: DocPath, data: unknown): string {
  if (path.length === 0) return 'the file';
  try {
    return displayConfigPath(data !== null && typeof data === 'object' ? data : {}, path);
  } catch {
    return formatPath(path);
  }
}

function diagnosticFor(error: ErrorObject, file: string, data: unknown): Diagnostic | undefined {
  const path = toPath(error.instancePath, data);
  const parent = deref(error.parentSchema as JsonSchema | undefined);
  const at = (p: DocPath, target: 'key' | 'value' = 'value') => ({ file, path: p, target });
  // A key refused by propertyNames (a label key, a header name): point at the key itself.
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    const keyPath = [...path, propertyName];
    return {
      rule: 'config-invalid-value',
      severity: 'error',
      message: `${where(keyPath, data)}: the key ${describeType(propertyName).replace(/^the string /, '')} is not valid${parent?.description ? ` (${firstSentence(parent.description)})` : ''}`,
      hint: parent?.description ?? 'Rename the key.',
      location: at(keyPath, 'key'),
    };
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parent?.properties ?? {});
      const guess = nearest(key, allowed);
      return {
        rule: 'config-unknown-key',
        severity: 'error',
        message: `unknown key '${key}' in ${where(path, data)}${guess ? `: did you mean '${guess}'?` : ''}`,
        hint: guess ? `Rename '${key}' to '${guess}'.` : `Allowed keys here: ${allowed.join(', ')}.`,
        location: at([...path, key], 'key'),
      };
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      const description = deref(parent?.properties?.[key])?.description;
      return {
        rule: 'config-missing-key',
        severity: 'error',
        message: `${where(path, data)} is missing the required key '${key}'`,
        hint: description ? `Add '${key}': ${description}` : `Add '${key}'.`,
        location: at(path),
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type).split(',').map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      return { rule: 'config-type', severity: 'error', message: `${where(path, data)} must be ${expected}, not ${describeType(error.data)}`, hint: parent?.description ?? `Write ${expected} here.`, location: at(path) };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof error.data === 'string' ? nearest(error.data, allowed) : undefined;
      return {
        rule: 'config-enum',
        severity: 'error',
        message: `${where(path, data)} must be one of ${allowed.join(', ')}, not ${describeType(error.data)}${guess ? `: did you mean '${guess}'?` : ''}`,
        hint: parent?.description ?? `Use one of ${allowed.join(', ')}.`,
        location: at(path),
      };
    }
    case 'const':
      return { rule: 'config-enum', severity: 'error', message: `${where(path, data)} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, not ${describeType(error.data)}`, hint: parent?.description ?? 'Use the allowed value.', location: at(path) };
    case 'pattern':
    case 'format':
      return {
        rule: 'config-invalid-value',
        severity: 'error',
        message: `${where(path, data)}: ${describeType(error.data)} is not valid${error.keyword === 'format' ? ` (expected ${(error.params as { format: string }).format})` : parent?.description ? ` (${firstSentence(parent.description)})` : ''}`,
        hint: parent?.description ?? 'Fix the value.',
        location: at(path),
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { rule: 'config-out-of-range', severity: 'error', message: `${where(path, data)} ${error.message ?? 'is out of range'}, got ${String(error.data)}`, hint: parent?.description ?? 'Use a value in range.', location: at(path) };
    case 'oneOf':
    case 'anyOf':
      return { rule: 'config-invalid-value', severity: 'error', message: `${where(path, data)} does not have a valid shape: ${parent?.description ?? 'it matches none of the allowed forms'}`, hint: parent?.description ?? 'See the schema for the allowed forms.', location: at(path) };
    default:
      return { rule: 'config-invalid-value', severity: 'error', message: `${where(path, data)} ${error.message ?? 'is invalid'}`, hint: parent?.description ?? 'See schemas/mesh.config.schema.json.', location: at(path) };
  }
}

/** Drops errors that only restate another: branches of a failed oneOf/anyOf, and repeats. */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const seen = new Set<string>();
  return errors.filter((error) => {
    // propertyNames restates the error of the key's own schema, which says what is wrong.
    if (error.keyword === 'not' || error.keyword === 'if' || error.keyword === 'propertyNames') return false;
    if (alternatives.some((prefix) => error.schemaPath.startsWith(prefix))) return false;
    const key = `${error.instancePath}|${(error as ErrorObject & { propertyName?: string }).propertyName ?? ''}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Validates a parsed config against the JSON Schema. On success the value is a copy with the schema's
 * defaults filled in, so the schema stays the one place where defaults are written.
 */
export function validateConfigSchema(value: unknown, file: string): StageResult<MeshConfigInput> {
  const copy = structuredClone(value);
  const validate = validator();
  if (validate(copy)) return ok(copy as MeshConfigInput);
  const diagnostics = relevantErrors(validate.errors ?? [])
    .map((error) => diagnosticFor(error, file, value))
    .filter((d): d is Diagnostic => d !== undefined);
  return fail(diagnostics);
}
