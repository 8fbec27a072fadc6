import type { Formatter, PrintedDiagnostic, PrintedSuppression } from './types.js';

/** Characters XML 1.0 cannot hold at all are dropped; markup characters are escaped. */
function xml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function where(d: PrintedDiagnostic): string {
  return `${d.file ?? '(no file)'}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}`;
}

function caseName(d: PrintedDiagnostic): string {
  const subject = d.resource ? ` ${d.cluster ? `${d.cluster}: ` : ''}${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ''}${d.resource.name}` : '';
  return `${d.rule}${subject}${d.line !== undefined ? ` (line ${d.line})` : ''}`;
}

/**
 * JUnit XML for CI test reports: one testsuite per file, one failing testcase per finding (type = severity),
 * suppressed findings (when listed) as skipped testcases.
 */
export const junit: Formatter = {
  name: 'junit',
  description: 'JUnit XML: a testsuite per file, a failed testcase per finding',
  format(report) {
    const suites = new Map<string, { failures: PrintedDiagnostic[]; skipped: PrintedSuppression[] }>();
    const suite = (file: string | undefined) => {
      const key = file ?? '(no file)';
      let entry = suites.get(key);
      if (!entry) suites.set(key, (entry = { failures: [], skipped: [] }));
      return entry;
    };
    for (const d of report.diagnostics) suite(d.file).failures.push(d);
    for (const s of report.suppressed ?? []) suite(s.file).skipped.push(s);
    const failures = report.diagnostics.length;
    const skipped = report.suppressed?.length ?? 0;
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="meshforge ${xml(report.command)}" tests="${failures + skipped}" failures="${failures}" errors="0" skipped="${skipped}">`];
    for (const [file, entry] of [...suites.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const tests = entry.failures.length + entry.skipped.length;
      lines.push(`  <testsuite name="${xml(file)}" tests="${tests}" failures="${entry.failures.length}" errors="0" skipped="${entry.skipped.length}">`);
      for (const d of entry.failures) {
        lines.push(`    <testcase classname="${xml(file)}" name="${xml(caseName(d))}">`);
        const body = `${where(d)}: ${d.severity}: ${d.message} [${d.rule}]${d.source ? `\nfrom ${d.source.file}:${d.source.line}:${d.source.column}` : ''}${d.hint ? `\nhint: ${d.hint}` : ''}`;
        lines.push(`      <failure message="${xml(d.message)}" type="${d.severity}">${xml(body)}</failure>`);
        lines.push('    </testcase>');
      }
      for (const s of entry.skipped) {
        lines.push(`    <testcase classname="${xml(file)}" name="${xml(caseName(s))}">`);
        lines.push(`      <skipped message="${xml(`suppressed by ${s.by}: ${s.reason || '(no reason given)'} - ${s.message}`)}"/>`);
        lines.push('    </testcase>');
      }
      lines.push('  </testsuite>');
    }
    lines.push('</testsuites>');
    return lines.join('\n') + '\n';
  },
};
