/**
 * Table-driven rule tests in the manner of ESLint's RuleTester: each rule gets valid cases (expect no report) and
 * invalid cases (expect exactly these reports). Cases assert message ids, data, the resource and the field path,
 * never message text. Manifests go through the real loader, so paths are checked against real YAML positions.
 */
import { describe, expect, it } from 'vitest';
import { isMap, type Node } from 'yaml';
import { loadConfigString } from '../../generator/model/load.js';
import { findNode, formatPath } from '../../generator/diagnostics/positions.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { collectReports } from '../../generator/lint/engine.js';
import { manifestsFromText } from '../../generator/manifest/from-text.js';
import type { LintResource, Rule } from '../../policies/utils/rule.js';
import type { MeshModel } from '../../generator/model/types.js';

export interface RuleCase {
  readonly name: string;
  /**
   * Manifests per cluster name ('' for resources with no cluster): one YAML text, or texts by file path inside the
   * cluster folder (e.g. install/istiod-values.yaml, where Helm values live).
   */
  readonly clusters: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  /** An optional mesh.config.yaml text whose model the rule sees (VIP ranges, services, exports). */
  readonly config?: string;
}

export interface ExpectedReport {
  readonly messageId: string;
  /** `Kind namespace/name` or `Kind name`. */
  readonly resource: string;
  readonly cluster?: string;
  /** formatPath of the offending field, e.g. spec.http[0].route[1].destination.host */
  readonly path: string;
  readonly data?: Readonly<Record<string, string | number>>;
}

export interface InvalidCase extends RuleCase {
  readonly errors: readonly ExpectedReport[];
}

export interface LoadedCase {
  readonly resources: LintResource[];
  readonly sources: SourceRegistry;
  readonly model?: MeshModel;
}

export function loadCase(testCase: RuleCase): LoadedCase {
  const sources = new SourceRegistry();
  const resources: LintResource[] = [];
  for (const [cluster, content] of Object.entries(testCase.clusters)) {
    const files = typeof content === 'string' ? { 'case.yaml': content } : content;
    for (const [name, yaml] of Object.entries(files)) {
      const file = cluster === '' ? name : `clusters/${cluster}/${name}`;
      const loaded = manifestsFromText(file, yaml, { sources });
      if (!loaded.ok) throw new Error(`case '${testCase.name}': ${file} does not load: ${loaded.diagnostics.map((d) => `${d.rule}: ${d.message}`).join('; ')}`);
      resources.push(...loaded.value.map((r) => ({ ...r, cluster: r.cluster ?? '' })));
    }
  }
  let model: MeshModel | undefined;
  if (testCase.config !== undefined) {
    const config = loadConfigString(testCase.config, 'mesh.config.yaml', sources);
    if (!config.ok) throw new Error(`case '${testCase.name}': config does not load: ${config.diagnostics.map((d) => d.message).join('; ')}`);
    model = config.value.model;
  }
  return { resources, sources, ...(model ? { model } : {}) };
}

function describeResource(resource: LintResource): string {
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
}

function sortKey(report: { cluster?: string | undefined; resource: string; path: string; messageId: string }): string {
  return `${report.cluster ?? ''}|${report.resource}|${report.path}|${report.messageId}`;
}

/** Runs a rule on a case and returns its reports in the shape tests assert on. */
export function reportsFor(rule: Rule, testCase: RuleCase): ExpectedReport[] {
  const loaded = loadCase(testCase);
  const reports = collectReports(rule, loaded.resources, loaded.model);
  return reports.map((report) => {
    // The path must name a field that exists in the YAML, or the printed line would be wrong.
    const source = loaded.sources.get(report.resource.location.file)!;
    const document = source.documents[report.resource.location.docIndex ?? 0]!;
    const fullPath = [...(report.resource.location.path ?? []), ...report.path];
    const found = findNode(document.contents as Node | null, fullPath);
    if (!found.complete && !(report.path.length === 0 && isMap(document.contents))) throw new Error(`rule ${rule.meta.id} reported path ${formatPath(report.path)}, which does not exist in ${describeResource(report.resource)}`);
    return {
      messageId: report.messageId,
      resource: describeResource(report.resource),
      ...(report.resource.cluster !== '' ? { cluster: report.resource.cluster } : {}),
      path: formatPath(report.path),
      ...(report.data ? { data: { ...report.data } } : {}),
    };
  });
}

export function runRuleTests(rule: Rule, cases: { readonly valid: readonly RuleCase[]; readonly invalid: readonly InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    it('has at least two valid and two invalid cases', () => {
      expect(cases.valid.length).toBeGreaterThanOrEqual(2);
      expect(cases.invalid.length).toBeGreaterThanOrEqual(2);
    });
    for (const testCase of cases.valid) {
      it(`valid: ${testCase.name}`, () => {
        expect(reportsFor(rule, testCase)).toEqual([]);
      });
    }
    for (const testCase of cases.invalid) {
      it(`invalid: ${testCase.name}`, () => {
        expect(testCase.errors.length).toBeGreaterThan(0);
        const actual = reportsFor(rule, testCase);
        for (const report of testCase.errors) expect(rule.meta.messages[report.messageId], `messageId ${report.messageId}`).toBeDefined();
        // Data is compared only where the case states it, as ESLint does.
        const normalized = actual.map((report) => {
          const match = testCase.errors.find((e) => e.messageId === report.messageId && e.resource === report.resource && e.path === report.path && (e.cluster ?? '') === (report.cluster ?? ''));
          if (match && match.data === undefined) {
            const { data: _data, ...rest } = report;
            return rest;
          }
          return report;
        });
        const sort = (list: readonly ExpectedReport[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
        expect(sort(normalized)).toEqual(sort(testCase.errors));
      });
    }
  });
}
