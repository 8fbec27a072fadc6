import { compareText } from './resources.js';
import type { ChangePlan, CheckSummary, ClusterChanges, FileChange } from './types.js';

/** Hidden marker that identifies meshforge's pull request body (and any comment meshforge owns). */
export const PR_MARKER = '<!-- meshforge:pr -->';
/** Hidden marker of meshforge's "since the previous push" comment, updated in place on every push. */
export const UPDATE_MARKER = '<!-- meshforge:update -->';
/** GitHub rejects a pull request body or comment longer than this (HTTP 422). */
export const GITHUB_BODY_LIMIT = 65_536;
/**
 * Default budget: below GitHub's limit with room to spare, because GitHub may count characters differently from
 * JavaScript's UTF-16 length (and may store line ends as CRLF).
 */
export const DEFAULT_MAX_LENGTH = 64_000;

export interface MarkdownOptions {
  /** Top heading. */
  readonly title?: string;
  /** A paragraph under the heading (what generated this, from which config). */
  readonly intro?: string;
  /** Policy and validation outcome; absent renders "not run". */
  readonly checks?: CheckSummary;
  /** Leave the policy section out (the update comment: the body has it). */
  readonly omitChecks?: boolean;
  /** Hidden marker placed on the first line; false for none. */
  readonly marker?: string | false;
  /** Maximum length of the whole text, in UTF-16 code units. */
  readonly maxLength?: number;
  /** Where the full change can be seen, shown when something was cut (e.g. a `git diff` command). */
  readonly fullDiffHint?: string;
}

/** A diff group's share of what was left out. `label` is the cluster name, or "other files". */
export interface DiffCut {
  readonly label: string;
  /** Files whose whole diff was left out. */
  readonly omittedFiles: readonly string[];
  /** A file whose diff was cut part-way, and how many of its diff lines were left out. */
  readonly partial?: { readonly path: string; readonly linesCut: number };
}

/** What was cut to stay under the limit, in the order it is cut: diffs, then table rows, then a hard cut. */
export interface Truncation {
  readonly diffs: readonly DiffCut[];
  readonly rowsCut: number;
  /** Last resort when even the shortest form is too long: the text was cut at the limit. */
  readonly hardCut: boolean;
}

export interface MarkdownResult {
  readonly markdown: string;
  /** Undefined when nothing was cut. */
  readonly truncation?: Truncation;
}

const OTHER_FILES = 'other files';
const NO_CLUSTER = 'fleet-wide';
const FLEET_WIDE_LABEL = 'fleet-wide';
// A partial diff below this size shows too little to be worth it.
const MIN_PARTIAL_DIFF = 400;
const MAX_LISTED_CUT_FILES = 8;
const ROW_LIMITS = [200, 50, 10, 0];

interface DiffGroup {
  readonly label: string;
  readonly patches: readonly { readonly path: string; readonly patch: string }[];
}

interface Limits {
  /** Characters of patch text allowed in the whole body (Infinity: everything). */
  readonly diffBudget: number;
  /** Table rows per section (Infinity: everything). */
  readonly maxRows: number;
}

interface Composed {
  readonly text: string;
  readonly diffs: readonly DiffCut[];
  readonly rowsCut: number;
}

/**
 * The change plan as GitHub-flavoured markdown: a summary table, per-cluster resource tables, a collapsible
 * unified diff per cluster, the VIP ledger changes, the policy and validation summary, and the hidden marker.
 * Stays within `maxLength`: diffs are cut first, then table rows; a note says what was cut.
 */
export function renderMarkdown(plan: ChangePlan, options: MarkdownOptions = {}): MarkdownResult {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const groups = diffGroups(plan);
  const compose = (limits: Limits) => composeMarkdown(plan, options, groups, limits);
  const result = (composed: Composed, hardCut = false): MarkdownResult => {
    const cutSomething = composed.diffs.length > 0 || composed.rowsCut > 0 || hardCut;
    return cutSomething ? { markdown: composed.text, truncation: { diffs: composed.diffs, rowsCut: composed.rowsCut, hardCut } } : { markdown: composed.text };
  };

  const full = compose({ diffBudget: Infinity, maxRows: Infinity });
  if (full.text.length <= maxLength) return result(full);

  const withoutDiffs = compose({ diffBudget: 0, maxRows: Infinity });
  if (withoutDiffs.text.length <= maxLength) {
    // Give the diffs what is left; wrappers and notes are not in the budget, so shrink until it fits.
    let budget = maxLength - withoutDiffs.text.length;
    for (let attempt = 0; attempt < 30 && budget > 0; attempt += 1) {
      const candidate = compose({ diffBudget: budget, maxRows: Infinity });
      if (candidate.text.length <= maxLength) return result(candidate);
      budget -= candidate.text.length - maxLength + 64;
    }
    return result(withoutDiffs);
  }
  for (const maxRows of ROW_LIMITS) {
    const candidate = compose({ diffBudget: 0, maxRows });
    if (candidate.text.length <= maxLength) return result(candidate);
  }
  const shortest = compose({ diffBudget: 0, maxRows: 0 });
  return result({ ...shortest, text: hardCut(shortest.text, maxLength) }, true);
}

