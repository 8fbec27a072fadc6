import { packageVersion } from '../core/paths.js';
import type { Formatter, PrintedDiagnostic, PrintedSuppression, Report } from './types.js';

/** SARIF 2.1.0 (OASIS): what GitHub code scanning and other result viewers read. */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** Relative POSIX paths stay relative (resolved against the checkout by viewers); absolute ones become file: URIs. */
function artifactUri(file: string): string {
  const encoded = file
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return file.startsWith('/') ? `file://${encoded}` : encoded;
}

function hasArtifact(file: string | undefined): file is string {
  return file !== undefined && file !== '<stdin>';
}

function region(d: { line?: number; column?: number; endLine?: number; endColumn?: number }): Record<string, number> | undefined {
  if (d.line === undefined) return undefined;
  return {
    startLine: d.line,
    ...(d.column !== undefined ? { startColumn: d.column } : {}),
    ...(d.endLine !== undefined ? { endLine: d.endLine } : {}),
    ...(d.endColumn !== undefined ? { endColumn: d.endColumn } : {}),
  };
}

function result(d: PrintedDiagnostic, ruleIndex: ReadonlyMap<string, number>, suppression?: PrintedSuppression): Record<string, unknown> {
  const resource = d.resource ? `${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ''}${d.resource.name}` : undefined;
  const at = region(d);
  const location = hasArtifact(d.file)
    ? {
        physicalLocation: { artifactLocation: { uri: artifactUri(d.file) }, ...(at ? { region: at } : {}) },
        ...(resource ? { logicalLocations: [{ name: d.resource!.name, kind: 'resource', fullyQualifiedName: `${d.cluster ? `${d.cluster}/` : ''}${resource}` }] } : {}),
      }
    : undefined;
  const index = ruleIndex.get(d.rule);
  return {
    ruleId: d.rule,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}\nHint: ${d.hint}` : d.message },
    ...(location ? { locations: [location] } : {}),
    ...(d.source || d.related
      ? {
          relatedLocations: [
            ...(d.source ? [{ message: { text: 'generated from this mesh config node' }, physicalLocation: { artifactLocation: { uri: artifactUri(d.source.file) }, region: { startLine: d.source.line, startColumn: d.source.column } } }] : []),
            ...(d.related ?? []).map((r) => ({ message: { text: r.message }, physicalLocation: { artifactLocation: { uri: artifactUri(r.file) }, region: { startLine: r.line, startColumn: r.column } } })),
          ].map((location, i) => ({ id: i + 1, ...location })),
        }
      : {}),
    ...(suppression ? { suppressions: [{ kind: suppression.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: suppression.reason }] } : {}),
    ...(d.cluster !== undefined || resource !== undefined ? { properties: { ...(d.cluster !== undefined ? { cluster: d.cluster } : {}), ...(resource ? { resource } : {}) } } : {}),
  };
}

function rulesOf(report: Report): { id: string; description?: string; level: 'error' | 'warning' | 'note'; docs?: string }[] {
  const listed = new Map<string, { id: string; description?: string; level: 'error' | 'warning' | 'note'; docs?: string }>();
  for (const rule of report.rules ?? []) listed.set(rule.id, { id: rule.id, description: rule.description, level: LEVEL[rule.defaultSeverity], ...(rule.docs ? { docs: rule.docs } : {}) });
  for (const d of [...report.diagnostics, ...(report.suppressed ?? [])]) if (!listed.has(d.rule)) listed.set(d.rule, { id: d.rule, level: LEVEL[d.severity] });
  return [...listed.values()];
}

/** SARIF 2.1.0 log with one run; suppressed findings (when listed) carry SARIF suppressions. */
export const sarif: Formatter = {
  name: 'sarif',
  description: 'SARIF 2.1.0 JSON, for GitHub code scanning and other SARIF viewers',
  format(report) {
    const rules = rulesOf(report);
    const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
    const log = {
      $schema: SARIF_SCHEMA,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'meshforge',
              version: packageVersion(),
              rules: rules.map((rule) => ({
                id: rule.id,
                ...(rule.description ? { shortDescription: { text: rule.description } } : {}),
                ...(rule.docs ? { help: { text: `See ${rule.docs}, or run: meshforge explain ${rule.id}` } } : {}),
                defaultConfiguration: { level: rule.level },
              })),
            },
          },
          columnKind: 'unicodeCodePoints',
          results: [...report.diagnostics.map((d) => result(d, ruleIndex)), ...(report.suppressed ?? []).map((s) => result(s, ruleIndex, s))],
        },
      ],
    };
    return JSON.stringify(log, null, 2) + '\n';
  },
};
