import { qualifiedName } from './resources.js';
import type { ChangePlan, ClusterChanges } from './types.js';

const MAX_RESOURCE_LINES = 40;

/** The name a cluster group goes by in every summary: the cluster, or `(fleet-wide)` for files that deploy to none alone. */
export const FLEET_WIDE = '(fleet-wide)';

/**
 * `cluster1: resources 2 added, 1 changed, 0 removed; files 1 added, 3 changed, 0 removed` for each cluster, then
 * the VIPs, the writer's own files and other files. generate, check, diff and pr all print these lines, so their
 * counts agree.
 */
export function summaryLines(plan: ChangePlan): string[] {
  const lines: string[] = [];
  for (const cluster of plan.clusters) lines.push(clusterSummary(cluster));
  if (plan.ledger?.fileChanged) {
    const vip = (kind: string) => plan.vips.filter((v) => v.change === kind).length;
    lines.push(`VIP ledger ${plan.ledger.path}: ${vip('allocated')} allocated, ${vip('released')} released, ${vip('moved')} moved`);
  }
  for (const file of plan.bookkeeping) lines.push(`${file.path}: ${file.change} (meshforge's own index)`);
  for (const extra of plan.extraFiles) lines.push(`${extra.path}: ${extra.change}`);
  return lines;
}

/** One cluster's line of the summary. */
export function clusterSummary(cluster: ClusterChanges): string {
  return `${clusterName(cluster)}: resources ${counts(cluster.counts)}; files ${counts(cluster.fileCounts)}`;
}

function counts(c: { readonly added: number; readonly changed: number; readonly removed: number }): string {
  return `${c.added} added, ${c.changed} changed, ${c.removed} removed`;
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
  const lines = [clusterSummary(cluster)];
  for (const resource of cluster.resources.slice(0, MAX_RESOURCE_LINES)) {
    lines.push(`  ${resource.change.padEnd(7)} ${resource.kind} ${qualifiedName(resource)}`);
  }
  if (cluster.resources.length > MAX_RESOURCE_LINES) lines.push(`  ... and ${cluster.resources.length - MAX_RESOURCE_LINES} more`);
  if (cluster.resources.length === 0) lines.push(`  ${cluster.files.length} file(s) changed in comments or layout only`);
  return lines;
}

function clusterName(cluster: ClusterChanges): string {
  return cluster.cluster ?? FLEET_WIDE;
}
