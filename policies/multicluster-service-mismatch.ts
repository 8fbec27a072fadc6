import { asNumber, asRecord, asString, canonical, recordItems } from '../generator/manifest/access.js';
import { namespaceOf } from './utils/hosts.js';
import type { LintResource, Rule } from './utils/rule.js';
import { compareResources } from './utils/traffic.js';

function shape(service: LintResource) {
  const spec = asRecord(service.object.spec);
  const ports = recordItems(spec.ports)
    .map(([, p]) => ({ port: asNumber(p.port), protocol: asString(p.protocol) ?? 'TCP', name: asString(p.name) ?? '' }))
    .sort((a, b) => (a.port ?? 0) - (b.port ?? 0));
  return {
    type: asString(spec.type) ?? 'ClusterIP',
    headless: spec.clusterIP === 'None',
    ports: canonical(ports),
    portList: ports.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'none',
  };
}

const rule: Rule = {
  meta: {
    id: 'multicluster-service-mismatch',
    defaultSeverity: 'warning',
    description: 'A Service with the same namespace and name in several clusters has the same type, ports and headlessness in each.',
    kinds: ['Service'],
    docs: 'policies/multicluster-service-mismatch.md',
    messages: {
      typeDiffers: {
        message: 'Service type {{type}} in cluster {{cluster}} differs from {{otherType}} in cluster {{otherCluster}}',
        hint: 'Istio merges same-named Services across clusters into one host: give them the same spec in every cluster.',
      },
      headlessDiffers: {
        message: 'this Service is {{state}} in cluster {{cluster}} but {{otherState}} in cluster {{otherCluster}}',
        hint: 'Istio merges same-named Services across clusters into one host: make all of them headless or none.',
      },
      portsDiffer: {
        message: 'ports [{{ports}}] in cluster {{cluster}} differ from [{{otherPorts}}] in cluster {{otherCluster}}',
        hint: 'Istio merges same-named Services across clusters into one host: declare the same ports everywhere.',
      },
    },
  },
  check(context) {
    const groups = new Map<string, LintResource[]>();
    for (const service of context.resources('Service')) {
      const key = `${namespaceOf(service)}/${service.name}`;
      groups.set(key, [...(groups.get(key) ?? []), service]);
    }
    for (const services of groups.values()) {
      const sorted = [...services].sort(compareResources);
      const reference = sorted[0]!;
      const expected = shape(reference);
      for (const service of sorted.slice(1)) {
        if (service.cluster === reference.cluster) continue;
        const actual = shape(service);
        const clusters = { cluster: service.cluster, otherCluster: reference.cluster };
        if (actual.type !== expected.type) context.report({ resource: service, path: ['spec', 'type'], messageId: 'typeDiffers', data: { ...clusters, type: actual.type, otherType: expected.type } });
        if (actual.headless !== expected.headless) {
          context.report({ resource: service, path: actual.headless ? ['spec', 'clusterIP'] : ['spec'], messageId: 'headlessDiffers', data: { ...clusters, state: actual.headless ? 'headless' : 'not headless', otherState: expected.headless ? 'headless' : 'not headless' } });
        }
        if (actual.ports !== expected.ports) context.report({ resource: service, path: ['spec', 'ports'], messageId: 'portsDiffer', data: { ...clusters, ports: actual.portList, otherPorts: expected.portList } });
      }
    }
  },
};

export default rule;
