import { DATAPLANE_MODE_LABEL, INJECTION_LABEL, REVISION_LABEL, labelsOf } from './utils/labels.js';
import type { Rule } from './utils/rule.js';

const rule: Rule = {
  meta: {
    id: 'namespace-injection-labels',
    defaultSeverity: 'warning',
    description: 'A Namespace chooses its data plane with one label: istio-injection, istio.io/rev or istio.io/dataplane-mode.',
    kinds: ['Namespace'],
    docs: 'policies/namespace-injection-labels.md',
    messages: {
      multipleLabels: {
        message: 'the namespace has several data-plane labels ({{labels}}): which one wins depends on the webhook and the Istio version',
        hint: 'Keep one: istio-injection=enabled (default revision), istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient.',
      },
    },
  },
  check(context) {
    for (const namespace of context.resources('Namespace')) {
      if (namespace.name === 'istio-system') continue;
      const labels = labelsOf(namespace.object);
      const injection = labels[INJECTION_LABEL];
      const found: string[] = [];
      if (injection !== undefined) found.push(`${INJECTION_LABEL}=${injection}`);
      // istio-injection with any value but `enabled` opts out on purpose: the other labels then do nothing.
      if (injection === undefined || injection === 'enabled') {
        for (const name of [REVISION_LABEL, DATAPLANE_MODE_LABEL]) if (labels[name] !== undefined) found.push(`${name}=${labels[name]}`);
      }
      if (found.length > 1) context.report({ resource: namespace, path: ['metadata', 'labels'], messageId: 'multipleLabels', data: { labels: found.join(', ') } });
    }
  },
};

export default rule;
