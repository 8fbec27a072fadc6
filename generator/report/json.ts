import type { Formatter } from './types.js';

/** Machine output: one JSON object on stdout and nothing else. The shape is documented in the README. */
export const json: Formatter = {
  name: 'json',
  description: 'one JSON object: {"diagnostics":[...],"summary":{...}}',
  format(report) {
    const diagnostics = report.diagnostics.map((d) => ({
      rule: d.rule,
      severity: d.severity,
      message: d.message,
      ...(d.hint !== undefined ? { hint: d.hint } : {}),
      resource: d.resource
        ? { apiVersion: d.resource.apiVersion, kind: d.resource.kind, namespace: d.resource.namespace ?? null, name: d.resource.name }
        : null,
      cluster: d.cluster ?? null,
      file: d.file ?? null,
      line: d.line ?? null,
      column: d.column ?? null,
      source: d.source ?? null,
    }));
    return JSON.stringify({ diagnostics, summary: report.summary }, null, 2) + '\n';
  },
};
