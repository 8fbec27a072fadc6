/**
 * The annotation names Istio defines (istio/api annotation/annotations.yaml), as the union of the releases meshforge
 * supports (1.24.0 to 1.29.0), so an annotation valid in any of them is known. Refresh when MAX_ISTIO moves.
 */
export const ISTIO_ANNOTATIONS: ReadonlySet<string> = new Set([
  'alpha.istio.io/canonical-serviceaccounts',
  'alpha.istio.io/kubernetes-serviceaccounts',
  'ambient.istio.io/bypass-inbound-capture',
  'ambient.istio.io/dns-capture',
  'ambient.istio.io/redirection',
  'ambient.istio.io/waypoint-inbound-binding',
  'galley.istio.io/analyze-suppress',
  'gateway.istio.io/controller-version',
  'gateway.istio.io/name-override',
  'gateway.istio.io/service-account',
  'inject.istio.io/templates',
  'istio.io/autoRegistrationGroup',
  'istio.io/connectedAt',
  'istio.io/disconnectedAt',
  'istio.io/dry-run',
  'istio.io/reroute-virtual-interfaces',
  'istio.io/rev',
  'istio.io/workloadController',
  'kubernetes.io/ingress.class',
  'networking.istio.io/exportTo',
  'networking.istio.io/service-type',
  'networking.istio.io/traffic-distribution',
  'prometheus.istio.io/merge-metrics',
  'proxy.istio.io/config',
  'proxy.istio.io/overrides',
  'readiness.status.sidecar.istio.io/applicationPorts',
  'readiness.status.sidecar.istio.io/failureThreshold',
  'readiness.status.sidecar.istio.io/initialDelaySeconds',
  'readiness.status.sidecar.istio.io/periodSeconds',
  'sidecar.istio.io/agentLogLevel',
  'sidecar.istio.io/bootstrapOverride',
  'sidecar.istio.io/componentLogLevel',
  'sidecar.istio.io/discoveryAddress',
  'sidecar.istio.io/enableCoreDump',
  'sidecar.istio.io/extraStatTags',
  'sidecar.istio.io/inject',
  'sidecar.istio.io/interceptionMode',
  'sidecar.istio.io/logLevel',
  'sidecar.istio.io/nativeSidecar',
  'sidecar.istio.io/proxyCPU',
  'sidecar.istio.io/proxyCPULimit',
  'sidecar.istio.io/proxyImage',
  'sidecar.istio.io/proxyImageType',
  'sidecar.istio.io/proxyMemory',
  'sidecar.istio.io/proxyMemoryLimit',
  'sidecar.istio.io/rewriteAppHTTPProbers',
  'sidecar.istio.io/statsCompression',
  'sidecar.istio.io/statsEvictionInterval',
  'sidecar.istio.io/statsFlushInterval',
  'sidecar.istio.io/statsHistogramBins',
  'sidecar.istio.io/statsHistogramBuckets',
  'sidecar.istio.io/statsInclusionPrefixes',
  'sidecar.istio.io/statsInclusionRegexps',
  'sidecar.istio.io/statsInclusionSuffixes',
  'sidecar.istio.io/status',
  'sidecar.istio.io/userVolume',
  'sidecar.istio.io/userVolumeMount',
  'status.sidecar.istio.io/port',
  'topology.istio.io/controlPlaneClusters',
  'traffic.istio.io/nodeSelector',
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/excludeInterfaces',
  'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
  'traffic.sidecar.istio.io/includeOutboundPorts',
  'traffic.sidecar.istio.io/kubevirtInterfaces',
]);

/** Annotations in an Istio domain (`*istio.io/...`): the ones Istio's list is meant to cover. */
export function isIstioAnnotation(name: string): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && name.slice(0, slash).endsWith('istio.io');
}

/**
 * Where each annotation belongs (istio/api annotation/annotations.yaml `resources`, union over 1.24.0 to 1.29.0): the
 * kinds Istio reads it on. Annotations not listed here are Pod annotations; `Any` means every kind.
 */
export const ANNOTATION_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  'alpha.istio.io/canonical-serviceaccounts': ['Service'],
  'alpha.istio.io/kubernetes-serviceaccounts': ['Service'],
  'ambient.istio.io/waypoint-inbound-binding': ['Gateway', 'GatewayClass'],
  'galley.istio.io/analyze-suppress': ['Any'],
  'gateway.istio.io/controller-version': ['Any'],
  'gateway.istio.io/name-override': ['Gateway'],
  'gateway.istio.io/service-account': ['Gateway'],
  'istio.io/autoRegistrationGroup': ['WorkloadEntry'],
  'istio.io/connectedAt': ['WorkloadEntry'],
  'istio.io/disconnectedAt': ['WorkloadEntry'],
  'istio.io/dry-run': ['AuthorizationPolicy'],
  'istio.io/workloadController': ['WorkloadEntry'],
  'kubernetes.io/ingress.class': ['Ingress'],
  'networking.istio.io/exportTo': ['Service'],
  'networking.istio.io/service-type': ['Gateway'],
  'networking.istio.io/traffic-distribution': ['Service', 'ServiceEntry'],
  'topology.istio.io/controlPlaneClusters': ['Namespace'],
  'traffic.istio.io/nodeSelector': ['Service'],
};

/** The kinds an annotation belongs on: ['Pod'] unless listed in ANNOTATION_RESOURCES. */
export function annotationResources(name: string): readonly string[] {
  return Object.hasOwn(ANNOTATION_RESOURCES, name) ? ANNOTATION_RESOURCES[name]! : ['Pod'];
}

/** Annotations marked deprecated in 1.29.0's annotations.yaml. */
export const DEPRECATED_ANNOTATIONS: ReadonlySet<string> = new Set([
  'alpha.istio.io/canonical-serviceaccounts',
  'alpha.istio.io/kubernetes-serviceaccounts',
  'sidecar.istio.io/discoveryAddress',
  'sidecar.istio.io/extraStatTags',
  'sidecar.istio.io/inject',
  'sidecar.istio.io/statsCompression',
  'sidecar.istio.io/statsInclusionPrefixes',
  'sidecar.istio.io/statsInclusionRegexps',
  'sidecar.istio.io/statsInclusionSuffixes',
  'traffic.sidecar.istio.io/kubevirtInterfaces',
]);
