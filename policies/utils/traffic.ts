import type { DocPath } from '../../generator/diagnostics/types.js';
import { asNumber, asRecord, asString, get, recordItems, type Json } from '../../generator/manifest/access.js';
import type { LintResource } from './rule.js';

/** Where traffic goes in a VirtualService: every route and mirror destination with its path. */
export interface DestinationRef {
  readonly section: 'http' | 'tcp' | 'tls';
  readonly kind: 'route' | 'mirror';
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** Path of the destination object (holding host, subset, port). */
  readonly path: DocPath;
}

const SECTIONS = ['http', 'tcp', 'tls'] as const;

function destination(section: DestinationRef['section'], kind: DestinationRef['kind'], value: unknown, path: DocPath): DestinationRef[] {
  const record = asRecord(value);
  const host = asString(record.host);
  if (host === undefined) return [];
  const subset = asString(record.subset);
  const port = asNumber(get(record, 'port', 'number'));
  return [{ section, kind, host, ...(subset !== undefined ? { subset } : {}), ...(port !== undefined ? { port } : {}), path }];
}

export function destinationsOf(virtualService: LintResource): DestinationRef[] {
  const out: DestinationRef[] = [];
  const spec = asRecord(virtualService.object.spec);
  for (const section of SECTIONS) {
    for (const [i, route] of recordItems(spec[section])) {
      for (const [j, target] of recordItems(route.route)) out.push(...destination(section, 'route', target.destination, ['spec', section, i, 'route', j, 'destination']));
      if (section === 'http') {
        if (route.mirror !== undefined) out.push(...destination(section, 'mirror', route.mirror, ['spec', section, i, 'mirror']));
        for (const [k, mirror] of recordItems(route.mirrors)) out.push(...destination(section, 'mirror', mirror.destination, ['spec', section, i, 'mirrors', k, 'destination']));
      }
    }
  }
  return out;
}

/** Every `tls` block of a DestinationRule (top level, per port, per subset) with its path. */
export function tlsSettingsOf(destinationRule: LintResource): { readonly tls: Json; readonly path: DocPath }[] {
  const out: { tls: Json; path: DocPath }[] = [];
  const policy = (value: unknown, path: DocPath): void => {
    const record = asRecord(value);
    if (record.tls !== undefined) out.push({ tls: asRecord(record.tls), path: [...path, 'tls'] });
    for (const [i, port] of recordItems(record.portLevelSettings)) if (port.tls !== undefined) out.push({ tls: asRecord(port.tls), path: [...path, 'portLevelSettings', i, 'tls'] });
  };
  const spec = asRecord(destinationRule.object.spec);
  policy(spec.trafficPolicy, ['spec', 'trafficPolicy']);
  for (const [i, subset] of recordItems(spec.subsets)) policy(subset.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']);
  return out;
}

/** Resources grouped by cluster, in input order. */
export function byCluster<T extends { readonly cluster: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.cluster);
    if (list) list.push(item);
    else out.set(item.cluster, [item]);
  }
  return out;
}

/** `Kind namespace/name` or `Kind name`, for message data. */
export function describe(resource: LintResource): string {
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
}

/** A stable order for reporting the later of two conflicting resources. */
export function compareResources(a: LintResource, b: LintResource): number {
  const key = (r: LintResource) => `${r.cluster}\u0000${r.namespace ?? ''}\u0000${r.name}\u0000${r.location.file}\u0000${String(r.location.docIndex ?? 0).padStart(6, '0')}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
