import { asRecord, get } from '../../generator/manifest/access.js';

/** Namespace labels that choose the data plane. */
export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/** The labels of a resource, as strings. */
export function labelsOf(object: unknown): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(asRecord(get(object, 'metadata', 'labels'))).map(([k, v]) => [k, String(v)]));
}
