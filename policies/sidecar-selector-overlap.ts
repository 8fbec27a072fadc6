import { get, labels } from '../generator/manifest/access.js';
import { namespaceOf } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

/** Kinds whose pods the input shows: Pods themselves, and the pod templates of workload controllers. */
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job'] as const;

function podLabelsOf(workload: LintResource): Readonly<Record<string, string>> {
  return labels(workload.kind === 'Pod' ? get(workload.object, 'metadata', 'labels') : get(workload.object, 'spec', 'template', 'metadata', 'labels'));
}

function selectorOf(sidecar: LintResource): Readonly<Record<string, string>> | undefined {
  const raw = get(sidecar.object, 'spec', 'workloadSelector', 'labels');
  const selector = labels(raw);
  return Object.keys(selector).length === 0 ? undefined : selector;
}

/** Whether every workload `inner` selects is also selected by `outer` (outer asks for a subset of inner's labels). */
function covers(outer: Readonly<Record<string, string>>, inner: Readonly<Record<string, string>>): boolean {
  return Object.entries(outer).every(([key, value]) => inner[key] === value);
}

const rule: Rule = {
  meta: {
    id: 'sidecar-selector-overlap',
    defaultSeverity: 'error',
    description: 'At most one Sidecar without selector per namespace, and no two Sidecars whose selectors select the same workloads.',
    kinds: ['Sidecar', ...WORKLOAD_KINDS],
    docs: 'policies/sidecar-selector-overlap.md',
    messages: {
      multipleDefaults: {
        message: 'namespace {{namespace}} already has a Sidecar without workloadSelector ({{other}}): Istio uses only one of them',
        hint: 'Keep one namespace-wide Sidecar and merge the others into it, or give them workloadSelectors.',
      },
      overlap: {
        message: 'workloads this selector matches are also matched by {{other}}: Istio picks one Sidecar arbitrarily',
        hint: 'Make the selectors disjoint (differ in at least one label value), or merge the two Sidecars.',
      },
    },
  },
  check(context) {
    const workloadsByCluster = byCluster(WORKLOAD_KINDS.flatMap((kind) => context.resources(kind)));
    for (const [cluster, sidecars] of byCluster(context.resources('Sidecar'))) {
      const byNamespace = new Map<string, LintResource[]>();
      for (const sidecar of [...sidecars].sort(compareResources)) {
        const namespace = namespaceOf(sidecar);
        byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), sidecar]);
      }
      const workloads = workloadsByCluster.get(cluster) ?? [];
      for (const [namespace, list] of byNamespace) {
        // Every Sidecar of a clash is reported, naming the others (as Istio does).
        const defaults = list.filter((s) => selectorOf(s) === undefined);
        if (defaults.length > 1) {
          for (const sidecar of defaults) context.report({ resource: sidecar, path: ['metadata', 'name'], messageId: 'multipleDefaults', data: { namespace, other: defaults.filter((d) => d !== sidecar).map(describe).join(', ') } });
        }
        // Selectors clash when one contains the other (statically), or when a workload of the input matches both.
        const podLabels = workloads.filter((w) => namespaceOf(w) === namespace).map(podLabelsOf);
        const selective = list.flatMap((s) => {
          const selector = selectorOf(s);
          return selector === undefined ? [] : [{ sidecar: s, selector }];
        });
        for (const mine of selective) {
          const others = selective.filter((theirs) => theirs !== mine && (covers(theirs.selector, mine.selector) || covers(mine.selector, theirs.selector) || podLabels.some((pod) => covers(mine.selector, pod) && covers(theirs.selector, pod))));
          if (others.length > 0) context.report({ resource: mine.sidecar, path: ['spec', 'workloadSelector', 'labels'], messageId: 'overlap', data: { other: others.map((o) => describe(o.sidecar)).join(', ') } });
        }
      }
    }
  },
};

export default rule;
