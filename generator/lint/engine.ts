import type { DocPath, Diagnostic, DiagnosticId, Severity } from '../diagnostics/types.js';
import type { ManifestResource } from '../manifest/types.js';
import type { MeshModel, PolicyException } from '../model/types.js';
import { nearest } from '../config/suggest.js';
import { RULES } from '../../policies/index.js';
import { ENGINE_CHECKS } from './engine-checks.js';
import { interpolate, UndeclaredKindError, type LintResource, type MessageData, type Rule, type RuleContext } from '../../policies/utils/rule.js';
import { annotationSuppression, exceptionMatches } from './suppress.js';
import { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION } from '../manifest/vocabulary.js';

export type SeveritySetting = Severity | 'off';

export interface PolicyRunOptions {
  readonly model?: MeshModel;
  readonly severity?: Readonly<Record<string, SeveritySetting>>;
  readonly exceptions?: readonly PolicyException[];
  /** The rules to run; every registered rule when omitted. */
  readonly rules?: readonly Rule[];
}

export interface SuppressedFinding {
  readonly diagnostic: Diagnostic;
  readonly by: 'annotation' | 'exception';
  readonly reason: string;
}

export interface PolicyRunResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly suppressed: readonly SuppressedFinding[];
}

/** What a rule reported, before severities and suppressions: what rule tests assert on. */
export interface RuleReport {
  readonly rule: string;
  readonly messageId: string;
  readonly data?: MessageData;
  readonly resource: LintResource;
  readonly path: DocPath;
}

/** kustomize's own file lists resources; it is not one, and no rule reads it. */
export function isKustomization(resource: ManifestResource): boolean {
  return resource.apiVersion.startsWith('kustomize.config.k8s.io/');
}

function tagClusters(resources: readonly ManifestResource[]): LintResource[] {
  return resources.filter((r) => !isKustomization(r)).map((r) => (r.cluster !== undefined ? (r as LintResource) : { ...r, cluster: '' }));
}

/** What every rule's context shares: computed once per run instead of once per rule (23 passes over 200,000 resources). */
export interface ResourceIndex {
  readonly resources: readonly LintResource[];
  readonly byKind: ReadonlyMap<string, readonly LintResource[]>;
  readonly clusters: readonly string[];
}

export function indexResources(resources: readonly LintResource[]): ResourceIndex {
  const byKind = new Map<string, LintResource[]>();
  const clusters = new Set<string>();
  for (const resource of resources) {
    clusters.add(resource.cluster);
    const list = byKind.get(resource.kind);
    if (list) list.push(resource);
    else byKind.set(resource.kind, [resource]);
  }
  return { resources, byKind, clusters: [...clusters].sort() };
}

/** Runs one rule and returns its raw reports. The context enforces meta.kinds. */
export function collectReports(rule: Rule, resources: readonly LintResource[] | ResourceIndex, model?: MeshModel): RuleReport[] {
  const index = 'byKind' in resources ? resources : indexResources(resources);
  const declared = new Set(rule.meta.kinds);
  const everything = declared.has('*');
  // Input order, which findings keep: built only if the rule asks for all of its kinds at once.
  let visible: readonly LintResource[] | undefined = everything ? index.resources : undefined;
  const reports: RuleReport[] = [];
  const context: RuleContext = {
    ruleId: rule.meta.id,
    clusters: index.clusters,
    ...(model ? { model } : {}),
    resources(kind?: string) {
      if (kind === undefined) return (visible ??= index.resources.filter((r) => declared.has(r.kind)));
      if (!everything && !declared.has(kind)) throw new UndeclaredKindError(rule.meta.id, kind);
      return index.byKind.get(kind) ?? [];
    },
    report(descriptor) {
      if (!(descriptor.messageId in rule.meta.messages)) throw new Error(`rule ${rule.meta.id} reported unknown messageId '${descriptor.messageId}'`);
      reports.push({ rule: rule.meta.id, messageId: descriptor.messageId, ...(descriptor.data ? { data: descriptor.data } : {}), resource: descriptor.resource, path: descriptor.path });
    },
  };
  rule.check(context);
  return reports;
}

function diagnosticAt(resource: ManifestResource, path: DocPath, fields: { rule: DiagnosticId; severity: Severity; message: string; hint?: string }): Diagnostic {
  return {
    ...fields,
    resource: { apiVersion: resource.apiVersion, kind: resource.kind, ...(resource.namespace !== undefined ? { namespace: resource.namespace } : {}), name: resource.name },
    ...(resource.cluster !== undefined && resource.cluster !== '' ? { cluster: resource.cluster } : {}),
    location: { file: resource.location.file, ...(resource.location.docIndex !== undefined ? { docIndex: resource.location.docIndex } : {}), path: [...(resource.location.path ?? []), ...path] },
    ...(resource.origin ? { origin: resource.origin } : {}),
  };
}