function composeMarkdown(plan: ChangePlan, options: MarkdownOptions, groups: readonly DiffGroup[], limits: Limits): Composed {
  const allocation = allocateDiffs(groups, limits.diffBudget);
  let rowsCut = 0;
  const limitRows = (rows: readonly string[]): string[] => {
    if (rows.length <= limits.maxRows) return [...rows];
    const kept = rows.slice(0, limits.maxRows);
    rowsCut += rows.length - kept.length;
    return kept;
  };

  const out: string[] = [];
  const marker = options.marker === undefined ? PR_MARKER : options.marker;
  if (marker) out.push(marker);
  out.push(`## ${options.title ?? 'meshforge: generated changes'}`, '');
  if (options.intro) out.push(options.intro, '');

  if (!plan.hasChanges) out.push('No changes: the generated tree, the VIP ledger and the config are up to date.', '');
  else out.push(...kindTable(plan, limitRows), '');

  // Sections render first so the note can report every cut, then the note goes near the top where reviewers look.
  const sections: string[] = [];
  sections.push(...vipSection(plan, limitRows));
  if (!options.omitChecks) sections.push(...checksSection(options.checks, limitRows));
  sections.push(...sourcesSection(plan, limitRows));
  if (plan.clusters.length > 0 || plan.extraFiles.length > 0) sections.push('### Details', '');
  for (const cluster of plan.clusters) {
    const label = clusterLabel(cluster);
    sections.push(...clusterDetails(cluster, limitRows, allocation.get(label)));
  }
  if (plan.extraFiles.length > 0) {
    const files = plan.extraFiles.map((f) => ({ ...f, additions: countLines(f.patch, '+'), deletions: countLines(f.patch, '-') }));
    sections.push(...detailsBlock(`Other files: ${plan.extraFiles.map((f) => `${f.path} ${f.change}`).join(', ')}`, [], files, allocation.get(OTHER_FILES)));
  }

  const diffs = [...allocation.values()].map((a) => a.cut).filter((cut): cut is DiffCut => cut !== undefined);
  if (diffs.length > 0 || rowsCut > 0) out.push(...truncationNote(diffs, rowsCut, options.fullDiffHint), '');
  out.push(...sections);
  return { text: `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`, diffs, rowsCut };
}

/** The ten-second view: resources added, changed and removed per cluster and kind, then the file totals. */
function kindTable(plan: ChangePlan, limitRows: (rows: readonly string[]) => string[]): string[] {
  const rows: string[] = [];
  for (const cluster of plan.clusters) {
    const name = cluster.cluster === undefined ? FLEET_WIDE_LABEL : code(cluster.cluster);
    if (cluster.byKind.length === 0) rows.push(`| ${name} | _no resource changes_ |  |  |  |`);
    for (const kind of cluster.byKind) rows.push(`| ${name} | ${code(kind.kind)} | ${cell(kind.added)} | ${cell(kind.changed)} | ${cell(kind.removed)} |`);
  }
  const lines = ['| Cluster | Kind | Added | Changed | Removed |', '| --- | --- | ---: | ---: | ---: |'];
  const kept = limitRows(rows);
  lines.push(...kept);
  const t = plan.totals;
  if (plan.clusters.length > 0) lines.push(`| **total** |  | **${t.added}** | **${t.changed}** | **${t.removed}** |`);
  if (kept.length < rows.length) lines.push('', `…and ${rows.length - kept.length} more rows (left out for length).`);
  const files = plan.clusters.reduce((sum, c) => ({ added: sum.added + c.fileCounts.added, changed: sum.changed + c.fileCounts.changed, removed: sum.removed + c.fileCounts.removed }), { added: 0, changed: 0, removed: 0 });
  lines.push(
    '',
    `Resources are counted by kind, namespace and name under the cluster they deploy to (Argo CD and Flux objects included). Files: ${files.added} added, ${files.changed} changed, ${files.removed} removed; ${plan.unchangedFiles} unchanged.`,
  );
  if (plan.bookkeeping.length > 0) lines.push(`meshforge's own index: ${plan.bookkeeping.map((b) => `${code(b.path)} ${b.change}`).join(', ')}.`);
  return plan.clusters.length > 0 ? lines : lines.slice(-1);
}

