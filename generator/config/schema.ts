import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import { formatPath } from '../diagnostics/positions.js';
import { displayConfigPath } from './identity.js';
import { packagePath } from '../core/paths.js';
import { functionModule, loadFunctionModule, standaloneCodeFileName } from '../core/standalone-code.js';
import { nearest } from './suggest.js';
import { urlCredentials } from './semantic.js';
import type { MeshConfigInput } from './types.js';

// ajv and ajv-formats are loaded with require, and only when the schema has no up-to-date precompiled validator.
const require = createRequire(import.meta.url);

export const CONFIG_SCHEMA_PATH = packagePath('schemas', 'mesh.config.schema.json');

/**
 * Bump when the ajv options, the formats or the module shape below change: the precompiled validator is named after
 * a hash of this and the schema text, so code written under other terms is never loaded.
 */
const CONFIG_STANDALONE_VERSION = 'meshforge-config-standalone-1';

/** Where `npm run build` writes the config schema's precompiled validator (scripts/build-standalone-schemas.ts). */
export function defaultConfigStandaloneDir(): string {
  return packagePath('dist', 'generator', 'config', 'standalone');
}

/** The precompiled validator's file name for a schema text. */
export function configStandaloneFileName(schemaText: string): string {
  return standaloneCodeFileName(CONFIG_STANDALONE_VERSION, schemaText);
}

/** The one ajv set-up for the config schema; `standalone` keeps the generated source for ajv/dist/standalone. */
function newConfigAjv(standalone: boolean): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020') as typeof import('ajv/dist/2020.js');
  // ajv-formats also tells standalone code where its formats are: require("ajv-formats/dist/formats").fullFormats.
  const addFormats = require('ajv-formats') as (ajv: Ajv2020) => void;
  const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, strictRequired: false, ...(standalone ? { code: { source: true } } : {}) });
  addFormats(ajv);
  return ajv;
}

/** ajv's standalone code for the config schema, as a module loadConfigStandalone can run. */
export function configStandaloneModule(schemaText: string): string {
  const standaloneCode = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js');
  const ajv = newConfigAjv(true);
  return functionModule(standaloneCode.default(ajv, ajv.compile(JSON.parse(schemaText) as object)), [], 'scripts/build-standalone-schemas.ts (ajv standalone)');
}

/** The precompiled validator of the schema text in dir, or undefined when none is there (or it is stale). */
export function loadConfigStandalone(dir: string, schemaText: string): ValidateFunction | undefined {
  return loadFunctionModule<ValidateFunction>(join(dir, configStandaloneFileName(schemaText)), [require]);
}

type JsonSchema = {
  description?: string;
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
};

let compiled: ValidateFunction | undefined;
let schemaDocument: { $defs: Record<string, JsonSchema> } | undefined;
let standaloneDir: string | null = defaultConfigStandaloneDir();

/**
 * Where validateConfigSchema looks for the precompiled validator from now on; null compiles the schema with ajv at
 * run time (what tests compare the precompiled validator against). Drops the validator made so far.
 */
export function useConfigStandaloneDir(dir: string | null): void {
  standaloneDir = dir;
  compiled = undefined;
}

/** The config schema's validator, made once per process: precompiled by `npm run build`, else compiled by ajv. */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const text = readFileSync(CONFIG_SCHEMA_PATH, 'utf8');
  schemaDocument = JSON.parse(text) as { $defs: Record<string, JsonSchema> };
  compiled = (standaloneDir !== null ? loadConfigStandalone(standaloneDir, text) : undefined) ?? newConfigAjv(false).compile(schemaDocument);
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

/**
 * What a description calls the value, as a noun phrase for "is not <phrase>": "An IPv4 CIDR block such as
 * 240.0.0.0/16." gives "an IPv4 CIDR block". Undefined when the description does not start with an article.
 */
