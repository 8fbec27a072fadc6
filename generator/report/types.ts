import type { Diagnostic, ResourceRef, Severity } from '../diagnostics/types.js';

/** A diagnostic with its positions resolved, ready to print. */
export interface PrintedDiagnostic {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
  readonly resource?: ResourceRef;
  readonly cluster?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** The source line, for code frames. */
  readonly lineText?: string;
  /** The mesh.config.yaml position a generated resource came from. */
  readonly source?: { readonly file: string; readonly line: number; readonly column: number };
  /** Other places the finding involves, resolved (see Diagnostic.related). */
  readonly related?: readonly { readonly file: string; readonly line: number; readonly column: number; readonly message: string }[];
  /** The diagnostic as the stage made it: the fields above are its redacted, printable form; formats never print it. */
  readonly diagnostic: Diagnostic;
}

export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  /** Findings silenced by annotations or policies.exceptions. */
  readonly suppressed: number;
}

/** A finding silenced by a meshforge.io/suppress annotation or a policies.exceptions entry, listed on request. */
export interface PrintedSuppression extends PrintedDiagnostic {
  readonly by: 'annotation' | 'exception';
  readonly reason: string;
}

/** What a format may say about the rules that ran (SARIF lists them as the tool's rules). */
export interface ReportRule {
  readonly id: string;
  readonly description: string;
  readonly defaultSeverity: Severity;
  /** The rule's doc page, relative to the meshforge package. */
  readonly docs?: string;
}

export interface Report {
  /** What ran, e.g. "validate" or "lint": formats that name their tool use it. */
  readonly command: string;
  readonly diagnostics: readonly PrintedDiagnostic[];
  readonly summary: ReportSummary;
  /** Suppressed findings, present only when the user asked to list them (lint --list-suppressed). */
  readonly suppressed?: readonly PrintedSuppression[];
  /** The rules that ran, when the command ran rules. */
  readonly rules?: readonly ReportRule[];
}

export interface FormatOptions {
  readonly color: boolean;
}

/** One output format. Each lives in its own file and is listed in formats.ts. */
export interface Formatter {
  readonly name: string;
  readonly description: string;
  format(report: Report, options: FormatOptions): string;
}
