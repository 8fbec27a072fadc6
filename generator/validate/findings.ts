import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import type { ManifestResource } from '../manifest/types.js';
import { SCHEMA_RULE, UNKNOWN_KIND_RULE } from './types.js';

/** `spec.servers[0].port`: how a field path reads in a message. */
export function formatFieldPath(path: DocPath): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text === '' ? '(document root)' : text;
}

/**
 * Turns a JSON pointer (`/spec/servers/0/port`) into a document path, using the object to tell sequence
 * indexes from keys that happen to be digits.
 */
export function pointerToPath(pointer: string, object: unknown): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  const path: (string | number)[] = [];
  let node: unknown = object;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

export interface FindingInput {
  readonly resource: ManifestResource;
  readonly path: DocPath;
  readonly message: string;
  readonly hint?: string;
  readonly target?: 'key' | 'value';
}

function locate(resource: ManifestResource, path: DocPath, target?: 'key' | 'value'): Diagnostic['location'] {
  return {
    file: resource.location.file,
    docIndex: resource.location.docIndex ?? 0,
    path: [...(resource.location.path ?? []), ...path],
    ...(target ? { target } : {}),
  };
}

function common(resource: ManifestResource): Pick<Diagnostic, 'resource' | 'cluster' | 'origin'> {
  return {
    resource: { apiVersion: resource.apiVersion, kind: resource.kind, ...(resource.namespace !== undefined ? { namespace: resource.namespace } : {}), name: resource.name },
    ...(resource.cluster !== undefined ? { cluster: resource.cluster } : {}),
    ...(resource.origin ? { origin: resource.origin } : {}),
  };
}

/** An invalid resource: rule `schema`, an error on the offending field's line. */
export function schemaError(input: FindingInput): Diagnostic {
  return {
    rule: SCHEMA_RULE,
    severity: 'error',
    message: input.message,
    ...(input.hint !== undefined ? { hint: input.hint } : {}),
    location: locate(input.resource, input.path, input.target),
    ...common(input.resource),
  };
}

/** No schema for this apiVersion/kind: a warning, so a typo in apiVersion is never silently unchecked. */
export function unknownKind(resource: ManifestResource, message: string, hint: string): Diagnostic {
  return {
    rule: UNKNOWN_KIND_RULE,
    severity: 'warning',
    message,
    hint,
    location: locate(resource, ['apiVersion']),
    ...common(resource),
  };
}