function cell(count: number): string {
  return count === 0 ? '' : String(count);
}

/** Per cluster, collapsed: its resource changes and the unified diff of its files. */
function clusterDetails(cluster: ClusterChanges, limitRows: (rows: readonly string[]) => string[], allocated: Allocation | undefined): string[] {
  const title = `${cluster.cluster ?? FLEET_WIDE_LABEL}: ${plural(cluster.resources.length, 'resource change')}`;
  let table: string[];
  if (cluster.resources.length === 0) {
    table = [`No resource changes: ${plural(cluster.files.length, 'file')} changed only in comments, formatting or layout.`];
  } else {
    const rows = cluster.resources.map((r) => `| ${r.change} | ${code(r.kind)} | ${r.namespace ? code(r.namespace) : ''} | ${code(r.name)} |`);
    const kept = limitRows(rows);
    table = ['| Change | Kind | Namespace | Name |', '| --- | --- | --- | --- |', ...kept];
    if (kept.length < rows.length) table.push('', `…and ${rows.length - kept.length} more resource changes (left out for length).`);
  }
  return detailsBlock(title, table, cluster.files, allocated);
}

function detailsBlock(title: string, table: readonly string[], files: readonly Pick<FileChange, 'path' | 'patch' | 'additions' | 'deletions'>[], allocated: Allocation | undefined): string[] {
  const included = allocated?.included ?? [];
  const additions = files.reduce((sum, f) => sum + f.additions, 0);
  const deletions = files.reduce((sum, f) => sum + f.deletions, 0);
  const stats = `${plural(files.length, 'file')}, +${additions} -${deletions}`;
  const lines = ['<details>', `<summary>${escapeHtml(title)} (${stats}${allocated?.cut ? ', diff shortened' : ''})</summary>`, ''];
  if (table.length > 0) lines.push(...table, '');
  if (files.length === 0) return [...lines, '</details>', ''];
  if (included.length === 0) return [...lines, '_The diff was left out for length; see the note at the top._', '', '</details>', ''];
  const body = included.join('\n').replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return [...lines, `${fence}diff`, body, fence, '', '</details>', ''];
}

/** VIPs allocated, released and moved (from the ledger change); other ledger entries follow in a collapsed table. */
function vipSection(plan: ChangePlan, limitRows: (rows: readonly string[]) => string[]): string[] {
  const ledger = plan.ledger;
  if (!ledger || !ledger.fileChanged) return [];
  const heading = `### VIPs (${code(ledger.path)})`;
  const lines = [heading, ''];
  if (plan.vips.length === 0) lines.push('No VIP allocated, released or moved.');
  else {
    const rows = plan.vips.map((v) => `| ${v.change} | ${code(v.cluster)} | ${code(v.host)} | ${v.change === 'moved' ? `${code(v.before ?? '')} → ${code(v.after ?? '')}` : code((v.after ?? v.before) as string)} |`);
    const kept = limitRows(rows);
    lines.push('| VIP | Client cluster | Host | Address |', '| --- | --- | --- | --- |', ...kept);
    if (kept.length < rows.length) lines.push('', `…and ${rows.length - kept.length} more VIP changes (left out for length).`);
    if (plan.vips.some((v) => v.change === 'released')) lines.push('', 'A released VIP stays reserved in the ledger and is not reused until `meshforge generate --reclaim`.');
    const moved = plan.vips.filter((v) => v.change === 'moved').length;
    if (moved > 0) lines.push('', `**${plural(moved, 'VIP')} moved.** A VIP that moves changes the address clients resolve: check this is intended.`);
  }
  const vipKeys = new Set(plan.vips.map((v) => `vips / ${v.cluster} / ${v.host}`));
  const other = ledger.changes.filter((c) => !vipKeys.has(c.key));
  if (other.length > 0) {
    const rows = other.map((c) => `| ${c.change} | ${code(c.key)} | ${c.before === undefined ? '' : code(c.before)} | ${c.after === undefined ? '' : code(c.after)} |`);
    const kept = limitRows(rows);
    lines.push('', '<details>', `<summary>Other ledger entries (${other.length})</summary>`, '', '| Change | Entry | Before | After |', '| --- | --- | --- | --- |', ...kept);
    if (kept.length < rows.length) lines.push('', `…and ${rows.length - kept.length} more ledger changes (left out for length).`);
    lines.push('', '</details>');
  }
  return [...lines, ''];
}

