import type { Diagnostic } from './types.js';

/** Outcome of a pipeline stage: a value, or the diagnostics that stopped it. */
export type StageResult<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function ok<T>(value: T, diagnostics: readonly Diagnostic[] = []): StageResult<T> {
  return { ok: true, value, diagnostics };
}

export function fail<T>(diagnostics: readonly Diagnostic[]): StageResult<T> {
  return { ok: false, diagnostics };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
