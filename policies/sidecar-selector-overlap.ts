import { get, labels } from '../generator/manifest/access.js';
import { namespaceOf } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

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
    kinds: ['Sidecar'],
    docs: 'policies/sidecar-selector-overlap.md',
    messages: {
      multipleDefaults: {
        message: 'namespace {{namespace}} already has a Sidecar without workloadSelector ({{other}}): Istio uses only one of them',
        hint: 'Keep one namespace-wide Sidecar and merge the others into it, or give them workloadSelectors.',
      },
      overlap: {
        message: 'every workload this selector matches is also matched by {{other}}: Istio picks one Sidecar arbitrarily',
        hint: 'Make the selectors disjoint (differ in at least one label value), or merge the two Sidecars.',
      },
    },
  },
  check(context) {
    for (const sidecars of byCluster(context.resources('Sidecar')).values()) {
      const byNamespace = new Map<string, LintResource[]>();
      for (const sidecar of [...sidecars].sort(compareResources)) {
        const namespace = namespaceOf(sidecar);
        byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), sidecar]);
      }
      for (const [namespace, list] of byNamespace) {
        const earlier: LintResource[] = [];
        for (const sidecar of list) {
          const selector = selectorOf(sidecar);
          if (selector === undefined) {
            const other = earlier.find((e) => selectorOf(e) === undefined);
            if (other) context.report({ resource: sidecar, path: ['metadata', 'name'], messageId: 'multipleDefaults', data: { namespace, other: describe(other) } });
          } else {
            const other = earlier.find((e) => {
              const theirs = selectorOf(e);
              return theirs !== undefined && (covers(theirs, selector) || covers(selector, theirs));
            });
            if (other) context.report({ resource: sidecar, path: ['spec', 'workloadSelector', 'labels'], messageId: 'overlap', data: { other: describe(other) } });
          }
          earlier.push(sidecar);
        }
      }
    }
  },
};

export default rule;
