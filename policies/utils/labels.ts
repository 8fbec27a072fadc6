import { asRecord, get } from '../../generator/manifest/access.js';

/** Namespace labels that choose the data plane. */
export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export { DATAPLANE_MODE_LABEL } from '../../generator/core/gateway-api.js';

/** The labels of a resource, as strings. */
export function labelsOf(object: unknown): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(asRecord(get(object, 'metadata', 'labels'))).map(([k, v]) => [k, String(v)]));
}

export { GLOBAL_SERVICE_LABEL, NETWORK_LABEL, USE_WAYPOINT_LABEL, USE_WAYPOINT_NAMESPACE_LABEL } from '../../generator/core/gateway-api.js';

/**
 * Whether a Kubernetes LabelSelector (matchLabels and matchExpressions In, NotIn, Exists, DoesNotExist) selects
 * `labels`. An absent or empty selector selects everything, as Istio treats serviceScopeConfigs selectors.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const matchLabels = asRecord(get(selector, 'matchLabels'));
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== String(value)) return false;
  const expressions = get(selector, 'matchExpressions');
  if (!Array.isArray(expressions)) return true;
  for (const expression of expressions) {
    const key = String(get(expression, 'key') ?? '');
    const operator = String(get(expression, 'operator') ?? '');
    const valuesField = get(expression, 'values');
    const values = Array.isArray(valuesField) ? valuesField.map(String) : [];
    const has = Object.hasOwn(labels, key);
    if (operator === 'In' && !(has && values.includes(labels[key]!))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key]!)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
