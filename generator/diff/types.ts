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
  /** The config entry the file comes from (see sources.ts), and its line in the new config when it is still there. */
  readonly source?: ConfigSource;
}

/** A config entry that generated a file, e.g. `services[2]` with the line it starts on. */
export interface ConfigSource {
  readonly entry: string;
  /** `mesh.config.yaml:40`, when the entry is in the new config. */
  readonly at?: string;
}

export interface ChangeCounts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/** Resource changes of one kind in one cluster. */
export interface KindCounts extends ChangeCounts {
  readonly kind: string;
}

/**
 * Every change that deploys to one cluster: its folder, and the Argo CD and Flux objects elsewhere that deploy to it
 * (by their `meshforge.io/cluster` label). `cluster` is undefined for fleet-wide files (the root Application, the
 * ApplicationSet, `_argocd/kustomization.yaml`).
 */
export interface ClusterChanges {
  readonly cluster?: string;
  /** Resource counts (not file counts): what a reviewer cares about. */
  readonly counts: ChangeCounts;
  /** File counts: a file whose bytes change without any resource changing (comments, order) counts here only. */
  readonly fileCounts: ChangeCounts;
  /** Resource counts per kind, sorted by kind. */
  readonly byKind: readonly KindCounts[];
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

/** A VIP of the ledger allocated to a host, released (the host left the config) or moved to another address. */
export interface VipChange {
  readonly change: 'allocated' | 'released' | 'moved';
  /** The client cluster that resolves the host to this VIP. */
  readonly cluster: string;
  readonly host: string;
  readonly before?: string;
  readonly after?: string;
}

/** A file the tree writer keeps for itself (the provenance index): listed, not counted as a cluster's file. */
export interface BookkeepingFileChange {
  readonly path: string;
  readonly change: ChangeKind;
}

/** A non-generated file that travels with the change (the config itself), listed but not parsed. */
export interface ExtraFileChange {
  readonly path: string;
  readonly change: ChangeKind;
  readonly patch: string;
}

/** What `generate` would change: the shared input of `meshforge diff` and of the PR body and commit message. */
export interface ChangePlan {
  /** Sorted by cluster name; fleet-wide files last. Only clusters with changed files appear. */
  readonly clusters: readonly ClusterChanges[];
  readonly ledger?: LedgerDiff;
  /** The ledger change as VIPs allocated, released and moved (from its `vips` section), sorted by cluster and host. */
  readonly vips: readonly VipChange[];
  /** The writer's own files (the provenance index) that change. */
  readonly bookkeeping: readonly BookkeepingFileChange[];
  readonly extraFiles: readonly ExtraFileChange[];
  /** Generated files whose bytes stay the same. */
  readonly unchangedFiles: number;
  /** Resource counts over every cluster; `files` counts every changed file of every cluster (bookkeeping excluded). */
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
  /** Each finding and each suppressed finding (with its reason), sorted; absent when only counts are known. */
  readonly findings?: readonly CheckFinding[];
}

/** One policy or validation finding for the PR body. */
export interface CheckFinding {
  readonly rule: string;
  /** `suppressed`: silenced by an annotation or a policies.exceptions entry; `reason` says why. */
  readonly severity: 'error' | 'warning' | 'info' | 'suppressed';
  readonly cluster?: string;
  /** `Kind namespace/name`. */
  readonly resource?: string;
  readonly message: string;
  readonly reason?: string;
}
