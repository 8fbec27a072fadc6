import { isAbsolute, relative, sep } from 'node:path';
import { resolvePosition } from '../diagnostics/positions.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic, ResourceRef } from '../diagnostics/types.js';
import { privateKeyRanges, redactKeyMaterial } from './redact.js';
import type { PrintedDiagnostic, Report, ReportSummary } from './types.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * A file as the user should read it: stages work with absolute paths, resolved from the caller's working folder; a
 * path inside that folder is shown relative to it, as the user typed it.
 */
export function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined || !isAbsolute(file)) return file;
  const prefix = cwd.endsWith(sep) ? cwd : `${cwd}${sep}`;
  if (file.startsWith(prefix) && file.length > prefix.length) return file.slice(prefix.length);
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Message text as the user should read it: the caller's folder is left out of the paths it quotes. */
function displayText(text: string, cwd: string | undefined): string {
  if (cwd === undefined || cwd === sep) return text;
  return text.split(cwd.endsWith(sep) ? cwd : `${cwd}${sep}`).join('');
}

/** Whether the 1-based `line` of a registered file lies inside a PEM private key block: such lines are never shown. */
function insideKey(sources: SourceRegistry, file: string, line: number, keyRanges: Map<string, readonly (readonly [number, number])[]>): boolean {
  const source = sources.get(file);
  if (!source) return false;
  let ranges = keyRanges.get(file);
  if (ranges === undefined) keyRanges.set(file, (ranges = privateKeyRanges(source.text)));
  if (ranges.length === 0) return false;
  const start = source.lineCounter.lineStarts[line - 1];
  if (start === undefined) return false;
  const found = source.text.indexOf('\n', start);
  const end = found === -1 ? source.text.length : found;
  // A key wholly on this line (a quoted one-line value) is redacted in place; a line of a longer block is not shown.
  return ranges.some(([from, to]) => from < end && to > start && !(from >= start && to <= end));
}

/**
 * Resolves every diagnostic's positions: the one place where paths become lines. Every printed string is redacted
 * here (redactKeyMaterial), so no output format can print a private key or a token, whatever the finding quotes.
 */
export function resolveDiagnostics(diagnostics: readonly Diagnostic[], sources: SourceRegistry, cwd?: string): PrintedDiagnostic[] {
  const keyRanges = new Map<string, readonly (readonly [number, number])[]>();
  const printed = diagnostics.map((diagnostic): PrintedDiagnostic => {
    const at = diagnostic.location ? resolvePosition(sources, diagnostic.location) : undefined;
    const origin = diagnostic.origin ? resolvePosition(sources, diagnostic.origin) : undefined;
    const lineText = at?.lineText === undefined ? undefined : insideKey(sources, diagnostic.location!.file, at.line, keyRanges) ? '[private key redacted]' : redactKeyMaterial(at.lineText);
    const message = redactKeyMaterial(displayText(diagnostic.message, cwd));
    const hint = diagnostic.hint !== undefined ? redactKeyMaterial(displayText(diagnostic.hint, cwd)) : undefined;
    const resource = diagnostic.resource ? redactResource(diagnostic.resource) : undefined;
    const related = (diagnostic.related ?? []).flatMap((r) => {
      const position = resolvePosition(sources, r.location);
      return position ? [{ file: redactKeyMaterial(displayPath(r.location.file, cwd)), line: position.line, column: position.column, message: redactKeyMaterial(r.message) }] : [];
    });
    return {
      rule: diagnostic.rule,
      severity: diagnostic.severity,
      message,
      ...(hint !== undefined ? { hint } : {}),
      ...(resource ? { resource } : {}),
      ...(diagnostic.cluster !== undefined ? { cluster: redactKeyMaterial(diagnostic.cluster) } : {}),
      ...(diagnostic.location ? { file: redactKeyMaterial(displayPath(diagnostic.location.file, cwd)) } : {}),
      ...(at ? { line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn, ...(lineText !== undefined ? { lineText } : {}) } : {}),
      ...(related.length > 0 ? { related } : {}),
      ...(diagnostic.origin && origin ? { source: { file: redactKeyMaterial(displayPath(diagnostic.origin.file, cwd)), line: origin.line, column: origin.column } } : {}),
      diagnostic,
    };
  });
  return printed.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule),
  );
}

function redactResource(resource: ResourceRef): ResourceRef {
  return { ...resource, apiVersion: redactKeyMaterial(resource.apiVersion), kind: redactKeyMaterial(resource.kind), name: redactKeyMaterial(resource.name), ...(resource.namespace !== undefined ? { namespace: redactKeyMaterial(resource.namespace) } : {}) };
}

export function summarize(diagnostics: readonly { severity: string }[], suppressed = 0): ReportSummary {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    infos: diagnostics.filter((d) => d.severity === 'info').length,
    suppressed,
  };
}

/** `cwd`: the caller's working folder, from which files are shown relative (see displayPath). */
export function buildReport(command: string, diagnostics: readonly Diagnostic[], sources: SourceRegistry, suppressed = 0, cwd?: string): Report {
  const printed = resolveDiagnostics(diagnostics, sources, cwd);
  return { command, diagnostics: printed, summary: summarize(printed, suppressed) };
}
