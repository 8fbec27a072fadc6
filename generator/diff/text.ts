import { qualifiedName } from './resources.js';
import type { ChangePlan, ClusterChanges } from './types.js';

const MAX_RESOURCE_LINES = 40;

/** `cluster1: 2 added, 1 changed, 0 removed (3 files)` for each cluster, plus the ledger and other files. */
export function summaryLines(plan: ChangePlan): string[] {
  const lines: string[] = [];
  for (const cluster of plan.clusters) {
    const { added, changed, removed } = cluster.counts;
    lines.push(`${clusterName(cluster)}: ${added} added, ${changed} changed, ${removed} removed (${cluster.files.length} file${cluster.files.length === 1 ? '' : 's'})`);
  }
  if (plan.ledger?.fileChanged) {
    const count = (kind: string) => plan.ledger?.changes.filter((c) => c.change === kind).length ?? 0;
    lines.push(`VIP ledger ${plan.ledger.path}: ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`);
  }
  for (const extra of plan.extraFiles) lines.push(`${extra.path}: ${extra.change}`);
  return lines;
}

/**
 * A commit message for the generated change: a subject naming the touched clusters and resource totals, then per
 * cluster the resources added, changed and removed by kind, namespace and name.
 */
export function renderCommitMessage(plan: ChangePlan, options: { readonly configPath?: string } = {}): string {
  const named = plan.clusters.filter((c) => c.cluster !== undefined).map((c) => c.cluster as string);
  const target = named.length === 0 ? 'generated files' : named.length <= 3 ? named.join(', ') : `${named.length} clusters`;
  const { added, changed, removed } = plan.totals;
  const subject = `meshforge: update ${target} (+${added} ~${changed} -${removed})`;
  const body: string[] = [];
  if (options.configPath) body.push(`Generated from ${options.configPath}.`, '');
  for (const cluster of plan.clusters) body.push(...clusterLines(cluster));
  const rest = summaryLines(plan).filter((line) => !plan.clusters.some((c) => line.startsWith(`${clusterName(c)}:`)));
  if (rest.length > 0) body.push('', ...rest);
  return `${subject}\n\n${body.join('\n').trim()}\n`;
}

function clusterLines(cluster: ClusterChanges): string[] {
  const { added, changed, removed } = cluster.counts;
  const lines = [`${clusterName(cluster)}: ${added} added, ${changed} changed, ${removed} removed`];
  for (const resource of cluster.resources.slice(0, MAX_RESOURCE_LINES)) {
    lines.push(`  ${resource.change.padEnd(7)} ${resource.kind} ${qualifiedName(resource)}`);
  }
  if (cluster.resources.length > MAX_RESOURCE_LINES) lines.push(`  ... and ${cluster.resources.length - MAX_RESOURCE_LINES} more`);
  if (cluster.resources.length === 0) lines.push(`  ${cluster.files.length} file(s) changed in comments or layout only`);
  return lines;
}

function clusterName(cluster: ClusterChanges): string {
  return cluster.cluster ?? '(outside cluster folders)';
}
