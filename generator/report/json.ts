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
      ...(d.related ? { related: d.related } : {}),
    }));
    // Listed only on request (lint --list-suppressed), so the documented shape is unchanged otherwise.
    const suppressed = report.suppressed?.map((s) => ({
      rule: s.rule,
      severity: s.severity,
      message: s.message,
      resource: s.resource ? { apiVersion: s.resource.apiVersion, kind: s.resource.kind, namespace: s.resource.namespace ?? null, name: s.resource.name } : null,
      cluster: s.cluster ?? null,
      file: s.file ?? null,
      line: s.line ?? null,
      column: s.column ?? null,
      by: s.by,
      reason: s.reason,
    }));
    return JSON.stringify({ diagnostics, summary: report.summary, ...(suppressed ? { suppressed } : {}) }, null, 2) + '\n';
  },
};
