// The change plan: what `generate` would change, per cluster. Shared by `meshforge diff` and `meshforge pr`.
export type * from './types.js';
export { CHANGE_KINDS } from './types.js';
export { planChanges, vipChanges, type PlanInput } from './plan.js';
export { configEntryOf, configEntryPath, configLocator, labelledCluster } from './sources.js';
export { unifiedDiff, DIFF_CONTEXT_LINES, type FilePatch } from './patch.js';
export { diffLedger } from './ledger.js';
export { resourcesInYaml, resourceIdOf, resourceKey, qualifiedName, compareResourceIds } from './resources.js';
export { summarizeDiagnostics, type SuppressedInput } from './checks.js';
export { renderMarkdown, PR_MARKER, UPDATE_MARKER, GITHUB_BODY_LIMIT, DEFAULT_MAX_LENGTH, type MarkdownOptions, type MarkdownResult, type Truncation, type DiffCut } from './markdown.js';
export { renderCommitMessage, summaryLines, clusterSummary, FLEET_WIDE } from './text.js';
export { planTreeChanges, planFromTree, renderDiffText, type DiffInput, type TreePlanInput, type ComparedTree } from './tree.js';
