/**
 * Synthetic meshes for the benchmark: C clusters, S services per cluster, each service exported to the K clusters that
 * follow its own (wrapping around). Deterministic: the same sizes always give the same bytes, so runs compare.
 *
 * Per service the generator writes an export ServiceEntry and DestinationRule in the owning cluster and an import
 * ServiceEntry and DestinationRule in each of the K importing clusters: about 2 + 2K resources a service, so
 * C=50, S=200, K=10 gives about 220,000 resources.
 */
export interface MeshSize {
  readonly clusters: number;
  readonly services: number;
  readonly fanout: number;
}

export interface SyntheticOptions {
  /** The one-service change: the first service of the first cluster gets another port number. */
  readonly variant?: 'base' | 'one-change';
}

/** Namespaces services are spread over (per cluster the same set: namespace sameness across clusters). */
export const SYNTHETIC_NAMESPACES = 10;

export function clusterName(index: number): string {
  return `c${String(index).padStart(3, '0')}`;
}

export function serviceName(cluster: number, index: number): string {
  return `svc-${String(cluster).padStart(3, '0')}-${String(index).padStart(4, '0')}`;
}

export function namespaceName(index: number): string {
  return `ns-${String(index).padStart(2, '0')}`;
}

/** Checks sizes before anything is built: the fanout cannot exceed the other clusters, and addresses must fit. */
export function checkSize(size: MeshSize): string | undefined {
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (!whole(size.clusters) || size.clusters < 1) return '--clusters must be a whole number of 1 or more';
  if (size.clusters > 60000) return '--clusters must be at most 60000 (one ingress address each in 10.0.0.0/8)';
  if (!whole(size.services) || size.services < 1) return '--services must be a whole number of 1 or more';
  if (size.services > 9999) return '--services must be at most 9999 per cluster';
  if (!whole(size.fanout)) return '--fanout must be a whole number of 0 or more';
  if (size.fanout > size.clusters - 1) return `--fanout ${size.fanout} is more than the ${size.clusters - 1} other clusters`;
  return undefined;
}

/** About how many resources the generator writes for a size (exact count comes from the run). */
export function expectedResources(size: MeshSize): number {
  return size.clusters * size.services * (2 + 2 * size.fanout);
}

function address(index: number): string {
  const n = index + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The mesh.config.yaml text. Flow style keeps it small: the config limit is 4 MiB. */
export function syntheticConfig(size: MeshSize, options: SyntheticOptions = {}): string {
  const problem = checkSize(size);
  if (problem) throw new RangeError(problem);
  const lines: string[] = [
    '# A synthetic mesh written by `npm run bench -- --write-config`: not a real fleet.',
    `# clusters: ${size.clusters}, services per cluster: ${size.services}, each exported to ${size.fanout} clusters.`,
    'apiVersion: meshforge.io/v1alpha1',
    'mesh:',
    '  id: bench',
    '  trustDomain: cluster.local',
    '  istio: { version: 1.29.0 }',
    // A /12 holds a million VIPs per cluster: far more than any size here imports.
    '  vipRanges: [240.0.0.0/12]',
    'clusters:',
  ];
  for (let c = 0; c < size.clusters; c++) {
    lines.push(`  - { name: ${clusterName(c)}, network: net-${clusterName(c)}, install: { method: helm }, ingressGateway: { address: ${address(c)} } }`);
  }
  const namespaces = Math.min(SYNTHETIC_NAMESPACES, size.services);
  lines.push('namespaces:');
  for (let n = 0; n < namespaces; n++) lines.push(`  - { name: ${namespaceName(n)} }`);
  lines.push('services:');
  for (let c = 0; c < size.clusters; c++) {
    const exportTo = Array.from({ length: size.fanout }, (_, k) => clusterName((c + 1 + k) % size.clusters));
    const to = exportTo.length > 0 ? `, exportTo: [${exportTo.join(', ')}]` : '';
    for (let s = 0; s < size.services; s++) {
      const port = options.variant === 'one-change' && c === 0 && s === 0 ? 8080 : 80;
      lines.push(`  - { name: ${serviceName(c, s)}, namespace: ${namespaceName(s % namespaces)}, cluster: ${clusterName(c)}, ports: [{ number: ${port}, name: http, protocol: HTTP }]${to} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}