function checksSection(checks: CheckSummary | undefined, limitRows: (rows: readonly string[]) => string[]): string[] {
  const heading = '### Policy findings';
  if (!checks) return [heading, '', 'Not run.', ''];
  const ran = checks.ran && checks.ran.length > 0 ? ` (${checks.ran.join(', ')})` : '';
  const verdict = checks.errors > 0 ? 'Failing' : checks.warnings > 0 ? 'Passing with warnings' : 'Passing';
  const lines = [heading, '', `**${verdict}**${ran}: ${plural(checks.errors, 'error')}, ${plural(checks.warnings, 'warning')}, ${plural(checks.infos, 'info')}, ${checks.suppressed} suppressed.`];
  if (checks.findings && checks.findings.length > 0) {
    const rows = checks.findings.map((f) => `| ${f.severity} | ${code(f.rule)} | ${f.cluster ? code(f.cluster) : ''} | ${f.resource ? code(f.resource) : ''} | ${text(f.severity === 'suppressed' ? `${f.message} — suppressed: ${f.reason ?? 'no reason given'}` : f.message)} |`);
    const kept = limitRows(rows);
    lines.push('', '| Severity | Rule | Cluster | Resource | Finding |', '| --- | --- | --- | --- | --- |', ...kept);
    if (kept.length < rows.length) lines.push('', `…and ${rows.length - kept.length} more findings (left out for length).`);
  } else {
    const rules = checks.byRule.filter((r) => r.errors + r.warnings + r.infos + r.suppressed > 0);
    if (rules.length > 0) {
      const rows = rules.map((r) => `| ${code(r.rule)} | ${r.errors} | ${r.warnings} | ${r.infos} | ${r.suppressed} |`);
      const kept = limitRows(rows);
      lines.push('', '| Rule | Errors | Warnings | Infos | Suppressed |', '| --- | ---: | ---: | ---: | ---: |', ...kept);
      if (kept.length < rows.length) lines.push('', `…and ${rows.length - kept.length} more rules (left out for length).`);
    }
  }
  return [...lines, ''];
}

/** The config entries whose generated files change (from provenance: sources.ts), where they are, and what they touch. */
function sourcesSection(plan: ChangePlan, limitRows: (rows: readonly string[]) => string[]): string[] {
  const entries = new Map<string, { at?: string; clusters: Set<string>; files: number }>();
  for (const cluster of plan.clusters) {
    for (const file of cluster.files) {
      const key = file.source?.entry ?? '';
      let entry = entries.get(key);
      if (!entry) entries.set(key, (entry = { clusters: new Set(), files: 0 }));
      if (file.source?.at !== undefined) entry.at = file.source.at;
      entry.clusters.add(cluster.cluster ?? FLEET_WIDE_LABEL);
      entry.files += 1;
    }
  }
  if (entries.size === 0) return [];
  const lineOf = (at: string | undefined) => (at === undefined ? Infinity : Number(at.slice(at.lastIndexOf(':') + 1)) || Infinity);
  const sorted = [...entries.entries()].sort(([a, x], [b, y]) => (a === '' ? 1 : b === '' ? -1 : lineOf(x.at) - lineOf(y.at) || compareText(a, b)));
  const rows = sorted.map(([name, e]) => {
    const clusters = [...e.clusters].sort(compareText).map((c) => (c === FLEET_WIDE_LABEL ? c : code(c))).join(', ');
    return `| ${name === '' ? '_not traced_' : code(name)} | ${e.at !== undefined ? code(e.at) : name === '' ? '' : '_no longer in the config_'} | ${clusters} | ${e.files} |`;
  });
  const kept = limitRows(rows);
  const lines = ['### Config entries behind this change', '', '| Config entry | Where | Clusters | Files |', '| --- | --- | --- | --- |', ...kept];
  if (kept.length < rows.length) lines.push('', `…and ${rows.length - kept.length} more entries (left out for length).`);
  return [...lines, ''];
}

/** Table cell text: one line, pipes escaped, HTML-looking text made literal. */
function text(value: string): string {
  return escapeHtml(value.replace(/[\r\n]+/g, ' ')).replace(/\|/g, '\\|');
}

