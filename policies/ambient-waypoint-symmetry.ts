import type { DocPath } from '../generator/diagnostics/types.js';
import { get } from '../generator/manifest/access.js';
import { scopeIndex } from './utils/ambient.js';
import { gatewayClassOf, isKubernetesGateway, WAYPOINT_CLASS } from './utils/gateway-api.js';
import { namespaceOf } from './utils/hosts.js';
import { labelsOf, USE_WAYPOINT_LABEL, USE_WAYPOINT_NAMESPACE_LABEL } from './utils/labels.js';
import { MESH_CONFIG_KINDS } from './utils/mesh-config.js';
import type { LintResource, Rule, RuleContext } from './utils/rule.js';
import { compareResources } from './utils/traffic.js';

/** Who chose a waypoint: the Service's own label, its Namespace's, or nobody. */
interface WaypointChoice {
  /** `namespace/name`, or 'none'. */
  readonly waypoint: string;
  readonly namespace?: string;
  readonly name?: string;
  /** The resource that holds the label (or the Service itself when nothing chose). */
  readonly holder: LintResource;
  readonly path: DocPath;
}

function labelPath(resource: LintResource, label: string): DocPath {
  if (labelsOf(resource.object)[label] !== undefined) return ['metadata', 'labels', label];
  return get(resource.object, 'metadata', 'labels') === undefined ? ['metadata'] : ['metadata', 'labels'];
}

/** The waypoint a labelled resource asks for: istio.io/use-waypoint, in istio.io/use-waypoint-namespace or its own namespace. */
function choiceOf(resource: LintResource, ownNamespace: string): WaypointChoice | undefined {
  const labels = labelsOf(resource.object);
  const name = labels[USE_WAYPOINT_LABEL];
  if (name === undefined) return undefined;
  if (name === 'none' || name === '') return { waypoint: 'none', holder: resource, path: labelPath(resource, USE_WAYPOINT_LABEL) };
  const namespace = labels[USE_WAYPOINT_NAMESPACE_LABEL] ?? ownNamespace;
  return { waypoint: `${namespace}/${name}`, namespace, name, holder: resource, path: labelPath(resource, USE_WAYPOINT_LABEL) };
}

interface Subject {
  readonly cluster: string;
  readonly resource: LintResource;
  readonly choice: WaypointChoice;
}

