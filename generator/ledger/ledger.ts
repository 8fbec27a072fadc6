import type { Diagnostic, DocPath } from '../diagnostics/types.js';
import { fail, ok, type StageResult } from '../diagnostics/result.js';
import { contains, intToIp, ISTIO_AUTO_ALLOCATION } from '../core/cidr.js';
import type { Cidr } from '../core/cidr.js';
import type { ExternalServiceModel, MeshModel } from '../model/types.js';

/**
 * The VIP ledger (mesh.lock.yaml): per client cluster, the VIP of every imported host and of every external service
 * with `addresses: auto`. Committed to git, so VIPs survive any machine; a VIP moves only when a person asks.
 *
 * Keys: an imported host is keyed by the name clients use (httpbin.bar.cluster2); an external service by
 * namespace/name (istio-system/mysql), which cannot be mistaken for a host because of the slash.
 */
export interface VipLedger {
  /** cluster -> key -> VIP, for everything the config asks for now. */
  readonly vips: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** cluster -> key -> VIP, freed by a removal and held back from reuse until `--reclaim`. */
  readonly reserved: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const EMPTY_LEDGER: VipLedger = { vips: {}, reserved: {} };

export function importKey(remoteHost: string): string {
  return remoteHost;
}

export function externalKey(service: Pick<ExternalServiceModel, 'namespace' | 'name'>): string {
  return `${service.namespace}/${service.name}`;
}

/** The VIP the ledger holds for a key in a cluster; throws if absent (render runs only on an allocated ledger). */
export function vipOf(ledger: VipLedger, cluster: string, key: string): string {
  const vip = ledger.vips[cluster]?.[key];
  if (vip === undefined) throw new Error(`meshforge: no VIP allocated for ${key} in ${cluster} (allocateVips must run before render)`);
  return vip;
}

interface Demand {
  readonly key: string;
  readonly origin: DocPath;
}

/** What needs a VIP in each cluster, in a stable order. */
export function vipDemand(model: MeshModel): Map<string, Demand[]> {
  const demand = new Map<string, Demand[]>(model.clusters.map((c) => [c.name, []]));
  for (const e of model.exports) demand.get(e.to)?.push({ key: importKey(e.remoteHost), origin: e.origin });
  model.externalServices.forEach((ext) => {
    if (ext.addresses !== 'auto') return;
    for (const cluster of ext.clusters) demand.get(cluster)?.push({ key: externalKey(ext), origin: [...ext.origin, 'addresses'] });
  });
  for (const [cluster, list] of demand) {
    const seen = new Set<string>();
    demand.set(
      cluster,
      list.filter((d) => (seen.has(d.key) ? false : (seen.add(d.key), true))).sort((a, b) => compareKeys(a.key, b.key)),
    );
  }
  return demand;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function inRanges(ranges: readonly Cidr[], ip: string): boolean {
  return ranges.some((r) => contains(r, ip)) && !contains(ISTIO_AUTO_ALLOCATION, ip);
}

/** Usable addresses of a range: all but the network and broadcast addresses (for /31 and /32, all). */
function usable(range: Cidr): { first: number; last: number } {
  return range.last - range.first >= 3 ? { first: range.first + 1, last: range.last - 1 } : { first: range.first, last: range.last };
}

function capacity(ranges: readonly Cidr[]): number {
  return ranges.reduce((sum, r) => sum + (usable(r).last - usable(r).first + 1), 0);
}

/**
 * Allocates VIPs. Deterministic: the same config and previous ledger always give the same ledger.
 * - A key keeps its VIP for as long as the config asks for it (and gets it back if it returns while still reserved).
 * - A key the config no longer asks for moves to `reserved`, so its VIP is not handed to another host, unless `reclaim`.
 * - New keys take the lowest free address, in key order, from the ranges in config order: no hashing, so no collisions,
 *   and integer arithmetic over the whole range, so no last-octet overflow.
 * - Running out of addresses is an error naming the ranges and how to widen them.
 */
export function allocateVips(model: MeshModel, previous: VipLedger | undefined, options: { reclaim: boolean }): StageResult<VipLedger> {
  const ranges = model.mesh.vipRanges;
  const rangesPath: DocPath = [...model.mesh.origin, 'vipRanges'];
  const diagnostics: Diagnostic[] = [];
  const vips: Record<string, Record<string, string>> = {};
  const reserved: Record<string, Record<string, string>> = {};
  const prev = previous ?? EMPTY_LEDGER;

  for (const [cluster, demands] of vipDemand(model)) {
    const wanted = new Set(demands.map((d) => d.key));
    const active: Record<string, string> = {};
    const held: Record<string, string> = {};
    const taken = new Set<string>();
    const keep = (key: string, vip: string, into: Record<string, string>): boolean => {
      if (taken.has(vip) || !inRanges(ranges, vip)) return false;
      into[key] = vip;
      taken.add(vip);
      return true;
    };
    const oldActive = prev.vips[cluster] ?? {};
    const oldReserved = prev.reserved[cluster] ?? {};
    const moved: string[] = [];
    // 1. Keys still wanted keep their VIP; returning keys get their reserved VIP back.
    for (const d of demands) {
      const old = oldActive[d.key] ?? oldReserved[d.key];
      if (old !== undefined && !keep(d.key, old, active)) moved.push(`${d.key} (${old})`);
    }
    // 2. Freed VIPs stay reserved unless the user reclaims them.
    if (!options.reclaim) {
      for (const [key, vip] of [...Object.entries(oldActive), ...Object.entries(oldReserved)].sort((a, b) => compareKeys(a[0], b[0]))) {
        if (!wanted.has(key) && held[key] === undefined) keep(key, vip, held);
      }
    }
    if (moved.length > 0) {
      diagnostics.push({
        rule: 'vip-moved',
        severity: 'warning',
        message: `cluster ${cluster}: ${moved.length} VIP${moved.length === 1 ? '' : 's'} in the ledger ${moved.length === 1 ? 'is' : 'are'} outside mesh.vipRanges or duplicated and will move: ${moved.slice(0, 5).join(', ')}${moved.length > 5 ? ', …' : ''}`,
        hint: 'Clients of these hosts get a new address. If the ranges changed by mistake, restore mesh.vipRanges.',
        location: { file: model.configFile, path: rangesPath },
        cluster,
      });
    }
    // 3. New keys, in key order, take the lowest free address.
    const missing = demands.filter((d) => active[d.key] === undefined);
    const flat = ranges.map(usable);
    let cursor = 0;
    let position = flat[0]?.first ?? 0;
    const next = (): string | undefined => {
      while (cursor < flat.length) {
        const r = flat[cursor]!;
        for (; position <= r.last; position++) {
          const text = intToIp(position);
          if (!taken.has(text) && !contains(ISTIO_AUTO_ALLOCATION, text)) return text;
        }
        cursor++;
        position = flat[cursor]?.first ?? 0;
      }
      return undefined;
    };
    let exhausted = false;
    for (const d of missing) {
      const ip = next();
      if (ip === undefined) {
        exhausted = true;
        break;
      }
      active[d.key] = ip;
      taken.add(ip);
    }
    if (exhausted) {
      const heldCount = Object.keys(held).length;
      diagnostics.push({
        rule: 'vip-range-exhausted',
        severity: 'error',
        message: `cluster ${cluster} needs ${demands.length} VIPs but mesh.vipRanges (${ranges.map((r) => r.cidr).join(', ')}) has ${capacity(ranges)} usable addresses${heldCount > 0 ? `, ${heldCount} of them reserved for removed hosts` : ''}`,
        hint: `Widen mesh.vipRanges: use a shorter prefix or add a range (e.g. 240.1.0.0/16; never inside 240.240.0.0/16)${heldCount > 0 ? ', or run `meshforge generate --reclaim` to reuse the reserved VIPs' : ''}.`,
        location: { file: model.configFile, path: rangesPath },
        cluster,
      });
      continue;
    }
    if (Object.keys(active).length > 0) vips[cluster] = sortRecord(active);
    if (Object.keys(held).length > 0) reserved[cluster] = sortRecord(held);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  return ok({ vips, reserved }, diagnostics);
}

function sortRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => compareKeys(a[0], b[0])));
}

/** Every VIP in a ledger, for checks. */
export function ledgerEntries(ledger: VipLedger): { cluster: string; key: string; vip: string; reserved: boolean }[] {
  const out: { cluster: string; key: string; vip: string; reserved: boolean }[] = [];
  for (const [cluster, map] of Object.entries(ledger.vips)) for (const [key, vip] of Object.entries(map)) out.push({ cluster, key, vip, reserved: false });
  for (const [cluster, map] of Object.entries(ledger.reserved)) for (const [key, vip] of Object.entries(map)) out.push({ cluster, key, vip, reserved: true });
  return out;
}

