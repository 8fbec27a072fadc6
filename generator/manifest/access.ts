/**
 * Defensive readers for parsed manifests. Rules run on any user YAML, so a field may hold any shape:
 * these never throw and return an empty value when the shape is not the expected one.
 */
export type Json = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): Json {
  return isRecord(value) ? value : {};
}

export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The strings of a list, each with its index (non-strings skipped, indexes kept for paths). */
export function stringItems(value: unknown): readonly (readonly [number, string])[] {
  const out: (readonly [number, string])[] = [];
  asList(value).forEach((item, index) => {
    if (typeof item === 'string') out.push([index, item]);
  });
  return out;
}

/** The mappings of a list, each with its index. */
export function recordItems(value: unknown): readonly (readonly [number, Json])[] {
  const out: (readonly [number, Json])[] = [];
  asList(value).forEach((item, index) => {
    if (isRecord(item)) out.push([index, item]);
  });
  return out;
}

/** Reads a nested field: get(obj, 'spec', 'tls', 'mode'). */
export function get(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[segment];
    }
  }
  return current;
}

/** A label map (string values only). */
export function labels(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(asRecord(value))) if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
  return out;
}

/** Stable JSON for comparing parsed values: keys sorted at every level. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