function nounPhrase(description: string | undefined): string | undefined {
  if (!description || !/^(A|An) /.test(description)) return undefined;
  const phrase = firstSentence(description).replace(/,? (such as|e\.g\.|as in|for example)\b.*$/, '').replace(/\s*\(.*$/, '');
  return phrase.charAt(0).toLowerCase() + phrase.slice(1);
}

/** The description as an instruction: "Write an IPv4 CIDR block such as 240.0.0.0/16." */
function writeAs(description: string | undefined, fallback: string): string {
  if (!description) return fallback;
  const text = description.replace(/\.?$/, '.');
  return /^(A|An|The) /.test(description) ? `Write ${text.charAt(0).toLowerCase()}${text.slice(1)}` : `Write a valid value. ${text}`;
}

/** Edits people often need, tried in order: the first that the pattern accepts is the suggestion. */
const CANDIDATE_FIXES: readonly ((value: string) => string)[] = [
  (v) => v.trim(),
  (v) => v.toLowerCase(),
  (v) => v.replace(/_/g, '-').toLowerCase(),
  (v) => `${v}.0`,
  (v) => `${v}s`,
  (v) => `/${v}`,
  (v) => v.replace(/\/+$/, ''),
];

/** A hint for a string its pattern refused: a specific reading of common mistakes, else the nearest edit that passes. */
function patternHint(value: unknown, schema: JsonSchema | undefined): string | undefined {
  if (typeof value !== 'string' || !schema?.pattern || urlCredentials(value) !== undefined) return undefined;
  const cidr = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(value.trim());
  if (cidr && /\/\(\[0-9\]\|\[12\]\[0-9\]\|3\[0-2\]\)\$$/.test(schema.pattern)) {
    const octets = cidr.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255)) return `Each of the four numbers of an IPv4 address is 0 to 255: ${octets.map((o) => Math.min(o, 255)).join('.')}/${cidr[5] ?? 16} is the nearest valid block.`;
    if (cidr[5] === undefined) return `Add the prefix length after '/': ${value.trim()}/32 for this one address, or e.g. /16 for a range.`;
    return `The prefix length after '/' is 0 to 32 for IPv4 (/32 is one address, /16 is 65,536): e.g. ${cidr.slice(1, 5).join('.')}/${Math.min(Number(cidr[5]), 32)}.`;
  }
  // eslint-disable-next-line no-control-regex
  const control = value.search(/[\u0000-\u001f\u007f]/);
  if (control !== -1) return `Remove the ${value[control] === '\n' || value[control] === '\r' ? 'line break' : 'control character'} at character ${control + 1}: the value is one line. ${writeAs(schema.description, '')}`.trim();
  const foreign = [...value].findIndex((ch) => ch.codePointAt(0)! > 0x7e);
  if (foreign !== -1) {
    const ch = [...value][foreign]!;
    return `Character ${foreign + 1} ('${ch}', U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not ASCII: retype it (a look-alike of a Latin letter?). ${writeAs(schema.description, '')}`.trim();
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(schema.pattern, 'u');
  } catch {
    return undefined;
  }
  for (const fix of CANDIDATE_FIXES) {
    const candidate = fix(value);
    if (candidate !== value && candidate !== '' && pattern.test(candidate)) return `Write ${JSON.stringify(candidate)}${/^(A|An) /.test(schema.description ?? '') ? ` (${nounPhrase(schema.description)})` : ''}.`;
  }
  return undefined;
}

/** A hint for a value of the wrong type: what to write instead, from the value itself where it can. */
function typeHint(value: unknown, types: readonly string[], schema: JsonSchema | undefined, expected: string): string {
  const numeric = types.includes('integer') || types.includes('number');
  if (numeric && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value.trim()))) return `Write the number without quotes: ${Number(value.trim())}.`;
  if (types.includes('boolean') && typeof value === 'string') {
    const truthy = /^(true|yes|on|y)$/i.test(value.trim());
    const falsy = /^(false|no|off|n)$/i.test(value.trim());
    if (truthy || falsy) return `Write ${truthy ? 'true' : 'false'} without quotes.`;
    return 'Write true or false, without quotes.';
  }
  if (types.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) return `Quote it to make it text: "${String(value)}".`;
  if (value === null) return `Give it a value (${expected}), or remove the key.`;
  if (types.includes('array') && !Array.isArray(value)) {
    return typeof value === 'object' ? "Write a list: start each entry with '- ', or use [a, b]." : `Write a list, e.g. [${typeof value === 'string' ? value : String(value)}].`;
  }
  if (types.includes('object')) {
    const keys = Object.keys(schema?.properties ?? {});
    return keys.length > 0 ? `Write a mapping with keys such as ${keys.slice(0, 4).join(', ')}, each on its own line under this key.` : 'Write a mapping (key: value lines) under this key.';
  }
  return numeric ? `Write ${expected} without quotes${schema?.minimum !== undefined && schema.maximum !== undefined ? `, from ${schema.minimum} to ${schema.maximum}` : ''}.` : `Write ${expected} here.`;
}

