import { asRecord, get, isRecord } from '../generator/manifest/access.js';
import { DATAPLANE_MODE_LABEL, INJECTION_LABEL, REVISION_LABEL, labelsOf } from './utils/labels.js';
import type { Rule } from './utils/rule.js';

/** Namespaces of Kubernetes and Istio themselves: never meant to hold meshed workloads. */
const SYSTEM_NAMESPACES = new Set(['istio-system', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

const rule: Rule = {
  meta: {
    id: 'namespace-not-injected',
    defaultSeverity: 'info',
    description: 'Every Namespace says whether it joins the mesh: istio-injection, istio.io/rev or istio.io/dataplane-mode.',
    kinds: ['Namespace', 'HelmValues', 'IstioOperator'],
    docs: 'policies/namespace-not-injected.md',
    messages: {
      notInjected: {
        message: 'namespace {{namespace}} has no injection label: its pods start without a sidecar',
        hint: 'Label it istio-injection=enabled (or istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient), or istio-injection=disabled to say it stays out of the mesh.',
      },
    },
  },
  check(context) {
    // sidecarInjectorWebhook.enableNamespacesByDefault injects every namespace that does not opt out.
    const injectingClusters = new Set([
      ...context.resources('HelmValues').filter((v) => get(v.object, 'sidecarInjectorWebhook', 'enableNamespacesByDefault') === true).map((v) => v.cluster),
      ...context.resources('IstioOperator').filter((o) => get(o.object, 'spec', 'values', 'sidecarInjectorWebhook', 'enableNamespacesByDefault') === true).map((o) => o.cluster),
    ]);
    const injectsByDefault = (cluster: string) => injectingClusters.has(cluster);
    for (const namespace of context.resources('Namespace')) {
      if (SYSTEM_NAMESPACES.has(namespace.name)) continue;
      if (!isRecord(namespace.object.metadata)) continue;
      const labels = labelsOf(namespace.object);
      if (labels[INJECTION_LABEL] !== undefined || labels[REVISION_LABEL] !== undefined || labels[DATAPLANE_MODE_LABEL] !== undefined) continue;
      if (injectsByDefault(namespace.cluster)) continue;
      const path = Object.keys(asRecord(get(namespace.object, 'metadata', 'labels'))).length > 0 ? ['metadata', 'labels'] : ['metadata', 'name'];
      context.report({ resource: namespace, path, messageId: 'notInjected', data: { namespace: namespace.name } });
    }
  },
};

export default rule;
