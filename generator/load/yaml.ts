import { isAlias, isCollection, isMap, isPair, isScalar, parseAllDocuments, type Alias, type Document } from 'yaml';
import type { Diagnostic, DiagnosticId } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import { findExcessiveNesting } from './depth.js';
import { formatBytes, type InputLimits } from './limits.js';
import type { SourceText } from './source.js';
import { explainSyntaxErrors, hintForCode } from './syntax.js';

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
    // logLevel 'error': the library's own warnings would go to process.emitWarning (stderr); they are reported below.
    documents = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, strict: true, logLevel: 'error' }) as Document.Parsed[];
  } catch (error) {
    // The parser recurses per nesting level; a pathological file can still overflow the stack.
    return fail([{ rule: 'yaml-too-deep', severity: 'error', message: `cannot parse: ${(error as Error).message}`, hint: `Keep nesting under ${options.limits.maxDepth} levels.`, location: at(file, 0, 0) }]);
  }
  if (!Array.isArray(documents)) documents = [documents as Document.Parsed];
  options.sources.setDocuments(file, documents);

  const reported = new Set<number>();
  documents.forEach((doc, docIndex) => {
    diagnostics.push(...syntaxDiagnostics(text, doc.errors, file, docIndex, options.limits, reported));
    for (const warning of doc.warnings) {
      diagnostics.push({ rule: 'yaml-warning', severity: 'warning', message: warning.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), hint: 'Check the YAML at this position: the parser read it, but maybe not as meant.', location: at(file, warning.pos[0], docIndex) });
    }
    if (doc.errors.length > 0) return;
    const structural = structuralProblems(doc, docIndex, file, (offset) => registered.lineCounter.linePos(offset), options.limits);
    diagnostics.push(...structural);
    if (structural.length === 0) diagnostics.push(...aliasExpansionProblems(doc, docIndex, file, options.limits));
  });
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);

  const parsed: ParsedDocument[] = [];
  for (const [index, document] of documents.entries()) {
    try {
      // The expanded size is bounded above, so the library's count of alias uses need not refuse ordinary anchors.
      parsed.push({ index, document, value: document.toJS({ maxAliasCount: -1 }) });
    } catch (error) {
      return fail([{ rule: 'yaml-syntax', severity: 'error', message: `cannot read document: ${(error as Error).message}`, hint: 'Fix the YAML at this position.', location: at(file, document.contents?.range?.[0] ?? 0, index) }]);
    }
  }
  return ok({ file, documents: parsed }, diagnostics);
}

function lineText(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end === -1 ? text.length : end);
}

/**
 * One diagnostic per mistake: the text is read again for the usual mistakes (see syntax.ts), and parser errors that
 * only follow from one are dropped.
 */
function syntaxDiagnostics(text: string, errors: Document.Parsed['errors'], file: string, docIndex: number, limits: InputLimits, reported: Set<number>): Diagnostic[] {
  if (errors.length === 0) return [];
  const tooDeep = errors.filter((e) => YAML_ERROR_RULES[e.code] === 'yaml-too-deep');
  if (tooDeep.length > 0) return [{ rule: 'yaml-too-deep', severity: 'error', message: 'nesting is too deep to parse', hint: `Keep nesting under ${limits.maxDepth} levels.`, location: at(file, tooDeep[0]!.pos[0], docIndex) }];
  // Mistakes are searched in the whole text; in a multi-document file the first document that failed reports them.
  const { mistakes, kept } = explainSyntaxErrors(text, errors.map((e) => ({ code: e.code, message: e.message, offset: e.pos[0] })));
  const fresh = mistakes.filter((m) => !reported.has(m.offset));
  for (const m of fresh) reported.add(m.offset);
  const out: Diagnostic[] = fresh.map((m) => ({ rule: m.rule, severity: 'error', message: m.message, hint: m.hint, location: at(file, m.offset, docIndex) }));
  for (const error of kept) {
    const rule = YAML_ERROR_RULES[error.code] ?? 'yaml-syntax';
    const own = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const better = rule === 'yaml-tab' ? { hint: 'Indent with spaces only: YAML does not allow tabs in indentation.' } : hintForCode(error.code, lineText(text, error.offset));
    out.push({ rule, severity: 'error', message: better.message ?? own, hint: better.hint, location: at(file, error.offset, docIndex) });
  }
  return out;
}

interface ExpandedSize {
  readonly nodes: number;
  readonly bytes: number;
}

/**
 * What the document's aliases add when expanded, the size later stages walk: the nodes and scalar characters of the
 * fully expanded tree minus those of the text itself. Linear in the text (each anchored node is sized once), so a
 * billion-laughs file is measured, not expanded. An alias inside the node it names would expand forever: refused.
 */
