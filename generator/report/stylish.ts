import { palette } from './color.js';
import type { Formatter, PrintedDiagnostic } from './types.js';

const FRAME_WIDTH = 160;
const FRAME_CONTEXT = 60;

function frame(d: PrintedDiagnostic, dim: (t: string) => string, mark: (t: string) => string): string[] {
  if (d.lineText === undefined || d.line === undefined || d.column === undefined) return [];
  const gutter = String(d.line).length;
  // Tabs would misplace the caret; show them as one space each.
  const full = d.lineText.replace(/\t/g, ' ');
  // A one-line file (minified JSON, a flow-style bomb) would print whole: show a window around the column.
  const start = full.length > FRAME_WIDTH ? Math.max(0, Math.min(d.column - 1 - FRAME_CONTEXT, full.length - FRAME_WIDTH)) : 0;
  const end = Math.min(full.length, start + FRAME_WIDTH);
  const text = `${start > 0 ? '…' : ''}${full.slice(start, end)}${end < full.length ? '…' : ''}`;
  const column = d.column - start + (start > 0 ? 1 : 0);
  const width = d.endLine === d.line && d.endColumn !== undefined ? Math.max(1, d.endColumn - d.column) : 1;
  const caret = ' '.repeat(Math.max(0, column - 1)) + '^'.repeat(Math.min(width, Math.max(1, text.length - column + 1)));
  return [`  ${dim(`${d.line} |`)} ${text}`, `  ${dim(`${' '.repeat(gutter)} |`)} ${mark(caret)}`];
}

/** Human output: grouped by file, a code frame under each finding, a summary line. */
export const stylish: Formatter = {
  name: 'stylish',
  description: 'human-readable, grouped by file, with the offending line and a caret (default)',
  format(report, { color }) {
    const c = palette(color);
    const lines: string[] = [];
    let currentFile: string | undefined;
    for (const d of report.diagnostics) {
      if (d.file !== currentFile) {
        if (lines.length > 0) lines.push('');
        currentFile = d.file;
        if (d.file !== undefined) lines.push(c.bold(c.blue(d.file)));
      }
      const severity = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
      const where = d.file !== undefined ? `${d.file}${d.line !== undefined ? `:${d.line}:${d.column}` : ''}` : '(no file)';
      const subject = d.resource ? ` ${c.dim(`${d.cluster ? `${d.cluster}: ` : ''}${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ''}${d.resource.name}`)}` : '';
      lines.push(`${where}: ${severity}: ${d.message} ${c.dim(`[${d.rule}]`)}${subject}`);
      lines.push(...frame(d, c.dim, d.severity === 'error' ? c.red : c.yellow));
      if (d.source) lines.push(`  ${c.dim('from')} ${d.source.file}:${d.source.line}:${d.source.column}`);
      for (const r of d.related ?? []) lines.push(`  ${c.dim(`${r.message}:`)} ${r.file}:${r.line}:${r.column}`);
      if (d.hint) lines.push(`  ${c.dim('hint:')} ${d.hint}`);
    }
    if (report.suppressed && report.suppressed.length > 0) {
      if (lines.length > 0) lines.push('');
      lines.push(c.bold('Suppressed findings'));
      for (const s of report.suppressed) {
        const where = s.file !== undefined ? `${s.file}${s.line !== undefined ? `:${s.line}:${s.column}` : ''}` : '(no file)';
        lines.push(`${where}: ${c.dim('suppressed')}: ${s.message} ${c.dim(`[${s.rule}]`)} ${c.dim(`by ${s.by}: ${s.reason || '(no reason given)'}`)}`);
      }
    }
    const { errors, warnings, infos, suppressed } = report.summary;
    const total = errors + warnings + infos;
    if (total > 0 || suppressed > 0) {
      if (lines.length > 0) lines.push('');
      const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
      if (infos > 0) parts.push(`${infos} info`);
      if (suppressed > 0) parts.push(`${suppressed} suppressed`);
      const line = `${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')})`;
      lines.push(errors > 0 ? c.red(c.bold(line)) : warnings > 0 ? c.yellow(c.bold(line)) : line);
    }
    return lines.length > 0 ? lines.join('\n') + '\n' : '';
  },
};
