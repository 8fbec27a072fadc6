import type { Diagnostic } from '../diagnostics/types.js';
import type { MeshModel } from '../model/types.js';
import { allRuleIds, suggestRule } from './engine.js';

/** Rule ids named in policies.severity and policies.exceptions that do not exist: a typo there silences nothing. */
export function unknownPolicyRules(model: MeshModel): Diagnostic[] {
  const known = new Set(allRuleIds());
  const out: Diagnostic[] = [];
  const warn = (id: string, path: (string | number)[], target: 'key' | 'value') => {
    const suggestion = suggestRule(id);
    out.push({
      rule: 'policy-unknown-rule',
      severity: 'warning',
      message: `policies names unknown rule '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      hint: 'Use a rule id listed by `meshforge explain`.',
      location: { file: model.configFile, path, target },
    });
  };
  for (const id of Object.keys(model.policies.severity)) if (!known.has(id)) warn(id, ['policies', 'severity', id], 'key');
  model.policies.exceptions.forEach((exception) => {
    if (!known.has(exception.rule) && exception.rule !== '*') warn(exception.rule, [...exception.origin, 'rule'], 'value');
  });
  return out;
}