function check(context: RuleContext): void {
  const scopes = scopeIndex(context);
  const waypoints = new Map<string, LintResource>();
  const waypointClusters = new Map<string, Set<string>>();
  const clustersWithWaypoints = new Set<string>();
  for (const gateway of context.resources('Gateway')) {
    if (!isKubernetesGateway(gateway)) continue;
    const key = `${namespaceOf(gateway)}/${gateway.name}`;
    waypoints.set(`${gateway.cluster}\u0000${key}`, gateway);
    if (gatewayClassOf(gateway) !== WAYPOINT_CLASS) continue;
    clustersWithWaypoints.add(gateway.cluster);
    const clusters = waypointClusters.get(key) ?? new Set<string>();
    clusters.add(gateway.cluster);
    waypointClusters.set(key, clusters);
  }
  const servicesByKey = new Map<string, LintResource>();
  for (const service of context.resources('Service')) servicesByKey.set(`${service.cluster}\u0000${namespaceOf(service)}/${service.name}`, service);

  const reported = new Set<string>();
  const report = (resource: LintResource, path: DocPath, messageId: string, data: Record<string, string>) => {
    const key = `${resource.cluster}|${resource.location.file}|${resource.location.docIndex ?? 0}|${path.join('.')}|${messageId}`;
    if (reported.has(key)) return;
    reported.add(key);
    context.report({ resource, path, messageId, data });
  };

  // Global services (from the input) and namespaces a global scope selects: some (not necessarily every) service of
  // theirs is global (namespaceHasGlobal).
  const serviceSubjects = new Map<string, Subject[]>();
  const namespaceSubjects = new Map<string, Subject[]>();
  const scopeOf = new Map<string, { cluster: string; resource: LintResource; global: boolean }[]>();
  for (const service of context.resources('Service')) {
    const namespace = namespaceOf(service);
    const global = scopes.isGlobal(service.cluster, namespace, labelsOf(service.object));
    const key = `${namespace}/${service.name}`;
    scopeOf.set(key, [...(scopeOf.get(key) ?? []), { cluster: service.cluster, resource: service, global }]);
    if (!global) continue;
    const ns = scopes.namespaceResource(service.cluster, namespace);
    const choice = choiceOf(service, namespace) ?? (ns ? choiceOf(ns, namespace) : undefined) ?? { waypoint: 'none', holder: service, path: labelPath(service, USE_WAYPOINT_LABEL) };
    serviceSubjects.set(key, [...(serviceSubjects.get(key) ?? []), { cluster: service.cluster, resource: service, choice }]);
  }
  for (const ns of context.resources('Namespace')) {
    if (!scopes.namespaceHasGlobal(ns.cluster, ns.name)) continue;
    const choice = choiceOf(ns, ns.name) ?? { waypoint: 'none', holder: ns, path: labelPath(ns, USE_WAYPOINT_LABEL) };
    namespaceSubjects.set(ns.name, [...(namespaceSubjects.get(ns.name) ?? []), { cluster: ns.cluster, resource: ns, choice }]);
  }

  // A service is global in one cluster and local in another: the clusters disagree on who may reach it.
  for (const [key, copies] of scopeOf) {
    const sorted = [...copies].sort((a, b) => compareResources(a.resource, b.resource));
    const global = sorted.find((c) => c.global);
    if (!global) continue;
    for (const copy of sorted) {
      if (copy.global || copy.cluster === global.cluster) continue;
      report(copy.resource, labelPath(copy.resource, 'istio.io/global'), 'scopeDiffers', { service: key, cluster: copy.cluster, otherCluster: global.cluster });
    }
  }

  // use-waypoint labels agree across clusters (#58064: waypoint names that differ between clusters).
  for (const groups of [serviceSubjects, namespaceSubjects]) {
    for (const [key, subjects] of groups) {
      const sorted = [...subjects].sort((a, b) => compareResources(a.resource, b.resource));
      const reference = sorted[0]!;
      for (const subject of sorted.slice(1)) {
        if (subject.cluster === reference.cluster || subject.choice.waypoint === reference.choice.waypoint) continue;
        report(subject.choice.holder, subject.choice.path, 'useWaypointDiffers', { subject: key, waypoint: subject.choice.waypoint, cluster: subject.cluster, otherWaypoint: reference.choice.waypoint, otherCluster: reference.cluster });
      }
    }
  }

  // The waypoint exists in every cluster that runs the service, is a waypoint, and is global itself (#60985).
  for (const subjects of [...serviceSubjects.values(), ...namespaceSubjects.values()]) {
    for (const { cluster, choice } of subjects) {
      if (choice.namespace === undefined || choice.name === undefined) continue;
      const key = `${choice.namespace}/${choice.name}`;
      const gateway = waypoints.get(`${cluster}\u0000${key}`) ?? waypoints.get(`\u0000${key}`);
      if (!gateway) {
        const elsewhere = [...(waypointClusters.get(key) ?? [])].filter((c) => c !== cluster).sort();
        // Judge only where the input carries waypoints: this cluster's, or the same waypoint in another cluster.
        if (elsewhere.length > 0 || clustersWithWaypoints.has(cluster)) {
          report(choice.holder, choice.path, 'waypointMissing', { waypoint: key, cluster, presentIn: elsewhere.length > 0 ? elsewhere.join(', ') : 'no cluster' });
        }
        continue;
      }
      const gatewayClass = gatewayClassOf(gateway) ?? '';
      if (gatewayClass !== WAYPOINT_CLASS) {
        report(choice.holder, choice.path, 'notAWaypoint', { waypoint: key, cluster, gatewayClass: gatewayClass || '(none)' });
        continue;
      }
      // The waypoint's Service carries the Gateway's labels and spec.infrastructure.labels.
      const labels = { ...labelsOf(gateway.object), ...stringRecord(get(gateway.object, 'spec', 'infrastructure', 'labels')) };
      const own = servicesByKey.get(`${gateway.cluster}\u0000${key}`);
      const ownGlobal = own !== undefined && scopes.isGlobal(own.cluster, choice.namespace, labelsOf(own.object));
      if (!ownGlobal && !scopes.isGlobal(cluster, choice.namespace, labels)) report(gateway, labelPath(gateway, 'istio.io/global'), 'waypointNotGlobal', { waypoint: key, cluster });
    }
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

const rule: Rule = {
  meta: {
    id: 'ambient-waypoint-symmetry',
    defaultSeverity: 'error',
    description: 'A global ambient service uses the same waypoint (same name and namespace) in every cluster that runs it, that waypoint exists there, and it is global too.',
    kinds: ['Service', 'Namespace', 'Gateway', ...MESH_CONFIG_KINDS],
    docs: 'policies/ambient-waypoint-symmetry.md',
    messages: {
      useWaypointDiffers: {
        message: '{{subject}} uses waypoint {{waypoint}} in cluster {{cluster}} but {{otherWaypoint}} in cluster {{otherCluster}}',
        hint: 'Give istio.io/use-waypoint (and istio.io/use-waypoint-namespace) the same value in every cluster: ambient multicluster routes through the waypoint of the same name everywhere.',
      },
      waypointMissing: {
        message: 'waypoint {{waypoint}} does not exist in cluster {{cluster}} (present in: {{presentIn}}), though a global service there uses it',
        hint: 'Deploy the istio-waypoint Gateway with the same name and namespace in every cluster that runs the service.',
      },
      notAWaypoint: {
        message: 'istio.io/use-waypoint names Gateway {{waypoint}} in cluster {{cluster}}, whose class is {{gatewayClass}}, not istio-waypoint',
        hint: 'Point the label at a Gateway of class istio-waypoint.',
      },
      waypointNotGlobal: {
        message: 'waypoint {{waypoint}} in cluster {{cluster}} serves a global service but is not global itself: other clusters cannot reach it',
        hint: 'Label the waypoint Gateway (or spec.infrastructure.labels) istio.io/global: "true", or let meshConfig.serviceScopeConfigs select it (istio/istio#60985).',
      },
      scopeDiffers: {
        message: 'Service {{service}} is local in cluster {{cluster}} but global in cluster {{otherCluster}}',
        hint: 'Make the service global in every cluster that runs it: istiod reads only its own cluster\'s serviceScopeConfigs.',
      },
    },
  },
  check,
};

export default rule;
