import { istioGateways } from './utils/gateways.js';
import { asNumber, asRecord, asString, get, isRecord, recordItems } from '../generator/manifest/access.js';
import { namespaceOf } from './utils/hosts.js';
import { labelsOf } from './utils/labels.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster } from './utils/traffic.js';

/** Kinds whose pods the input shows: Pods themselves, and the pod templates of workload controllers. */
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'DaemonSet', 'StatefulSet'] as const;

interface Workload {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

function workloadOf(resource: LintResource): Workload {
  const labels = resource.kind === 'Pod' ? labelsOf(resource.object) : labelsOf(get(resource.object, 'spec', 'template'));
  return { namespace: namespaceOf(resource), labels };
}

function stringMap(value: unknown): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, String(v)]));
}

function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The ports a gateway pod receives through Services: each TCP port's targetPort (a number), else its port. */
function podPorts(workload: Workload, services: readonly LintResource[]): Set<number> {
  const out = new Set<number>();
  for (const service of services) {
    if (namespaceOf(service) !== workload.namespace) continue;
    const selector = get(service.object, 'spec', 'selector');
    if (!isRecord(selector) || Object.keys(selector).length === 0 || !selects(stringMap(selector), workload.labels)) continue;
    for (const [, port] of recordItems(get(service.object, 'spec', 'ports'))) {
      if ((asString(port.protocol) ?? 'TCP') !== 'TCP') continue;
      const number = asNumber(port.port);
      const target = asNumber(port.targetPort);
      // The Gateway's server port is where the proxy listens: the Service's targetPort. The Service port itself
      // is accepted too, as Istio does.
      if (target !== undefined) out.add(target);
      if (number !== undefined) out.add(number);
    }
  }
  return out;
}

const rule: Rule = {
  meta: {
    id: 'gateway-service-port',
    defaultSeverity: 'warning',
    description: "Every Gateway server port is exposed by a Service of the gateway pods the Gateway selects (when the input shows those pods).",
    kinds: ['Gateway', 'Service', ...WORKLOAD_KINDS],
    docs: 'policies/gateway-service-port.md',
    messages: {
      portNotOnService: {
        message: 'port {{port}} is not exposed by any Service of the gateway pods selected by {{selector}}: no traffic reaches this server',
        hint: "Add the port to the gateway's Service (Helm: service.ports of the gateway chart) with targetPort {{port}}, or use a port the Service exposes.",
      },
    },
  },
  check(context) {
    const servicesByCluster = byCluster(context.resources('Service'));
    const workloadsByCluster = byCluster(WORKLOAD_KINDS.flatMap((kind) => context.resources(kind)));
    for (const [cluster, gateways] of byCluster(istioGateways(context.resources('Gateway')))) {
      const workloads = (workloadsByCluster.get(cluster) ?? []).map(workloadOf);
      const services = servicesByCluster.get(cluster) ?? [];
      for (const gateway of gateways) {
        const selector = stringMap(get(gateway.object, 'spec', 'selector'));
        if (Object.keys(selector).length === 0) continue;
        // Gateway pods installed by Helm or an operator are not in a manifest set: without them, nothing to judge.
        const pods = workloads.filter((w) => selects(selector, w.labels));
        if (pods.length === 0) continue;
        const exposed = new Set<number>();
        for (const pod of pods) for (const port of podPorts(pod, services)) exposed.add(port);
        for (const [index, server] of recordItems(get(gateway.object, 'spec', 'servers'))) {
          const port = asNumber(get(server, 'port', 'number'));
          if (port === undefined || exposed.has(port)) continue;
          context.report({ resource: gateway, path: ['spec', 'servers', index, 'port', 'number'], messageId: 'portNotOnService', data: { port, selector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') } });
        }
      }
    }
  },
};

export default rule;
