import { parse } from 'yaml';

/**
 * YAML-safe scalars for the templates. A config value must come back as the same string after any YAML parser reads
 * the file: eemeli/yaml (YAML 1.2 core, what meshforge reads) and go-yaml (YAML 1.1, what kubectl, Argo CD and Flux
 * read, where `yes`, `on`, `0755`, `1:20` and dates are not strings). A string stays plain only when both readers agree
 * it is that string; everything else is written double-quoted with JSON-style escapes.
 */

// Characters a plain scalar may hold here. Deliberately narrow: anything else is quoted, which is always correct.
const PLAIN_CANDIDATE = /^[A-Za-z0-9_./][A-Za-z0-9_./@+=:-]*$/;
const plainCache = new Map<string, boolean>();

function parsesBackTo(text: string, schema: 'core' | 'yaml-1.1'): boolean {
  try {
    return parse(text, { schema, strict: true, uniqueKeys: true }) === text;
  } catch {
    return false;
  }
}

/**
 * The common case, decided without parsing: lowercase DNS-style names and hosts (`svc-1`, `httpbin.bar.cluster2`).
 * Starting with a letter and holding only [a-z0-9.-], such a string is never a number, date, sexagesimal, null or
 * indicator in either YAML version; the only strings of this shape with another meaning are YAML 1.1's booleans,
 * `null`, and exponents without a mantissa (`e3`). A property test checks this agrees with the parsers. It saves two parses per distinct name, which at
 * 200,000 generated files is most of the rendering time, and keeps those names out of the cache.
 */
const FAST_PLAIN = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*$/;
const FAST_EXCLUDED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
// The YAML 1.1 float pattern makes its mantissa optional, so `e3` and `e-3` read as numbers there.
const FAST_EXPONENT = /^e-?[0-9]/;
// IPv4 addresses (every VIP and gateway address): four dot-separated numbers are no number or date in either version.
const DOTTED_QUAD = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$/;
// Relative paths and API versions (`istio-system/serviceentry-httpbin-bar.yaml`, `networking.istio.io/v1`): a slash
// makes a string no number, date, boolean or null in either version, and none of these characters is an indicator.
// Every kustomization lists thousands of distinct paths: parsing each twice was the largest cost of the render.
const FAST_PATH = /^[a-z_][a-z0-9_.-]*(?:\/[a-z0-9_.-]+)+$/;

/** True when `text` can be written as a plain (unquoted) scalar and every YAML reader gets the same string back. */
export function isPlainSafe(text: string): boolean {
  if (text.length <= 256 && FAST_PLAIN.test(text) && !FAST_EXCLUDED.has(text) && !FAST_EXPONENT.test(text)) return true;
  if (DOTTED_QUAD.test(text)) return true;
  if (text.length <= 256 && FAST_PATH.test(text)) return true;
  return isPlainSafeByParsing(text);
}

/** The reference decision: both YAML readers parse the text back to itself. Cached: few distinct values get here. */
export function isPlainSafeByParsing(text: string): boolean {
  const cached = plainCache.get(text);
  if (cached !== undefined) return cached;
  const safe =
    text.length > 0 &&
    text.length <= 256 &&
    PLAIN_CANDIDATE.test(text) &&
    !text.endsWith(':') &&
    // A colon followed by more text is fine in block context, but `a:b` reads as sexagesimal in YAML 1.1 when numeric.
    parsesBackTo(text, 'core') &&
    parsesBackTo(text, 'yaml-1.1');
  plainCache.set(text, safe);
  return safe;
}

/** Characters that YAML does not allow raw inside a double-quoted scalar, or that editors and terminals mangle. */
// eslint-disable-next-line no-control-regex
const ESCAPE = /[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\0': '\\0' };

/** A double-quoted YAML scalar: the JSON escapes YAML shares, \uXXXX for the rest. */
export function doubleQuote(text: string): string {
  return `"${text.replace(ESCAPE, (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Writes one scalar value. Throws on anything that is not a string, finite number or boolean (a template bug). */
export function yamlScalar(value: unknown): string {
  if (typeof value === 'string') return isPlainSafe(value) ? value : doubleQuote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a YAML number`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new TypeError(`template value is ${value === undefined ? 'missing' : `a ${value === null ? 'null' : typeof value}`}, not a scalar`);
}

/** Writes a mapping key: always a string, quoted by the same rules as values. */
export function yamlKey(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`mapping key is ${value === undefined ? 'missing' : typeof value}, not a string`);
  return yamlScalar(value);
}

/** Text for a `#` comment: one line, no control characters. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}