function truncationNote(diffs: readonly DiffCut[], rowsCut: number, fullDiffHint: string | undefined): string[] {
  const lines = ['> [!NOTE]', `> This description was shortened to stay under GitHub's ${GITHUB_BODY_LIMIT.toLocaleString('en-US')}-character limit. Left out:`];
  for (const cut of diffs) {
    const parts: string[] = [];
    if (cut.omittedFiles.length > 0) {
      const listed = cut.omittedFiles.slice(0, MAX_LISTED_CUT_FILES).map(code).join(', ');
      const more = cut.omittedFiles.length > MAX_LISTED_CUT_FILES ? ` and ${cut.omittedFiles.length - MAX_LISTED_CUT_FILES} more` : '';
      parts.push(`the diff of ${plural(cut.omittedFiles.length, 'file')} (${listed}${more})`);
    }
    if (cut.partial) parts.push(`the last ${plural(cut.partial.linesCut, 'diff line')} of ${code(cut.partial.path)}`);
    lines.push(`> - ${cut.label === OTHER_FILES ? 'other files' : cut.label === NO_CLUSTER ? NO_CLUSTER : code(cut.label)}: ${parts.join('; ')}.`);
  }
  if (rowsCut > 0) lines.push(`> - ${plural(rowsCut, 'table row')} (resources, ledger entries or rules).`);
  if (fullDiffHint) lines.push(`>`, `> The full change: ${fullDiffHint}`);
  return lines;
}

interface Allocation {
  /** Patches (or a cut patch) to show, in file order. */
  readonly included: readonly string[];
  readonly cut?: DiffCut;
}

function diffGroups(plan: ChangePlan): DiffGroup[] {
  const groups: DiffGroup[] = plan.clusters.map((cluster) => ({ label: clusterLabel(cluster), patches: cluster.files }));
  if (plan.extraFiles.length > 0) groups.push({ label: OTHER_FILES, patches: plan.extraFiles });
  return groups;
}

/**
 * Shares the diff budget fairly between groups (water-filling: small groups get all they need, the rest split what
 * is left), then fills each group's share with whole file diffs in order, cutting at most one file part-way.
 */
function allocateDiffs(groups: readonly DiffGroup[], budget: number): Map<string, Allocation> {
  const need = (group: DiffGroup) => group.patches.reduce((sum, p) => sum + p.patch.length + 1, 0);
  const shares = new Map<string, number>();
  let remaining = budget;
  const bySize = [...groups].sort((a, b) => need(a) - need(b));
  bySize.forEach((group, index) => {
    const share = Math.min(need(group), remaining / (bySize.length - index));
    shares.set(group.label, share);
    remaining -= share;
  });

  const allocation = new Map<string, Allocation>();
  for (const group of groups) {
    let left = Math.floor(shares.get(group.label) ?? 0);
    const included: string[] = [];
    const omittedFiles: string[] = [];
    let partial: DiffCut['partial'];
    for (const { path, patch } of group.patches) {
      if (patch.length + 1 <= left) {
        included.push(patch);
        left -= patch.length + 1;
      } else if (!partial && left >= MIN_PARTIAL_DIFF) {
        const lines = patch.replace(/\n$/, '').split('\n');
        const kept: string[] = [];
        let used = 0;
        for (const line of lines) {
          if (used + line.length + 1 > left) break;
          kept.push(line);
          used += line.length + 1;
        }
        partial = { path, linesCut: lines.length - kept.length };
        included.push(`${kept.join('\n')}\n… (${plural(partial.linesCut, 'more line')} of this diff left out)\n`);
        left = 0;
      } else {
        omittedFiles.push(path);
      }
    }
    const cut = omittedFiles.length > 0 || partial ? { label: group.label, omittedFiles, ...(partial ? { partial } : {}) } : undefined;
    allocation.set(group.label, cut ? { included, cut } : { included });
  }
  return allocation;
}

function clusterLabel(cluster: ClusterChanges): string {
  return cluster.cluster ?? NO_CLUSTER;
}

/** Inline code that survives backticks and table pipes in the text. */
export function code(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')}${pad}${fence}`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function countLines(patch: string, sign: '+' | '-'): number {
  return patch.split('\n').slice(2).filter((line) => line.startsWith(sign)).length;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Cuts at the limit without splitting a surrogate pair, and says so. */
function hardCut(text: string, maxLength: number): string {
  const note = '\n\n> [!WARNING]\n> The rest of this description was cut to stay under the length limit.\n';
  let end = Math.max(0, maxLength - note.length);
  const codeUnit = text.charCodeAt(end - 1);
  if (codeUnit >= 0xd800 && codeUnit <= 0xdbff) end -= 1;
  return text.slice(0, end) + note;
}
