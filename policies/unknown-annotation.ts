import { asRecord, get } from '../generator/manifest/access.js';
import type { DocPath } from '../generator/diagnostics/types.js';
import { annotationResources, DEPRECATED_ANNOTATIONS, ISTIO_ANNOTATIONS, isIstioAnnotation } from './utils/istio-annotations.js';
import { labelsOf } from './utils/labels.js';
import type { Rule } from './utils/rule.js';

/** Kinds whose own annotations Istio reads; for workload controllers also their pod template's. */
const KINDS = ['Namespace', 'Service', 'Pod', 'Deployment', 'DaemonSet', 'StatefulSet'] as const;

/** Set by istiod or its controllers on the objects they write: never reported as deprecated or misplaced. */
const WRITTEN_BY_ISTIO: ReadonlySet<string> = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

const PORT = /^\d+$/;
const isPort = (text: string) => PORT.test(text) && Number(text) >= 1 && Number(text) <= 65535;
const list = (value: string) => value.split(',').map((s) => s.trim()).filter((s) => s !== '');
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)\/\d{1,3}$/;
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[+-]?\d+)?$/;

/** What the sidecar injector accepts, per annotation (pkg/kube/inject validate.go): a description, or undefined when fine. */
const VALUE_CHECKS: Readonly<Record<string, (value: string) => string | undefined>> = {
  'sidecar.istio.io/interceptionMode': (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : 'REDIRECT, TPROXY or NONE'),
  'status.sidecar.istio.io/port': (v) => (v === '0' || isPort(v) ? undefined : 'a port number (0 disables it)'),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': (v) => (/^\d+$/.test(v) && Number(v) <= 4294967295 ? undefined : 'a non-negative integer'),
  'readiness.status.sidecar.istio.io/periodSeconds': (v) => (/^\d+$/.test(v) && Number(v) <= 4294967295 ? undefined : 'a non-negative integer'),
  'readiness.status.sidecar.istio.io/failureThreshold': (v) => (/^\d+$/.test(v) && Number(v) <= 4294967295 ? undefined : 'a non-negative integer'),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': (v) => (v === '*' || list(v).every((c) => CIDR.test(c)) ? undefined : "'*' or comma-separated CIDRs"),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': (v) => (list(v).every((c) => CIDR.test(c)) ? undefined : 'comma-separated CIDRs'),
  'traffic.sidecar.istio.io/includeInboundPorts': (v) => (v === '*' || list(v).every(isPort) ? undefined : "'*' or comma-separated ports"),
  'traffic.sidecar.istio.io/excludeInboundPorts': (v) => (list(v).every(isPort) ? undefined : 'comma-separated ports'),
  'traffic.sidecar.istio.io/excludeOutboundPorts': (v) => (list(v).every(isPort) ? undefined : 'comma-separated ports'),
  'prometheus.istio.io/merge-metrics': (v) => (['true', 'false'].includes(v.toLowerCase()) ? undefined : 'true or false'),
  'sidecar.istio.io/proxyCPU': (v) => (QUANTITY.test(v) ? undefined : 'a Kubernetes quantity (100m, 1)'),
  'sidecar.istio.io/proxyMemory': (v) => (QUANTITY.test(v) ? undefined : 'a Kubernetes quantity (128Mi)'),
  'sidecar.istio.io/proxyCPULimit': (v) => (QUANTITY.test(v) ? undefined : 'a Kubernetes quantity (100m, 1)'),
  'sidecar.istio.io/proxyMemoryLimit': (v) => (QUANTITY.test(v) ? undefined : 'a Kubernetes quantity (128Mi)'),
};

const rule: Rule = {
  meta: {
    id: 'unknown-annotation',
    defaultSeverity: 'warning',
    description: 'Annotations in an istio.io domain are ones Istio defines, on the kind Istio reads them from, not deprecated, and with a value Istio accepts.',
    kinds: [...KINDS],
    docs: 'policies/unknown-annotation.md',
    messages: {
      unknown: {
        message: "annotation {{annotation}} is not one Istio defines: nothing reads it",
        hint: 'Fix the name (see https://istio.io/latest/docs/reference/config/annotations/), or remove it.',
      },
      misplaced: {
        message: 'annotation {{annotation}} belongs on {{expected}}, not on {{place}}: Istio does not read it here',
        hint: 'Move it where Istio reads it (pod annotations go in spec.template.metadata.annotations of a workload).',
      },
      deprecated: {
        message: 'annotation {{annotation}} is deprecated{{replacement}}',
        hint: 'Use its replacement (see https://istio.io/latest/docs/reference/config/annotations/).',
      },
      invalid: {
        message: 'annotation {{annotation}} has value "{{value}}"; Istio expects {{expected}}',
        hint: 'Fix the value: the sidecar injector rejects the pod or ignores the setting.',
      },
    },
  },
  check(context) {
    for (const kind of KINDS) {
      for (const resource of context.resources(kind)) {
        const places: { path: DocPath; readsAs: string; place: string; labels: Readonly<Record<string, string>> }[] = [{ path: ['metadata', 'annotations'], readsAs: kind, place: kind, labels: labelsOf(resource.object) }];
        if (kind !== 'Pod' && kind !== 'Namespace' && kind !== 'Service') {
          places.push({ path: ['spec', 'template', 'metadata', 'annotations'], readsAs: 'Pod', place: `the pod template of a ${kind}`, labels: labelsOf(get(resource.object, 'spec', 'template')) });
        }
        for (const { path, readsAs, place, labels } of places) {
          for (const [name, raw] of Object.entries(asRecord(get(resource.object, ...path)))) {
            if (!isIstioAnnotation(name)) continue;
            const at = [...path, name];
            if (!ISTIO_ANNOTATIONS.has(name)) {
              context.report({ resource, path: at, messageId: 'unknown', data: { annotation: name } });
              continue;
            }
            if (WRITTEN_BY_ISTIO.has(name)) continue;
            // IST0135; the deprecated inject annotation next to its replacement label is deliberate, as in istioctl.
            if (DEPRECATED_ANNOTATIONS.has(name) && !(name === 'sidecar.istio.io/inject' && labels['sidecar.istio.io/inject'] !== undefined)) {
              context.report({ resource, path: at, messageId: 'deprecated', data: { annotation: name, replacement: name === 'sidecar.istio.io/inject' ? ' in favor of the sidecar.istio.io/inject label' : '' } });
            }
            // IST0107: the kinds Istio reads it from.
            const resources = annotationResources(name);
            if (!resources.includes('Any') && !resources.includes(readsAs)) {
              context.report({ resource, path: at, messageId: 'misplaced', data: { annotation: name, expected: resources.join(', '), place } });
              continue;
            }
            // IST0125: values the injector validates.
            const check = Object.hasOwn(VALUE_CHECKS, name) ? VALUE_CHECKS[name] : undefined;
            const value = String(raw);
            const expected = check?.(value);
            if (expected !== undefined) context.report({ resource, path: at, messageId: 'invalid', data: { annotation: name, value, expected } });
          }
        }
      }
    }
  },
};

export default rule;
