import { existsSync } from 'node:fs';
import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import type { SourceRegistry } from '../diagnostics/sources.js';
import { CONFIG_LIMITS, type InputLimits } from '../load/limits.js';
import { readSourceFile } from '../load/source.js';
import { parseYaml } from '../load/yaml.js';
import { yamlKey, yamlScalar } from '../core/yaml-scalar.js';
import type { VipLedger } from './ledger.js';

export const LOCK_FILE = 'mesh.lock.yaml';

/**
 * The ledger is machine-written and grows with clusters x imported hosts (about 40 bytes an entry: 4 MB at 100,000
 * imports), so it gets a larger size limit than the hand-written config.
 */
export const LOCK_LIMITS: InputLimits = { ...CONFIG_LIMITS, maxBytes: 64 * 1024 * 1024 };
const API_VERSION = 'meshforge.io/v1alpha1';
const KIND = 'VipLedger';
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The ledger as committed text: sorted, LF endings, no timestamps, so git diffs show only real moves. */
export function serializeLedger(ledger: VipLedger): string {
  const lines = [
    '# The VIP ledger of meshforge: written by `meshforge generate`. Commit it with the generated tree.',
    '# Each client cluster keeps the VIP of every imported host (name.namespace.cluster) and of every external',
    '# service with `addresses: auto` (namespace/name) for as long as the config asks for it. Removed entries move to',
    '# `reserved` and their VIPs are not reused until `meshforge generate --reclaim`.',
    `apiVersion: ${API_VERSION}`,
    `kind: ${KIND}`,
  ];
  for (const section of ['vips', 'reserved'] as const) {
    const clusters = Object.keys(ledger[section]).sort();
    if (clusters.length === 0) {
      lines.push(`${section}: {}`);
      continue;
    }
    lines.push(`${section}:`);
    for (const cluster of clusters) {
      lines.push(`  ${yamlKey(cluster)}:`);
      const entries = Object.entries(ledger[section][cluster]!).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [key, vip] of entries) lines.push(`    ${yamlKey(key)}: ${yamlScalar(vip)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a parsed lock file. Every problem points at its line through the path. */
export function ledgerFromValue(value: unknown, file: string): StageResult<VipLedger> {
  const problems: Diagnostic[] = [];
  const problem = (path: DocPath, message: string, hint: string) => problems.push({ rule: 'lock-invalid', severity: 'error', message, hint, location: { file, path } });
  const fix = `Restore ${file} from git, or delete it to allocate every VIP afresh (clients then see new addresses).`;
  if (!isRecord(value)) {
    problem([], `${file} must be a mapping with apiVersion, kind, vips and reserved`, fix);
    return fail(problems);
  }
  if (value.apiVersion !== API_VERSION) problem(['apiVersion'], `unsupported ledger apiVersion ${JSON.stringify(value.apiVersion)}`, `Use ${API_VERSION}. ${fix}`);
  if (value.kind !== KIND) problem(['kind'], `kind must be ${KIND}, not ${JSON.stringify(value.kind)}`, fix);
  const section = (name: 'vips' | 'reserved'): Record<string, Record<string, string>> => {
    const raw = value[name] ?? {};
    const out: Record<string, Record<string, string>> = {};
    if (!isRecord(raw)) {
      problem([name], `${name} must map cluster names to their entries`, fix);
      return out;
    }
    for (const [cluster, entries] of Object.entries(raw)) {
      if (!isRecord(entries)) {
        problem([name, cluster], `${name}.${cluster} must map hosts to VIPs`, fix);
        continue;
      }
      const map: Record<string, string> = {};
      for (const [key, vip] of Object.entries(entries)) {
        if (typeof vip !== 'string' || !IPV4.test(vip)) problem([name, cluster, key], `VIP of ${key} in ${cluster} is not an IPv4 address: ${JSON.stringify(vip)}`, fix);
        else map[key] = vip;
      }
      out[cluster] = map;
    }
    return out;
  };
  const vips = section('vips');
  const reserved = section('reserved');
  // A hand edit must not give two hosts of one cluster the same VIP.
  for (const cluster of new Set([...Object.keys(vips), ...Object.keys(reserved)])) {
    const seen = new Map<string, string>();
    for (const [name, map] of [['vips', vips[cluster] ?? {}], ['reserved', reserved[cluster] ?? {}]] as const) {
      for (const [key, vip] of Object.entries(map)) {
        const other = seen.get(vip);
        if (other !== undefined) problem([name, cluster, key], `VIP ${vip} of ${key} is also the VIP of ${other} in cluster ${cluster}`, 'Give each host of a cluster its own VIP: delete one of the two lines and run `meshforge generate` to allocate a free one.');
        else seen.set(vip, key);
      }
    }
  }
  return problems.length > 0 ? fail(problems) : ok({ vips, reserved });
}

/** Reads the lock file; undefined when it does not exist yet (first run). */
export function readLedger(file: string, sources: SourceRegistry): StageResult<VipLedger | undefined> {
  if (!existsSync(file)) return ok(undefined);
  const text = readSourceFile(file, LOCK_LIMITS, sources);
  if (!text.ok) return text;
  const parsed = parseYaml(text.value, { limits: LOCK_LIMITS, sources });
  if (!parsed.ok) return parsed;
  const docs = parsed.value.documents;
  if (docs.length === 0 || docs[0]!.value === null || docs[0]!.value === undefined) return ok(undefined);
  return ledgerFromValue(docs[0]!.value, file);
}
