import { isAbsolute, relative } from 'node:path';
import { resolvePosition } from '../diagnostics/positions.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { PrintedDiagnostic, Report, ReportSummary } from './types.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * A file as the user should read it: stages work with absolute paths, resolved from the caller's working folder; a
 * path inside that folder is shown relative to it, as the user typed it.
 */
export function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined || !isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Resolves every diagnostic's positions: the one place where paths become lines. */
export function resolveDiagnostics(diagnostics: readonly Diagnostic[], sources: SourceRegistry, cwd?: string): PrintedDiagnostic[] {
  const printed = diagnostics.map((diagnostic): PrintedDiagnostic => {
    const at = diagnostic.location ? resolvePosition(sources, diagnostic.location) : undefined;
    const origin = diagnostic.origin ? resolvePosition(sources, diagnostic.origin) : undefined;
    return {
      rule: diagnostic.rule,
      severity: diagnostic.severity,
      message: diagnostic.message,
      ...(diagnostic.hint !== undefined ? { hint: diagnostic.hint } : {}),
      ...(diagnostic.resource ? { resource: diagnostic.resource } : {}),
      ...(diagnostic.cluster !== undefined ? { cluster: diagnostic.cluster } : {}),
      ...(diagnostic.location ? { file: displayPath(diagnostic.location.file, cwd) } : {}),
      ...(at ? { line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn, ...(at.lineText !== undefined ? { lineText: at.lineText } : {}) } : {}),
      ...(diagnostic.origin && origin ? { source: { file: displayPath(diagnostic.origin.file, cwd), line: origin.line, column: origin.column } } : {}),
      diagnostic,
    };
  });
  return printed.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule),
  );
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
