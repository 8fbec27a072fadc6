import type { Diagnostic } from '../diagnostics/types.js';
import { compareText } from './resources.js';
import type { CheckFinding, CheckSummary, RuleCount } from './types.js';

type Finding = Pick<Diagnostic, 'rule' | 'severity'> & Partial<Pick<Diagnostic, 'message' | 'resource' | 'cluster'>>;

/** A finding an annotation or a policies.exceptions entry silenced, and why. */
export interface SuppressedInput {
  readonly diagnostic: Finding;
  readonly reason: string;
}

/**
 * Counts diagnostics per rule for the PR body, and lists them (suppressed ones with their reason) when they carry a
 * message. `suppressed` is each silenced finding, or just the rule of each, or just their number.
 */
export function summarizeDiagnostics(diagnostics: readonly Finding[], suppressed: readonly (string | SuppressedInput)[] | number = 0, ran?: readonly string[]): CheckSummary {
  const byRule = new Map<string, { errors: number; warnings: number; infos: number; suppressed: number }>();
  const entry = (rule: string) => {
    let counts = byRule.get(rule);
    if (!counts) byRule.set(rule, (counts = { errors: 0, warnings: 0, infos: 0, suppressed: 0 }));
    return counts;
  };
  const findings: CheckFinding[] = [];
  const listed = (d: Finding, severity: CheckFinding['severity'], reason?: string) => {
    if (d.message === undefined) return;
    const resource = d.resource ? `${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ''}${d.resource.name}` : undefined;
    findings.push({ rule: d.rule, severity, ...(d.cluster !== undefined ? { cluster: d.cluster } : {}), ...(resource ? { resource } : {}), message: d.message, ...(reason !== undefined ? { reason } : {}) });
  };
  for (const d of diagnostics) {
    const counts = entry(d.rule);
    if (d.severity === 'error') counts.errors += 1;
    else if (d.severity === 'warning') counts.warnings += 1;
    else counts.infos += 1;
    listed(d, d.severity === 'error' || d.severity === 'warning' ? d.severity : 'info');
  }
  if (typeof suppressed !== 'number') {
    for (const s of suppressed) {
      if (typeof s === 'string') entry(s).suppressed += 1;
      else {
        entry(s.diagnostic.rule).suppressed += 1;
        listed(s.diagnostic, 'suppressed', s.reason);
      }
    }
  }
  const rules: RuleCount[] = [...byRule.entries()].map(([rule, counts]) => ({ rule, ...counts })).sort((a, b) => compareText(a.rule, b.rule));
  const total = (field: 'errors' | 'warnings' | 'infos' | 'suppressed') => rules.reduce((sum, r) => sum + r[field], 0);
  const order: Readonly<Record<CheckFinding['severity'], number>> = { error: 0, warning: 1, info: 2, suppressed: 3 };
  findings.sort((a, b) => order[a.severity] - order[b.severity] || compareText(a.rule, b.rule) || compareText(a.cluster ?? '', b.cluster ?? '') || compareText(a.resource ?? '', b.resource ?? '') || compareText(a.message, b.message));
  return {
    errors: total('errors'),
    warnings: total('warnings'),
    infos: total('infos'),
    suppressed: typeof suppressed === 'number' ? suppressed : total('suppressed'),
    byRule: rules,
    ...(ran ? { ran } : {}),
    ...(findings.length > 0 ? { findings } : {}),
  };
}
