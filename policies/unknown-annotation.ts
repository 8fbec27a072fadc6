import { asRecord, get } from '../generator/manifest/access.js';
import type { DocPath } from '../generator/diagnostics/types.js';
import { ISTIO_ANNOTATIONS, isIstioAnnotation } from './utils/istio-annotations.js';
import type { Rule } from './utils/rule.js';

/** Kinds whose own annotations Istio reads; for workload controllers also their pod template's. */
const KINDS = ['Namespace', 'Service', 'Pod', 'Deployment', 'DaemonSet', 'StatefulSet'] as const;

const rule: Rule = {
  meta: {
    id: 'unknown-annotation',
    defaultSeverity: 'warning',
    description: 'Annotations in an istio.io domain are ones Istio defines (a typo is silently ignored).',
    kinds: [...KINDS],
    docs: 'policies/unknown-annotation.md',
    messages: {
      unknown: {
        message: "annotation {{annotation}} is not one Istio defines: nothing reads it",
        hint: 'Fix the name (see https://istio.io/latest/docs/reference/config/annotations/), or remove it.',
      },
    },
  },
  check(context) {
    for (const kind of KINDS) {
      for (const resource of context.resources(kind)) {
        const places: DocPath[] = [['metadata', 'annotations']];
        if (kind !== 'Pod' && kind !== 'Namespace' && kind !== 'Service') places.push(['spec', 'template', 'metadata', 'annotations']);
        for (const place of places) {
          for (const name of Object.keys(asRecord(get(resource.object, ...place)))) {
            if (isIstioAnnotation(name) && !ISTIO_ANNOTATIONS.has(name)) context.report({ resource, path: [...place, name], messageId: 'unknown', data: { annotation: name } });
          }
        }
      }
    }
  },
};

export default rule;
