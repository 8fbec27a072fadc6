import { isAlias, isCollection, isMap, isScalar, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import type { Diagnostic, DiagnosticId } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import { findExcessiveNesting } from './depth.js';
import type { InputLimits } from './limits.js';
import type { SourceText } from './source.js';

/** One YAML document: its node tree (for positions) and its plain value. */
export interface ParsedDocument {
  readonly index: number;
  readonly document: Document.Parsed;
  readonly value: unknown;
}

export interface ParsedYaml {
  readonly file: string;
  readonly documents: readonly ParsedDocument[];
}

export interface ParseOptions {
  readonly limits: InputLimits;
  readonly sources: SourceRegistry;
}

const YAML_ERROR_RULES: Readonly<Record<string, DiagnosticId>> = {
  TAB_AS_INDENT: 'yaml-tab',
  RESOURCE_EXHAUSTION: 'yaml-too-deep',
};

function at(file: string, offset: number, docIndex: number): Diagnostic['location'] {
  return { file, offset, docIndex };
}

/** Parses every document of a YAML file, turning each class of bad input into its own diagnostic. */
export function parseYaml(source: SourceText, options: ParseOptions): StageResult<ParsedYaml> {
  const { file, text } = source;
  const registered = options.sources.addText(file, text);
  const diagnostics: Diagnostic[] = [];
  const tooDeep = findExcessiveNesting(text, options.limits.maxDepth);
  if (tooDeep !== -1) {
    return fail([{ rule: 'yaml-too-deep', severity: 'error', message: `nesting is deeper than ${options.limits.maxDepth} levels`, hint: `Keep nesting under ${options.limits.maxDepth} levels.`, location: at(file, tooDeep, 0) }]);
  }
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, strict: true }) as Document.Parsed[];
  } catch (error) {
    // The parser recurses per nesting level; a pathological file can still overflow the stack.
    return fail([{ rule: 'yaml-too-deep', severity: 'error', message: `cannot parse: ${(error as Error).message}`, hint: `Keep nesting under ${options.limits.maxDepth} levels.`, location: at(file, 0, 0) }]);
  }
  if (!Array.isArray(documents)) documents = [documents as Document.Parsed];
  options.sources.setDocuments(file, documents);

  documents.forEach((doc, docIndex) => {
    for (const error of doc.errors) {
      const rule = YAML_ERROR_RULES[error.code] ?? 'yaml-syntax';
      const message = rule === 'yaml-too-deep' ? `nesting is too deep to parse` : error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      const hint =
        rule === 'yaml-tab' ? 'Indent with spaces: YAML does not allow tabs in indentation.'
        : rule === 'yaml-too-deep' ? `Keep nesting under ${options.limits.maxDepth} levels.`
        : 'Fix the YAML syntax at this position (check indentation, quotes and brackets).';
      diagnostics.push({ rule, severity: 'error', message, hint, location: at(file, error.pos[0], docIndex) });
    }
    if (doc.errors.length === 0) diagnostics.push(...structuralProblems(doc, docIndex, file, (offset) => registered.lineCounter.linePos(offset), options.limits));
  });
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);

  const parsed: ParsedDocument[] = [];
  for (const [index, document] of documents.entries()) {
    try {
      parsed.push({ index, document, value: document.toJS({ maxAliasCount: options.limits.maxAliasCount }) });
    } catch (error) {
      const firstAlias = findFirst(document, (node) => isAlias(node));
      const offset = firstAlias?.range?.[0] ?? 0;
      const message = /alias/i.test((error as Error).message)
        ? `aliases expand to too many nodes (more than ${options.limits.maxAliasCount} alias expansions): this looks like an alias bomb`
        : `cannot read document: ${(error as Error).message}`;
      return fail([{ rule: 'yaml-alias-limit', severity: 'error', message, hint: 'Write the values out instead of nesting aliases of aliases.', location: at(file, offset, index) }]);
    }
  }
  return ok({ file, documents: parsed }, diagnostics);
}

function findFirst(doc: Document, predicate: (node: unknown) => boolean): Node | undefined {
  let found: Node | undefined;
  visit(doc, (_key, node) => {
    if (predicate(node)) {
      found = node as Node;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

/** Duplicate keys, undefined aliases and excessive depth: problems the parser lets through. */
function structuralProblems(
  doc: Document.Parsed,
  docIndex: number,
  file: string,
  linePos: (offset: number) => { line: number; col: number },
  limits: InputLimits,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Iterative walk: depth is what we are checking, so we must not recurse on it.
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  let depthReported = false;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isAlias(node)) {
      if (node.resolve(doc) === undefined) {
        out.push({
          rule: 'yaml-undefined-alias',
          severity: 'error',
          message: `alias *${node.source} refers to no anchor`,
          hint: `Define &${node.source} before this line, or fix the alias name.`,
          location: at(file, node.range?.[0] ?? 0, docIndex),
        });
      }
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth > limits.maxDepth) {
      if (!depthReported) {
        out.push({ rule: 'yaml-too-deep', severity: 'error', message: `nesting is deeper than ${limits.maxDepth} levels`, hint: `Keep nesting under ${limits.maxDepth} levels.`, location: at(file, node.range?.[0] ?? 0, docIndex) });
        depthReported = true;
      }
      continue;
    }
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const name = String(pair.key.value);
          const start = pair.key.range?.[0] ?? 0;
          const first = seen.get(name);
          if (first !== undefined) {
            out.push({
              rule: 'yaml-duplicate-key',
              severity: 'error',
              message: `duplicate key '${name}' (first on line ${linePos(first).line}): YAML keeps only one of them`,
              hint: 'Remove one of the two keys or merge their values.',
              location: at(file, start, docIndex),
            });
          } else {
            seen.set(name, start);
          }
        }
        stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return out.sort((a, b) => (a.location?.offset ?? 0) - (b.location?.offset ?? 0));
}