function aliasExpansionProblems(doc: Document.Parsed, docIndex: number, file: string, limits: InputLimits): Diagnostic[] {
  const memo = new Map<unknown, ExpandedSize>();
  const open = new Set<unknown>();
  const literal = { nodes: 0, bytes: 0 };
  let firstAlias: Alias | undefined;
  let cycle: Alias | undefined;
  const scalarBytes = (value: unknown) => (typeof value === 'string' ? value.length : String(value).length);
  // Expanded size of a node. Recursion is bounded: structuralProblems refused nesting deeper than limits.maxDepth,
  // and an alias names a node that ends before it (already sized, from memo) unless it is an ancestor (a cycle).
  const expanded = (node: unknown, inText: boolean): ExpandedSize => {
    if (isAlias(node)) {
      firstAlias ??= node;
      if (inText) literal.nodes++;
      const target = node.resolve(doc);
      if (target === undefined) return { nodes: 1, bytes: 0 };
      if (open.has(target)) {
        cycle ??= node;
        return { nodes: 1, bytes: 0 };
      }
      return memo.get(target) ?? expanded(target, false);
    }
    if (!inText && memo.has(node)) return memo.get(node)!;
    let result: ExpandedSize = { nodes: 0, bytes: 0 };
    if (isScalar(node)) {
      result = { nodes: 1, bytes: scalarBytes(node.value) };
      if (inText) {
        literal.nodes++;
        literal.bytes += result.bytes;
      }
    } else if (isCollection(node)) {
      if (inText) literal.nodes++;
      open.add(node);
      let nodes = 1;
      let bytes = 0;
      for (const item of node.items) {
        for (const part of isPair(item) ? [item.key, item.value] : [item]) {
          const child = expanded(part, inText);
          nodes += child.nodes;
          bytes += child.bytes;
        }
      }
      open.delete(node);
      result = { nodes, bytes };
    }
    memo.set(node, result);
    return result;
  };
  const total = expanded(doc.contents, true);
  if (cycle) {
    const alias: Alias = cycle;
    return [{ rule: 'yaml-alias-limit', severity: 'error', message: `alias *${alias.source} refers to a node that contains it, so it would expand forever`, hint: `Move &${alias.source} to a node that does not contain this alias, or write the value out.`, location: at(file, alias.range?.[0] ?? 0, docIndex) }];
  }
  const addedNodes = total.nodes - literal.nodes;
  const addedBytes = total.bytes - literal.bytes;
  if (addedNodes <= limits.maxAliasNodes && addedBytes <= limits.maxAliasBytes) return [];
  const what = addedNodes > limits.maxAliasNodes ? `${formatCount(addedNodes)} nodes (the limit is ${formatCount(limits.maxAliasNodes)})` : `${formatBytes(addedBytes)} of text (the limit is ${formatBytes(limits.maxAliasBytes)})`;
  return [
    {
      rule: 'yaml-alias-limit',
      severity: 'error',
      message: `aliases expand this document by ${what}: this looks like an alias bomb`,
      hint: 'Anchors and aliases are fine, but not aliases of aliases that multiply: write the repeated values out, or alias smaller nodes.',
      location: at(file, firstAlias?.range?.[0] ?? 0, docIndex),
    },
  ];
}

function formatCount(n: number): string {
  return n >= 1e15 ? n.toExponential(1) : Math.round(n).toLocaleString('en-US');
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
        const keyProblem = nonStringKey(pair.key, doc);
        if (keyProblem !== undefined) {
          // Reported here, at the key: after toJS the key is a string such as "[ a, b ]" that no line holds.
          const offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? (pair.value as { range?: [number, number, number] } | null)?.range?.[0] ?? node.range?.[0] ?? 0;
          out.push({
            rule: 'yaml-non-string-key',
            severity: 'error',
            message: `this key is ${keyProblem}: keys must be plain text`,
            hint: "Write the key as text (e.g. name:), and quote it if it starts with '[', '{', '?' or '~'.",
            location: at(file, offset, docIndex),
          });
        }
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

/** Why a mapping key cannot become a JSON object key as written, or undefined for a scalar key. */
function nonStringKey(key: unknown, doc: Document.Parsed): string | undefined {
  const node = isAlias(key) ? key.resolve(doc) : key;
  if (node === null || node === undefined) return 'empty (null)';
  if (isMap(node)) return 'a mapping';
  if (isCollection(node)) return 'a list';
  if (isScalar(node) && node.value === null) return 'null';
  return undefined;
}
