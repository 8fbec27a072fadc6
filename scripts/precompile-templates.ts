/**
 * `npm run build` (after tsc): precompiles every template and partial of generator/templates/ with
 * `Handlebars.precompile` (the run-time compile options, partials inlined as at run time) into one CommonJS module,
 * dist/generator/render/templates.precompiled.cjs, each spec keyed by a hash of its source, the options and the
 * handlebars version (generator/render/templates.ts). A run then loads each template it uses with the handlebars
 * runtime alone; a template whose source no longer matches any key (changed or added since the build, or running from
 * source) is compiled at run time as before.
 *   node dist/scripts/precompile-templates.js [templatesDir] [outFile]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompiledModule, precompiledTemplatesFile, precompileTemplates, templatesDir } from '../generator/render/templates.js';

/** Writes the precompiled module of `dir`'s templates to `outFile`; returns how many specs it holds. */
export function writePrecompiledTemplates(dir: string = templatesDir(), outFile: string = precompiledTemplatesFile()): number {
  const specs = precompileTemplates(dir);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, precompiledModule(specs));
  return specs.size;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, outFile] = process.argv.slice(2);
  const count = writePrecompiledTemplates(dir !== undefined ? resolve(dir) : undefined, outFile !== undefined ? resolve(outFile) : undefined);
  process.stdout.write(`precompiled templates: ${count} written\n`);
}
