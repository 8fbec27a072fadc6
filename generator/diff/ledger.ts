import { parse } from 'yaml';
import { unifiedDiff } from './patch.js';
import { compareText } from './resources.js';
import type { LedgerChange, LedgerDiff } from './types.js';

// Fields that name an entry of a list, so a list entry is matched by identity rather than by position:
// removing one host must not show every later host as changed.
const IDENTITY_FIELDS = ['cluster', 'namespace', 'service', 'host', 'hostname', 'name', 'id', 'key'];

/**
 * Compares two versions of the VIP ledger (mesh.lock.yaml) entry by entry. The ledger's exact layout belongs to the
 * generator; this reads any YAML mapping/list shape, so a layout change never breaks the PR body.
 */
export function diffLedger(path: string, before: string | undefined, after: string | undefined): LedgerDiff {
  const fileChanged = (before ?? '') !== (after ?? '') || (before === undefined) !== (after === undefined);
  // The same text has the same entries: a large ledger is not parsed twice to find no change.
  if (!fileChanged) return { path, changes: [], fileChanged, patch: '' };
  const { patch } = unifiedDiff(path, before, after);
  const oldEntries = flatten(parseSafely(before));
  const newEntries = flatten(parseSafely(after));
  const changes: LedgerChange[] = [];
  for (const [key, value] of newEntries) {
    const old = oldEntries.get(key);
    if (old === undefined) changes.push({ change: 'added', key, after: value });
    else if (old !== value) changes.push({ change: 'changed', key, before: old, after: value });
  }
  for (const [key, value] of oldEntries) {
    if (!newEntries.has(key)) changes.push({ change: 'removed', key, before: value });
  }
  changes.sort((a, b) => compareText(a.key, b.key));
  return { path, changes, fileChanged, patch };
}

function parseSafely(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return parse(text, { uniqueKeys: false, maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** Leaf scalars by readable path. */
function flatten(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: unknown, path: readonly string[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, identityOf(item) ?? `[${index}]`]));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) visit(child, [...path, key]);
    } else if (path.length > 0) {
      out.set(path.join(' / '), node === null || node === undefined ? 'null' : String(node));
    }
  };
  visit(value, []);
  return out;
}

function identityOf(item: unknown): string | undefined {
  if (typeof item === 'string' || typeof item === 'number') return String(item);
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const parts = IDENTITY_FIELDS.filter((field) => typeof record[field] === 'string' || typeof record[field] === 'number').map((field) => String(record[field]));
  return parts.length > 0 ? parts.join(' ') : undefined;
}
