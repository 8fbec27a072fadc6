import type { DocPath } from '../diagnostics/types.js';

/**
 * Config paths that name list entries by identity: `services[bar/httpbin].exportTo[cluster1]` instead of
 * `services[1].exportTo[0]`. Positional paths stay inside the model (line:col resolution walks them); every printed or
 * stored form goes through this registry, so that removing an earlier entry renumbers nothing a reviewer sees.
 *
 * One key function per list of mesh.config.yaml. A list of the schema that has no entry here fails
 * test/config/identity.test.ts: a new list must say what names its entries, never fall back to an index silently.
 * Lists whose order is their meaning (HTTP rules without a name, match alternatives) say so: `#<index>`.
 */

/** Where a list lives: keys of maps, `*` for any entry of a list. */
export type ListPattern = readonly string[];

export interface ListKey {
  readonly list: ListPattern;
  /**
   * The entry's identity within its list: unique for a valid config (duplicates get `~2`, `~3` in order). A number
   * means "by position" (printed `#<index>`): only for entries whose place is their meaning.
   */
  readonly key: (entry: unknown, index: number) => string | number;
}

function field(entry: unknown, name: string): string | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const value = (entry as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

const scalar = (entry: unknown, index: number): string | number => (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean' ? String(entry) : index);
const byName = (entry: unknown, index: number): string | number => field(entry, 'name') ?? index;
/** Services, routes and external services are unique by namespace and name (config/semantic.ts). */
const byNamespacedName = (entry: unknown, index: number): string | number => {
  const name = field(entry, 'name');
  if (name === undefined) return index;
  const namespace = field(entry, 'namespace');
  return namespace === undefined ? name : `${namespace}/${name}`;
};
const positional = (_entry: unknown, index: number): number => index;
/** A gateway port: its name (unique per gateway), else its number. */
const gatewayPort = (entry: unknown, index: number): string | number => field(entry, 'name') ?? field(entry, 'port') ?? index;
/** A service port: its number (unique per service). */
const servicePort = (entry: unknown, index: number): string | number => field(entry, 'number') ?? field(entry, 'name') ?? index;
/** A route destination: what it sends to, qualified by what narrows it. */
const destination = (entry: unknown, index: number): string | number => {
  const target = field(entry, 'service') ?? field(entry, 'host');
  if (target === undefined) return index;
  const qualifiers = (['version', 'cluster', 'port'] as const).flatMap((q) => (field(entry, q) !== undefined ? [`${q}=${field(entry, q)}`] : []));
  return [target, ...qualifiers].join(',');
};
/** A policy exception: what it accepts (rule and scope). */
const exception = (entry: unknown, index: number): string | number => {
  const parts = (['rule', 'cluster', 'kind', 'namespace', 'name'] as const).flatMap((q) => (field(entry, q) !== undefined ? [`${q}=${field(entry, q)}`] : []));
  return parts.length > 0 ? parts.join(',') : index;
};

export const CONFIG_LISTS: readonly ListKey[] = [
  { list: ['mesh', 'vipRanges'], key: scalar },
  { list: ['clusters'], key: byName },
  { list: ['clusters', '*', 'ingressGateway', 'ports'], key: gatewayPort },
  { list: ['clusters', '*', 'ingressGateway', 'externalIPs'], key: scalar },
  { list: ['clusters', '*', 'eastWestGateway', 'ports'], key: gatewayPort },
  { list: ['clusters', '*', 'imports'], key: (e, i) => (field(e, 'service') !== undefined ? `${field(e, 'service')},from=${field(e, 'from') ?? ''}` : i) },
  { list: ['namespaces'], key: byName },
  { list: ['namespaces', '*', 'clusters'], key: scalar },
  { list: ['services'], key: byNamespacedName },
  { list: ['services', '*', 'clusters'], key: scalar },
  { list: ['services', '*', 'exportTo'], key: scalar },
  { list: ['services', '*', 'ports'], key: servicePort },
  { list: ['services', '*', 'versions'], key: byName },
  { list: ['services', '*', 'versions', '*', 'clusters'], key: scalar },
  { list: ['routes'], key: byNamespacedName },
  { list: ['routes', '*', 'clusters'], key: scalar },
  // HTTP rules are tried in order: a named rule is its name, an unnamed one its place.
  { list: ['routes', '*', 'http'], key: byName },
  { list: ['routes', '*', 'http', '*', 'match'], key: positional },
  { list: ['routes', '*', 'http', '*', 'to'], key: destination },
  { list: ['routes', '*', 'tcp'], key: (e, i) => field(e, 'port') ?? i },
  { list: ['routes', '*', 'tcp', '*', 'to'], key: destination },
  { list: ['externalServices'], key: byNamespacedName },
  { list: ['externalServices', '*', 'clusters'], key: scalar },
  { list: ['externalServices', '*', 'hosts'], key: scalar },
  { list: ['externalServices', '*', 'addresses'], key: scalar },
  { list: ['externalServices', '*', 'ports'], key: servicePort },
  { list: ['externalServices', '*', 'endpoints'], key: (e, i) => field(e, 'address') ?? i },
  { list: ['ingress'], key: byName },
  { list: ['ingress', '*', 'clusters'], key: scalar },
  { list: ['ingress', '*', 'paths'], key: scalar },
  { list: ['policies', 'exceptions'], key: exception },
];

/** The registered key of the list at `path` (keys of maps; any number stands for `*`), if any. */
export function listKeyAt(path: readonly (string | number)[]): ListKey | undefined {
  return CONFIG_LISTS.find((l) => l.list.length === path.length && l.list.every((segment, i) => (segment === '*' ? typeof path[i] === 'number' : segment === path[i])));
}

/** One step of a printed path: a map key, a list entry by identity, or (only where place is meaning) by position. */
export type IdentitySegment = { readonly key: string } | { readonly entry: string } | { readonly at: number };

/** A list entry's identity: its key, or its position. */
type EntryKey = string | number;

/** The identities of a list's entries, in order: computed once per list object. */
const keysCache = new WeakMap<readonly unknown[], { readonly keys: readonly EntryKey[]; readonly index: ReadonlyMap<string, number> }>();

function listKeys(list: readonly unknown[], key: ListKey['key']): { readonly keys: readonly EntryKey[]; readonly index: ReadonlyMap<string, number> } {
  let cached = keysCache.get(list);
  if (cached === undefined) {
    const seen = new Map<string, number>();
    const keys = list.map((entry, i) => {
      const base = key(entry, i);
      if (typeof base === 'number') return base;
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      return count === 1 ? base : `${base}~${count}`;
    });
    cached = { keys, index: new Map(keys.flatMap((k, i): [string, number][] => (typeof k === 'string' ? [[k, i]] : []))) };
    keysCache.set(list, cached);
  }
  return cached;
}

/**
 * A positional path into `config` (the parsed mesh config) as identity segments. Throws when a list on the path has no
 * registered key: that is a bug to fix in CONFIG_LISTS, not something to print as an index.
 */
export function identitySegments(config: unknown, path: DocPath): IdentitySegment[] {
  const out: IdentitySegment[] = [];
  let value: unknown = config;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'number') {
      const listKey = listKeyAt(path.slice(0, i));
      if (!listKey) throw new Error(`config list ${path.slice(0, i).join('.')} has no identity key in generator/config/identity.ts`);
      const list = Array.isArray(value) ? (value as unknown[]) : [];
      const key = segment < list.length ? listKeys(list, listKey.key).keys[segment]! : segment;
      out.push(typeof key === 'number' ? { at: key } : { entry: key });
      value = list[segment];
    } else {
      out.push({ key: segment });
      value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

/** Characters an identity or key may hold and still be printed bare. */
const BARE_ENTRY = /^[^\s[\]"'#{}][^\s[\]"'{}]*$/;
const BARE_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Prints identity segments: services[bar/httpbin].exportTo[cluster1]; odd keys and identities are JSON-quoted. */
export function formatIdentity(segments: readonly IdentitySegment[]): string {
  let out = '';
  for (const s of segments) {
    if ('at' in s) out += `[#${s.at}]`;
    else if ('entry' in s) out += BARE_ENTRY.test(s.entry) ? `[${s.entry}]` : `[${JSON.stringify(s.entry)}]`;
    else if (BARE_KEY.test(s.key)) out += out === '' ? s.key : `.${s.key}`;
    else out += `{${JSON.stringify(s.key)}}`;
  }
  return out === '' ? '(root)' : out;
}

/** Reads what formatIdentity prints; undefined when the text is not such a path. */
export function parseIdentity(text: string): IdentitySegment[] | undefined {
  if (text === '(root)') return [];
  const out: IdentitySegment[] = [];
  const token = /(?:^|\.)([A-Za-z_$][\w$-]*)|\{("(?:[^"\\]|\\.)*")\}|\[("(?:[^"\\]|\\.)*")\]|\[#(\d+)\]|\[([^\s[\]"'#{}][^\s[\]"'{}]*)\]/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (m[2] !== undefined) out.push({ key: JSON.parse(m[2]) as string });
    else if (m[3] !== undefined) out.push({ entry: JSON.parse(m[3]) as string });
    else if (m[4] !== undefined) out.push({ at: Number(m[4]) });
    else out.push({ entry: m[5]! });
    at = token.lastIndex;
  }
  return out;
}

/**
 * Identity segments -> the positional path into `config` of today's file, for line:col. Stops at the deepest node
 * that still exists (an entry removed since the file was generated points at its list).
 */
export function positionalPath(config: unknown, segments: readonly IdentitySegment[]): DocPath {
  const out: (string | number)[] = [];
  let value: unknown = config;
  for (const s of segments) {
    if ('key' in s) {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !(s.key in (value as object))) break;
      out.push(s.key);
      value = (value as Record<string, unknown>)[s.key];
      continue;
    }
    const listKey = listKeyAt(out);
    if (!Array.isArray(value) || !listKey) break;
    const index = 'at' in s ? s.at : listKeys(value as unknown[], listKey.key).index.get(s.entry);
    if (index === undefined || index >= (value as unknown[]).length) break;
    out.push(index);
    value = (value as unknown[])[index];
  }
  return out;
}

const displayMemo = new WeakMap<object, Map<string, string>>();

/**
 * services[bar/httpbin].exportTo[cluster1] for ['services', 1, 'exportTo', 0] of `config` (the validated config the
 * model keeps): the form of a config path in headers, diagnostics and the provenance index. Memoized per config.
 */
export function displayConfigPath(config: object, path: DocPath): string {
  let memo = displayMemo.get(config);
  if (memo === undefined) displayMemo.set(config, (memo = new Map()));
  const id = path.join('\u0000');
  let text = memo.get(id);
  if (text === undefined) memo.set(id, (text = formatIdentity(identitySegments(config, path))));
  return text;
}

/** The positional path of a printed identity path in `config` (deepest existing node); undefined if unreadable. */
export function locateConfigPath(config: unknown, printed: string): DocPath | undefined {
  const segments = parseIdentity(printed);
  return segments === undefined ? undefined : positionalPath(config, segments);
}

/** locateConfigPath bound to one config: what lint passes to read generated files' headers. */
export function locateIn(config: unknown): (printed: string) => DocPath | undefined {
  return (printed) => locateConfigPath(config, printed);
}
