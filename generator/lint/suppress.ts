import type { Diagnostic } from '../diagnostics/types.js';
import type { ManifestResource } from '../manifest/types.js';
import type { PolicyException } from '../model/types.js';
import { asString, get } from '../manifest/access.js';
import { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION } from '../manifest/vocabulary.js';

export interface AnnotationSuppression {
  /** Rule ids listed in the annotation. */
  readonly rules: readonly string[];
  /** The reason annotation, trimmed; '' when absent. */
  readonly reason: string;
}

/** Reads `meshforge.io/suppress: "rule-a, rule-b"` and its reason from a resource. */
export function annotationSuppression(resource: ManifestResource): AnnotationSuppression | undefined {
  const value = asString(get(resource.object, 'metadata', 'annotations', SUPPRESS_ANNOTATION));
  if (value === undefined) return undefined;
  const rules = value
    .split(/[,\s]+/)
    .map((rule) => rule.trim())
    .filter((rule) => rule !== '');
  const reason = (asString(get(resource.object, 'metadata', 'annotations', SUPPRESS_REASON_ANNOTATION)) ?? '').trim();
  return { rules, reason };
}

/** `name: web-*` matches every name starting with web-; without a trailing '*' the match is exact. */
function nameMatches(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (value === undefined) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

/** Whether a policies.exceptions entry covers a finding. */
export function exceptionMatches(exception: PolicyException, diagnostic: Diagnostic): boolean {
  if (exception.rule !== diagnostic.rule && exception.rule !== '*') return false;
  const resource = diagnostic.resource;
  if (exception.cluster !== undefined && exception.cluster !== '*' && exception.cluster !== diagnostic.cluster) return false;
  if (exception.kind !== undefined && exception.kind !== resource?.kind) return false;
  if (!nameMatches(exception.namespace, resource?.namespace)) return false;
  return nameMatches(exception.name, resource?.name);
}
