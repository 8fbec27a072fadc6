/**
 * Identity checks on a manifest, before any rule reads it: apiVersion and kind of the right type and shape, and names
 * the API server would accept. A name with `..`, `/` or a look-alike Unicode letter is never a real object: it is a
 * mistake or an attempt to smuggle a path or a confusable name past review.
 */
export interface IdentityProblem {
  readonly field: 'apiVersion' | 'kind' | 'name' | 'namespace';
  readonly message: string;
}

/** RBAC objects may use any name that is a valid URL path segment (system:controller:..., with colons). */
const PATH_SEGMENT_NAMED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
/** DNS-1123 subdomain: what the API server requires of almost every object name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1123 label: what a namespace name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** group/version or version (core): the group is a DNS subdomain, the version a DNS-1035 label such as v1beta1. */
const API_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/** The first character that is not printable ASCII, shown as U+XXXX (look-alike letters, zero-width and control characters). */
function oddCharacter(text: string): string | undefined {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x21 || code > 0x7e) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

function nameProblem(field: 'name' | 'namespace', value: string, kind: string | undefined): IdentityProblem | undefined {
  const odd = oddCharacter(value);
  if (odd) return { field, message: `metadata.${field} '${JSON.stringify(value).slice(1, -1)}' contains the character ${odd}: only ASCII letters, digits, '-' and '.' are allowed (a look-alike or invisible character makes a different name)` };
  if (value === '.' || value === '..' || value.includes('/') || value.includes('%')) return { field, message: `metadata.${field} '${value}' is not a valid name: it may not be '.' or '..' or contain '/' or '%'` };
  if (field === 'namespace') {
    if (value.length > 63 || !DNS_LABEL.test(value)) return { field, message: `metadata.namespace '${value}' is not a valid namespace: lowercase letters, digits and '-', at most 63 characters` };
    return undefined;
  }
  if (kind !== undefined && PATH_SEGMENT_NAMED.has(kind)) return undefined;
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) return { field, message: `metadata.name '${value}' is not a valid object name: lowercase letters, digits, '-' and '.', at most 253 characters` };
  return undefined;
}

/** apiVersion/kind problems for a document that has at least one of them. */
export function typeProblems(object: Readonly<Record<string, unknown>>): IdentityProblem[] {
  const out: IdentityProblem[] = [];
  for (const field of ['apiVersion', 'kind'] as const) {
    const value = object[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') out.push({ field, message: `${field} is ${typeName(value)}, not a string` });
    else if (!(field === 'kind' ? KIND : API_VERSION).test(value)) out.push({ field, message: `${field} '${JSON.stringify(value).slice(1, -1)}' is not a valid ${field === 'kind' ? 'kind (a name such as VirtualService)' : 'apiVersion (group/version such as networking.istio.io/v1)'}` });
  }
  return out;
}

/** Name and namespace problems; `metadata.name` itself being absent is reported elsewhere. */
export function nameProblems(kind: string | undefined, metadata: Readonly<Record<string, unknown>>): IdentityProblem[] {
  const out: IdentityProblem[] = [];
  for (const field of ['name', 'namespace'] as const) {
    const value = metadata[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      out.push({ field, message: `metadata.${field} is ${typeName(value)}, not a string` });
      continue;
    }
    if (value === '') continue;
    const problem = nameProblem(field, value, kind);
    if (problem) out.push(problem);
  }
  return out;
}
