// The change plan: what `generate` would change, per cluster. Shared by `meshforge diff` and `meshforge pr`.
export type * from './types.js';
export { CHANGE_KINDS } from './types.js';
export { planChanges, type PlanInput } from './plan.js';
export { unifiedDiff, DIFF_CONTEXT_LINES, type FilePatch } from './patch.js';
export { diffLedger } from './ledger.js';
export { resourcesInYaml, resourceIdOf, resourceKey, qualifiedName, compareResourceIds } from './resources.js';
export { summarizeDiagnostics } from './checks.js';
export { renderMarkdown, PR_MARKER, GITHUB_BODY_LIMIT, DEFAULT_MAX_LENGTH, type MarkdownOptions, type MarkdownResult, type Truncation, type DiffCut } from './markdown.js';
export { renderCommitMessage, summaryLines } from './text.js';
export { planTreeChanges, renderDiffText, type DiffInput } from './tree.js';
