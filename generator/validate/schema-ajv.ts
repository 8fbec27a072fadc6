/**
 * The one ajv set-up for the embedded manifest schemas, shared by the two ways a kind's validator is made:
 *  - ahead of time: `npm run build` writes each schema's ajv standalone code to dist/generator/validate/standalone/
 *    (scripts/build-standalone-schemas.ts), with a V8 code cache for the large ones, and a run only loads the files
 *    of the kinds it meets;
 *  - at run time: ajv compiles the schema, when no up-to-date standalone file exists (running from source, say).
 * ajv is loaded with require, and only when needed: a run that finds every kind precompiled never loads it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Script } from 'node:vm';
import type { Ajv, Format, ValidateFunction } from 'ajv';
import { packagePath } from '../core/paths.js';
import { compileFunctionModule, functionModule, standaloneCodeFileName, withSharedSchemaPaths } from '../core/standalone-code.js';

const require = createRequire(import.meta.url);

/**
 * Bump when the ajv options, the formats or the module shape below change: the standalone files are named after a
 * hash of this and the schema text, so files written under other terms are never loaded.
 */
const STANDALONE_VERSION = 'meshforge-standalone-2';

/** The name the standalone code reads the function formats through (ajv's `code.formats`). */
const FORMATS_PARAMETER = 'schemaFormats';

const INT32 = { min: -2147483648, max: 2147483647 };

/** Formats a schema may name; the opaque ones are checked by the API server, a schema cannot. */
function schemaFormats(): Record<string, Format> {
  const { fullFormats } = require('ajv-formats/dist/formats') as typeof import('ajv-formats/dist/formats.js');
  const formats: Record<string, Format> = {
    'date-time': fullFormats['date-time'],
    int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max },
    int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
    double: { type: 'number', validate: () => true },
    float: { type: 'number', validate: () => true },
    byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  };
  for (const format of ['binary', 'quantity', 'int-or-string', 'uri', 'email', 'hostname']) formats[format] = true;
  return formats;
}

let formatsOnce: Record<string, Format> | undefined;
const sharedFormats = (): Record<string, Format> => (formatsOnce ??= schemaFormats());

/** A fresh ajv for one schema; `standalone` keeps the generated source for ajv/dist/standalone. */
export function newSchemaAjv(standalone = false): Ajv {
  const ajv = require('ajv') as typeof import('ajv');
  // strict: false — the Kubernetes schemas carry annotations (default, example) ajv's strict mode would refuse.
  // code.optimize off halves compile time of the large CRD schemas; the validators run no slower on manifests.
  const instance = new ajv.Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    validateSchema: false,
    code: standalone ? { optimize: false, source: true, formats: ajv._`${new ajv.Name(FORMATS_PARAMETER)}` } : { optimize: false },
  });
  for (const [name, format] of Object.entries(sharedFormats())) instance.addFormat(name, format);
  return instance;
}

/** The standalone file of a schema's text: a content hash, so a changed schema never meets stale code. */
export function standaloneFileName(schemaText: string): string {
  return standaloneCodeFileName(STANDALONE_VERSION, schemaText);
}

/** The V8 code cache written beside a large standalone file (see writeCodeCache). */
export const codeCacheFileName = (standaloneFile: string): string => standaloneFile.replace(/\.js$/, '.v8cache');

/** Where `npm run build` writes the standalone validators (inside dist/generator, so the package ships them). */
export function defaultStandaloneDir(): string {
  return packagePath('dist', 'generator', 'validate', 'standalone');
}

/**
 * One function expression `(formats, require) => validate`: ajv's standalone (CommonJS) code for the schema, wrapped
 * so the function formats come from the caller (the same objects the runtime compiler uses) and ajv's runtime helpers
 * (`require("ajv/dist/runtime/...")`) resolve from meshforge wherever the file is. It is run with node:vm, so a V8
 * code cache can come with it.
 */
export function standaloneModule(schema: object): string {
  const standaloneCode = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js');
  const ajv = newSchemaAjv(true);
  const code = standaloneCode.default(ajv, ajv.compile(schema));
  return functionModule(withSharedSchemaPaths(code), [FORMATS_PARAMETER], 'scripts/build-standalone-schemas.ts (ajv standalone)');
}

function compileStandalone(file: string, cachedData?: Buffer): { script: Script; validate: ValidateFunction } {
  const { script, load } = compileFunctionModule<ValidateFunction>(file, cachedData);
  return { script, validate: load(sharedFormats(), require) };
}

/**
 * Writes the V8 code cache of a standalone file after one call compiled its top-level validator. The largest schemas
 * (Argo CD's ApplicationSet: 10 MB of code) cost far more to compile than to load; with the cache V8 skips that.
 * A cache V8 refuses (another node version, other flags) is ignored: the code compiles as without one.
 */
export function writeCodeCache(dir: string, standaloneFile: string): void {
  const { script, validate } = compileStandalone(join(dir, standaloneFile));
  validate({});
  writeFileSync(join(dir, codeCacheFileName(standaloneFile)), script.createCachedData());
}

/** The precompiled validator of a schema's text, or undefined when none is there (or it is stale). */
export function loadStandalone(dir: string, schemaText: string): ValidateFunction | undefined {
  const name = standaloneFileName(schemaText);
  const file = join(dir, name);
  if (!existsSync(file)) return undefined;
  const cache = join(dir, codeCacheFileName(name));
  return compileStandalone(file, existsSync(cache) ? readFileSync(cache) : undefined).validate;
}
