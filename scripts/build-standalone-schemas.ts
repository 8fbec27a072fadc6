/**
 * `npm run build` (after tsc): compiles the mesh config schema (schemas/mesh.config.schema.json) to ajv standalone
 * code in dist/generator/config/standalone/ (see generator/config/schema.ts), and every embedded manifest schema (schemas/k8s/) ahead of time to ajv standalone
 * code, one file per schema under dist/generator/validate/standalone/, named after a hash of the schema text (see
 * generator/validate/schema-ajv.ts), plus a V8 code cache for the large ones. A run then loads only the kinds it
 * meets, without ajv's compiler. The code cache is only valid for the node version that wrote it; another version
 * ignores it and compiles the code as if it were not there.
 *   node dist/scripts/build-standalone-schemas.js [schemaDir] [outDir] [configOutDir]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA_PATH, configStandaloneFileName, configStandaloneModule, defaultConfigStandaloneDir } from '../generator/config/schema.js';
import { defaultSchemaDir } from '../generator/validate/embedded.js';
import { codeCacheFileName, defaultStandaloneDir, standaloneFileName, standaloneModule, writeCodeCache } from '../generator/validate/schema-ajv.js';

/** Standalone code above this size gets a V8 code cache: below it, compiling costs less than reading a cache. */
const CODE_CACHE_FROM_BYTES = 256 * 1024;

export interface StandaloneBuild {
  /** Files written (schemas whose code was not there yet). */
  readonly written: number;
  /** Files already up to date. */
  readonly kept: number;
  /** Files (code or code cache) of schemas that no longer exist, removed. */
  readonly removed: number;
}

/** Writes the standalone validator of every schema in schemaDir's index.json into outDir; removes stale ones. */
export function buildStandaloneSchemas(schemaDir: string = defaultSchemaDir(), outDir: string = defaultStandaloneDir()): StandaloneBuild {
  const index = JSON.parse(readFileSync(join(schemaDir, 'index.json'), 'utf8')) as { schemas: { file: string }[] };
  mkdirSync(outDir, { recursive: true });
  const existing = new Set(readdirSync(outDir).filter((name) => name.endsWith('.js') || name.endsWith('.v8cache')));
  const wanted = new Set<string>();
  let written = 0;
  for (const entry of index.schemas) {
    const text = readFileSync(join(schemaDir, entry.file), 'utf8');
    const name = standaloneFileName(text);
    if (wanted.has(name)) continue;
    wanted.add(name);
    const cache = codeCacheFileName(name);
    if (existing.has(name)) {
      if (existing.has(cache)) wanted.add(cache);
      continue;
    }
    const code = standaloneModule(JSON.parse(text) as object);
    writeFileSync(join(outDir, name), code);
    if (Buffer.byteLength(code) >= CODE_CACHE_FROM_BYTES) {
      writeCodeCache(outDir, name);
      wanted.add(cache);
    }
    written++;
  }
  let removed = 0;
  for (const name of existing) {
    if (wanted.has(name)) continue;
    rmSync(join(outDir, name));
    removed++;
  }
  const files = [...wanted].filter((name) => name.endsWith('.js')).length;
  return { written, kept: files - written, removed };
}

/** Writes the config schema's standalone validator into outDir unless it is there; removes any other file there. */
export function buildConfigStandalone(schemaFile: string = CONFIG_SCHEMA_PATH, outDir: string = defaultConfigStandaloneDir()): StandaloneBuild {
  const text = readFileSync(schemaFile, 'utf8');
  const name = configStandaloneFileName(text);
  mkdirSync(outDir, { recursive: true });
  const stale = readdirSync(outDir).filter((file) => file !== name);
  for (const file of stale) rmSync(join(outDir, file));
  const kept = readdirSync(outDir).includes(name);
  if (!kept) writeFileSync(join(outDir, name), configStandaloneModule(text));
  return { written: kept ? 0 : 1, kept: kept ? 1 : 0, removed: stale.length };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [schemaDir, outDir, configOutDir] = process.argv.slice(2);
  const built = buildStandaloneSchemas(schemaDir !== undefined ? resolve(schemaDir) : undefined, outDir !== undefined ? resolve(outDir) : undefined);
  process.stdout.write(`standalone schemas: ${built.written} written, ${built.kept} up to date, ${built.removed} stale removed\n`);
  const config = buildConfigStandalone(undefined, configOutDir !== undefined ? resolve(configOutDir) : undefined);
  process.stdout.write(`standalone config schema: ${config.written} written, ${config.kept} up to date, ${config.removed} stale removed\n`);
}