/** The keys a oneOf/anyOf's branches require, e.g. [['cluster'], ['clusters']] for a service's home. */
function branchKeys(schema: JsonSchema | undefined): string[][] {
  return (schema?.oneOf ?? schema?.anyOf ?? []).map((branch) => branch.required ?? []).filter((keys) => keys.length > 0);
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
      message: `${where(keyPath, data)}: the key ${describeType(propertyName).replace(/^the string /, '')} is not ${nounPhrase(parent?.description) ?? 'valid'}`,
      hint: writeAs(parent?.description, 'Rename the key.'),
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
        hint: description ? `Add '${key}:' (${firstSentence(description).charAt(0).toLowerCase()}${firstSentence(description).slice(1)}).` : `Add '${key}:'.`,
        location: at(path),
      };
    }
    case 'type': {
      const types = String((error.params as { type: string }).type).split(',');
      const expected = types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      return { rule: 'config-type', severity: 'error', message: `${where(path, data)} must be ${expected}, not ${describeType(error.data)}`, hint: typeHint(error.data, types, parent, expected), location: at(path) };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof error.data === 'string' ? nearest(error.data, allowed) : undefined;
      return {
        rule: 'config-enum',
        severity: 'error',
        message: `${where(path, data)} must be one of ${allowed.join(', ')}, not ${describeType(error.data)}${guess ? `: did you mean '${guess}'?` : ''}`,
        hint: guess ? `Write '${guess}'.` : `Write one of: ${allowed.join(', ')}.`,
        location: at(path),
      };
    }
    case 'const':
      return { rule: 'config-enum', severity: 'error', message: `${where(path, data)} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, not ${describeType(error.data)}`, hint: `Write ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}.`, location: at(path) };
    case 'pattern':
    case 'format': {
      const noun = nounPhrase(parent?.description);
      const format = error.keyword === 'format' ? (error.params as { format: string }).format : undefined;
      return {
        rule: 'config-invalid-value',
        severity: 'error',
        message: `${where(path, data)}: ${describeType(error.data)} is not ${noun ?? (format ? `a valid ${format === 'ipv4' ? 'IPv4 address' : format === 'uri' ? 'URL' : format}` : 'valid')}`,
        hint: patternHint(error.data, parent) ?? (format === 'uri' ? 'Write a full URL, e.g. https://host.example.com.' : format === 'ipv4' ? 'Write an IPv4 address, e.g. 192.0.2.10.' : writeAs(parent?.description, 'Write a value of the allowed form (see docs/config-reference.md).')),
        location: at(path),
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        rule: 'config-out-of-range',
        severity: 'error',
        message: `${where(path, data)} ${error.message ?? 'is out of range'}, got ${String(error.data)}`,
        hint: parent?.minimum !== undefined && parent.maximum !== undefined ? `Write a number from ${parent.minimum} to ${parent.maximum}${nounPhrase(parent.description) ? ` (${nounPhrase(parent.description)})` : ''}.` : `Write a number ${error.message ?? 'in range'}.`,
        location: at(path),
      };
    case 'oneOf':
    case 'anyOf': {
      const branches = branchKeys(parent);
      const entry = error.data !== null && typeof error.data === 'object' && !Array.isArray(error.data) ? (error.data as Record<string, unknown>) : undefined;
      if (branches.length > 1 && entry) {
        const keys = [...new Set(branches.flat())];
        const present = keys.filter((k) => k in entry);
        const list = keys.map((k) => `'${k}'`).join(' or ');
        const described = keys.map((k) => `${k}:${deref(parent?.properties?.[k])?.description ? ` (${firstSentence(deref(parent?.properties?.[k])!.description!).toLowerCase()})` : ''}`).join(', or ');
        if (error.keyword === 'oneOf' && present.length > 1) {
          return { rule: 'config-invalid-value', severity: 'error', message: `${where(path, data)} has both ${present.map((k) => `'${k}'`).join(' and ')}: give only one`, hint: `Keep one of them: ${described}.`, location: at(path) };
        }
        return { rule: 'config-missing-key', severity: 'error', message: `${where(path, data)} needs ${list}`, hint: `Add ${described}.`, location: at(path) };
      }
      return {
        rule: 'config-invalid-value',
        severity: 'error',
        message: `${where(path, data)}: ${describeType(error.data)} matches none of the allowed forms`,
        hint: writeAs(parent?.description, 'Write one of the allowed forms (see docs/config-reference.md).'),
        location: at(path),
      };
    }
    default:
      return { rule: 'config-invalid-value', severity: 'error', message: `${where(path, data)} ${error.message ?? 'is invalid'}`, hint: writeAs(parent?.description, 'See docs/config-reference.md for what this key takes.'), location: at(path) };
  }
}

/**
 * Drops errors that only restate another: branches of a failed oneOf/anyOf, repeats, and the shape errors of a
 * mapping whose key is misspelt (a typo 'clustr' also leaves 'cluster' missing: one mistake, one error).
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const typos = new Map<string, Set<string>>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    const guess = nearest(key, Object.keys(deref(error.parentSchema as JsonSchema | undefined)?.properties ?? {}));
    if (guess !== undefined) typos.set(error.instancePath, (typos.get(error.instancePath) ?? new Set()).add(guess));
  }
  const followsFromTypo = (error: ErrorObject): boolean => {
    const guesses = typos.get(error.instancePath);
    if (!guesses) return false;
    if (error.keyword === 'required') return guesses.has((error.params as { missingProperty: string }).missingProperty);
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') return branchKeys(deref(error.parentSchema as JsonSchema | undefined)).flat().some((k) => guesses.has(k));
    return false;
  };
  const seen = new Set<string>();
  return errors.filter((error) => {
    if (followsFromTypo(error)) return false;
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