function severityFor(id: string, fallback: Severity, overrides: PolicyRunOptions['severity']): SeveritySetting {
  return overrides?.[id] ?? fallback;
}

/** Annotations that suppress without saying why, or name rules that do not exist: findings of their own. */
function suppressionProblems(resources: readonly LintResource[], knownRules: ReadonlySet<string>, overrides: PolicyRunOptions['severity']): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reasonCheck = ENGINE_CHECKS.find((c) => c.id === 'suppression-reason')!;
  const unknownCheck = ENGINE_CHECKS.find((c) => c.id === 'suppression-unknown-rule')!;
  const reasonSeverity = severityFor(reasonCheck.id, reasonCheck.defaultSeverity, overrides);
  const unknownSeverity = severityFor(unknownCheck.id, unknownCheck.defaultSeverity, overrides);
  for (const resource of resources) {
    const suppression = annotationSuppression(resource);
    if (!suppression) continue;
    if (suppression.reason === '' && reasonSeverity !== 'off') {
      out.push(
        diagnosticAt(resource, ['metadata', 'annotations', SUPPRESS_ANNOTATION], {
          rule: reasonCheck.id,
          severity: reasonSeverity,
          message: `${SUPPRESS_ANNOTATION} silences ${suppression.rules.join(', ') || 'nothing'} without a ${SUPPRESS_REASON_ANNOTATION} annotation`,
          hint: `Add the annotation ${SUPPRESS_REASON_ANNOTATION}: "<why this is acceptable>" beside it.`,
        }),
      );
    }
    if (unknownSeverity === 'off') continue;
    for (const id of suppression.rules) {
      if (knownRules.has(id)) continue;
      const suggestion = nearest(id, knownRules);
      out.push(
        diagnosticAt(resource, ['metadata', 'annotations', SUPPRESS_ANNOTATION], {
          rule: unknownCheck.id,
          severity: unknownSeverity,
          message: `${SUPPRESS_ANNOTATION} names unknown rule '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
          hint: 'List rule ids as printed in brackets by `meshforge lint`; `meshforge explain RULE` shows each.',
        }),
      );
    }
  }
  return out;
}

/**
 * Runs the policy rules over every cluster's resources at once. Pure: the same input gives the same result, and
 * nothing is read or written. Rule findings get their severity override, then annotation and config suppressions.
 */
export function runPolicies(resources: readonly ManifestResource[], options: PolicyRunOptions = {}): PolicyRunResult {
  const tagged = tagClusters(resources);
  const rules = options.rules ?? RULES;
  const exceptions = options.exceptions ?? options.model?.policies.exceptions ?? [];
  const overrides = options.severity ?? options.model?.policies.severity;
  const diagnostics: Diagnostic[] = [];
  const suppressed: SuppressedFinding[] = [];
  const knownRules = new Set([...RULES.map((r) => r.meta.id), ...rules.map((r) => r.meta.id), ...ENGINE_CHECKS.map((c) => c.id)]);
  const index = indexResources(tagged);

  for (const rule of rules) {
    const severity = severityFor(rule.meta.id, rule.meta.defaultSeverity, overrides);
    if (severity === 'off') continue;
    let reports: RuleReport[];
    try {
      reports = collectReports(rule, index, options.model);
    } catch (error) {
      if (error instanceof UndeclaredKindError) throw error;
      // One rule tripping over an unexpected shape must not hide every other rule's findings.
      diagnostics.push({ rule: 'rule-failed', severity: 'error', message: `rule ${rule.meta.id} failed: ${(error as Error).message}`, hint: 'This is a bug in meshforge; please report it with the input that triggers it.' });
      continue;
    }
    for (const report of reports) {
      const message = rule.meta.messages[report.messageId]!;
      const diagnostic = diagnosticAt(report.resource, report.path, {
        rule: rule.meta.id,
        severity,
        message: interpolate(message.message, report.data),
        hint: interpolate(message.hint, report.data),
      });
      const annotation = annotationSuppression(report.resource);
      if (annotation && annotation.rules.includes(rule.meta.id)) {
        suppressed.push({ diagnostic, by: 'annotation', reason: annotation.reason });
        continue;
      }
      const exception = exceptions.find((e) => exceptionMatches(e, diagnostic));
      if (exception) {
        suppressed.push({ diagnostic, by: 'exception', reason: exception.reason });
        continue;
      }
      diagnostics.push(diagnostic);
    }
  }
  diagnostics.push(...suppressionProblems(tagged, knownRules, overrides));
  return { diagnostics, suppressed };
}

/** Rule ids that may be named in --rule, severity overrides, suppressions and `meshforge explain`. */
export function allRuleIds(): string[] {
  return [...RULES.map((r) => r.meta.id), ...ENGINE_CHECKS.map((c) => c.id)];
}

/** A did-you-mean for an unknown rule id. */
export function suggestRule(id: string): string | undefined {
  return nearest(id, allRuleIds());
}

export { SUPPRESS_ANNOTATION, SUPPRESS_REASON_ANNOTATION };
