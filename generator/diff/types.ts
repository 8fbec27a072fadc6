/** What happened to a file, a resource or a ledger entry between the old tree and the new one. */
export type ChangeKind = 'added' | 'changed' | 'removed';

export const CHANGE_KINDS: readonly ChangeKind[] = ['added', 'changed', 'removed'];

/** The identity of a Kubernetes object inside one cluster. */
export interface ResourceId {
  readonly apiVersion: string;
  readonly kind: string;
  /** Undefined for cluster-scoped objects (Namespace, ...). */
  readonly namespace?: string;
  readonly name: string;
}

export interface ResourceChange extends ResourceId {
  readonly change: ChangeKind;
  /** Repo-relative path of the file that holds it: the new file, or the old one for a removal. */
  readonly path: string;
}

export interface FileChange {
  /** Repo-relative path (the output folder prefix included), POSIX separators. */
  readonly path: string;
  readonly change: ChangeKind;
  /** Unified diff of this file (file headers and hunks), produced by jsdiff. */
  readonly patch: string;
  readonly additions: number;
  readonly deletions: number;
}

export interface ChangeCounts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/** Every change in one cluster's folder. `cluster` is undefined for generated files outside any cluster folder. */
export interface ClusterChanges {
  readonly cluster?: string;
  /** Resource counts (not file counts): what a reviewer cares about. */
  readonly counts: ChangeCounts;
  /** Sorted by kind, namespace, name. */
  readonly resources: readonly ResourceChange[];
  /** Sorted by path. Includes files whose bytes changed without any resource changing (comments, order). */
  readonly files: readonly FileChange[];
}

/** One entry of the VIP ledger (mesh.lock.yaml) that appeared, moved or disappeared. */
export interface LedgerChange {
  readonly change: ChangeKind;
  /** Readable path to the entry, e.g. `cluster1 / httpbin.bar.global / vip`. */
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
}

export interface LedgerDiff {
  /** Repo-relative path of the ledger file. */
  readonly path: string;
  readonly changes: readonly LedgerChange[];
  /** True when the bytes differ (comments or order may change without any entry changing). */
  readonly fileChanged: boolean;
  /** Unified diff of the ledger file; empty when unchanged. */
  readonly patch: string;
}

/** A non-generated file that travels with the change (the config itself), listed but not parsed. */
export interface ExtraFileChange {
  readonly path: string;
  readonly change: ChangeKind;
  readonly patch: string;
}

/** What `generate` would change: the shared input of `meshforge diff` and of the PR body and commit message. */
export interface ChangePlan {
  /** Sorted by cluster name; files outside cluster folders last. Only clusters with changed files appear. */
  readonly clusters: readonly ClusterChanges[];
  readonly ledger?: LedgerDiff;
  readonly extraFiles: readonly ExtraFileChange[];
  /** Generated files whose bytes stay the same. */
  readonly unchangedFiles: number;
  readonly totals: ChangeCounts & { readonly files: number };
  /** False when nothing at all would change (files, ledger, extra files). */
  readonly hasChanges: boolean;
}

/** Per-rule counts of the checks that ran on the new tree (policies, schema validation). */
export interface RuleCount {
  readonly rule: string;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly suppressed: number;
}

/** The policy and validation outcome shown in the PR body. Absent means the checks did not run. */
export interface CheckSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly suppressed: number;
  readonly byRule: readonly RuleCount[];
  /** What ran, e.g. ['schema validation', 'policies']. */
  readonly ran?: readonly string[];
}
