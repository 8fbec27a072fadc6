import type { Diagnostic } from '../diagnostics/types.js';
import { compareText } from './resources.js';
import type { CheckSummary, RuleCount } from './types.js';

/**
 * Counts diagnostics per rule for the PR body. `suppressed` lists the rule of each finding that an annotation or a
 * policies.exceptions entry silenced (or just their number when the rules are not known).
 */
export function summarizeDiagnostics(
  diagnostics: readonly Pick<Diagnostic, 'rule' | 'severity'>[],
  suppressed: readonly string[] | number = 0,
  ran?: readonly string[],
): CheckSummary {
  const byRule = new Map<string, { errors: number; warnings: number; infos: number; suppressed: number }>();
  const entry = (rule: string) => {
    let counts = byRule.get(rule);
    if (!counts) byRule.set(rule, (counts = { errors: 0, warnings: 0, infos: 0, suppressed: 0 }));
    return counts;
  };
  for (const d of diagnostics) {
    const counts = entry(d.rule);
    if (d.severity === 'error') counts.errors += 1;
    else if (d.severity === 'warning') counts.warnings += 1;
    else counts.infos += 1;
  }
  if (typeof suppressed !== 'number') for (const rule of suppressed) entry(rule).suppressed += 1;
  const rules: RuleCount[] = [...byRule.entries()].map(([rule, counts]) => ({ rule, ...counts })).sort((a, b) => compareText(a.rule, b.rule));
  const total = (field: 'errors' | 'warnings' | 'infos' | 'suppressed') => rules.reduce((sum, r) => sum + r[field], 0);
  return {
    errors: total('errors'),
    warnings: total('warnings'),
    infos: total('infos'),
    suppressed: typeof suppressed === 'number' ? suppressed : total('suppressed'),
    byRule: rules,
    ...(ran ? { ran } : {}),
  };
}
