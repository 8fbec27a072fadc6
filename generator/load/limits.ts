/** Input limits. They keep a hostile or mistaken file from exhausting memory or time. */
export interface InputLimits {
  /** Largest file read, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of mappings and sequences. */
  readonly maxDepth: number;
  /** Most alias expansions in one document (yaml's resource-exhaustion guard). */
  readonly maxAliasCount: number;
}

export const CONFIG_LIMITS: InputLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 64, maxAliasCount: 100 };

/** Manifests given to `lint` may be large generated bundles. */
export const MANIFEST_LIMITS: InputLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 128, maxAliasCount: 1000 };

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
