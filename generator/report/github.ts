import type { Formatter, PrintedDiagnostic } from './types.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow command message text: %, CR and LF are the characters GitHub decodes. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally must not contain the separators ':' and ','. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(command: string, d: PrintedDiagnostic, title: string, text: string): string {
  const properties: string[] = [];
  if (d.file !== undefined && d.file !== '<stdin>') {
    properties.push(`file=${escapeProperty(d.file)}`);
    if (d.line !== undefined) properties.push(`line=${d.line}`);
    if (d.column !== undefined) properties.push(`col=${d.column}`);
    if (d.endLine !== undefined) properties.push(`endLine=${d.endLine}`);
    if (d.endColumn !== undefined && d.endLine === d.line) properties.push(`endColumn=${d.endColumn}`);
  }
  properties.push(`title=${escapeProperty(title)}`);
  return `::${command} ${properties.join(',')}::${escapeData(text)}`;
}

function subject(d: PrintedDiagnostic): string {
  return d.resource ? `${d.cluster ? `${d.cluster}: ` : ''}${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ''}${d.resource.name}: ` : '';
}

/** GitHub Actions workflow commands: each finding becomes an annotation on the file and line in the pull request. */
export const github: Formatter = {
  name: 'github',
  description: 'GitHub Actions annotations (::error file=...,line=...::message)',
  format(report) {
    const lines = report.diagnostics.map((d) => annotation(COMMAND[d.severity], d, `meshforge ${d.rule}`, `${subject(d)}${d.message}${d.source ? `\nfrom ${d.source.file}:${d.source.line}:${d.source.column}` : ''}${d.hint ? `\nhint: ${d.hint}` : ''}`));
    for (const s of report.suppressed ?? []) lines.push(annotation('notice', s, `meshforge ${s.rule} (suppressed)`, `${subject(s)}${s.message}\nsuppressed by ${s.by}: ${s.reason || '(no reason given)'}`));
    const { errors, warnings, infos, suppressed } = report.summary;
    lines.push(`meshforge ${report.command}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info, ${suppressed} suppressed`);
    return lines.join('\n') + '\n';
  },
};
