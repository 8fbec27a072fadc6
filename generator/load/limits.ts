/** Input limits. They keep a hostile or mistaken file from exhausting memory or time. */
export interface InputLimits {
  /** Largest file read, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of mappings and sequences. */
  readonly maxDepth: number;
  /**
   * Most nodes that aliases may add to one document when expanded (an alias of a 3-node list adds 3). This bounds
   * what an alias bomb costs later stages, which walk the expanded tree, while ordinary anchors stay free to use.
   */
  readonly maxAliasNodes: number;
  /** Most characters of scalar text that aliases may add to one document when expanded. */
  readonly maxAliasBytes: number;
}

export const CONFIG_LIMITS: InputLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 64, maxAliasNodes: 100_000, maxAliasBytes: 4 * 1024 * 1024 };

/** Manifests given to `lint` may be large generated bundles. */
export const MANIFEST_LIMITS: InputLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 128, maxAliasNodes: 1_000_000, maxAliasBytes: 64 * 1024 * 1024 };

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
