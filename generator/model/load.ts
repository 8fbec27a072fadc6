import { isMap, type Node } from 'yaml';
import type { Diagnostic } from '../diagnostics/types.js';
import { fail, hasErrors, ok, type StageResult } from '../diagnostics/result.js';
import { SourceRegistry } from '../diagnostics/sources.js';
import { CONFIG_LIMITS, type InputLimits } from '../load/limits.js';
import { decodeSource, readSourceFile, type SourceText } from '../load/source.js';
import { parseYaml } from '../load/yaml.js';
import { buildModel } from './build.js';
import type { MeshModel } from './types.js';
import { validateConfigSchema } from '../config/schema.js';
import { checkSemantics } from '../config/semantic.js';
import { unusedNamespaceWarnings } from '../config/namespaces.js';
import type { MeshConfigInput } from '../config/types.js';

import { DEFAULT_CONFIG_FILE } from '../core/cli-vocabulary.js';
export { DEFAULT_CONFIG_FILE };

export interface LoadedConfig {
  readonly config: MeshConfigInput;
  readonly model: MeshModel;
}

/** text -> parsed config -> validated config -> model. Pure apart from registering the text for positions. */
export function loadConfigText(source: SourceText, sources: SourceRegistry, limits: InputLimits = CONFIG_LIMITS): StageResult<LoadedConfig> {
  const { file } = source;
  const parsed = parseYaml(source, { limits, sources });
  if (!parsed.ok) return parsed;
  const documents = parsed.value.documents;
  const shape: Diagnostic[] = [];
  if (documents.length > 1) {
    shape.push({
      rule: 'yaml-multiple-documents',
      severity: 'error',
      message: `mesh.config.yaml must hold one YAML document, found ${documents.length}`,
      hint: "Remove the '---' separators and merge the documents into one.",
      location: { file, docIndex: 1, path: [] },
    });
  }
  const first = documents[0];
  if (!first || first.value === null || first.value === undefined) {
    shape.push({ rule: 'config-empty', severity: 'error', message: 'the config is empty', hint: 'Start from the example mesh.config.yaml in the meshforge repository (mesh: and clusters: are required).', location: { file, offset: 0 } });
  } else if (!isMap(first.document.contents as Node | null)) {
    shape.push({ rule: 'config-not-mapping', severity: 'error', message: `the config must be a mapping of keys (mesh:, clusters:, ...), not ${Array.isArray(first.value) ? 'a list' : 'a single value'}`, hint: 'Write top-level keys such as mesh: and clusters:.', location: { file, path: [] } });
  }
  if (shape.length > 0) return fail(shape);

  const validated = validateConfigSchema(first!.value, file);
  if (!validated.ok) return validated;
  const semantic = [...checkSemantics(validated.value, file), ...unusedNamespaceWarnings(validated.value, file)];
  if (hasErrors(semantic)) return fail(semantic);
  return ok({ config: validated.value, model: buildModel(validated.value, file) }, [...parsed.diagnostics, ...semantic]);
}

/** Reads and loads a config file. */
export function loadConfigFile(file: string, sources: SourceRegistry, limits: InputLimits = CONFIG_LIMITS): StageResult<LoadedConfig> {
  const text = readSourceFile(file, limits, sources);
  if (!text.ok) return text;
  return loadConfigText(text.value, sources, limits);
}

/** Loads config text held in memory (tests, stdin). */
export function loadConfigString(text: string, file = DEFAULT_CONFIG_FILE, sources = new SourceRegistry()): StageResult<LoadedConfig> {
  const decoded = decodeSource(file, Buffer.from(text, 'utf8'), CONFIG_LIMITS, sources);
  if (!decoded.ok) return decoded;
  return loadConfigText(decoded.value, sources);
}
