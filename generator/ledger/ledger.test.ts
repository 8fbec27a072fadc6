import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contains, ipToInt, ISTIO_AUTO_ALLOCATION, parseCidr } from '../core/cidr.js';
import type { MeshModel } from '../model/types.js';
import { exampleText, modelOf } from '../../test/generator/helpers.js';
import { allocateVips, ledgerEntries, type VipLedger } from './ledger.js';
import { ledgerFromValue, serializeLedger } from './lockfile.js';

/** A small mesh: `clients` import `hosts` services from cluster "server". */
function mesh(services: readonly string[], options: { ranges?: string[]; clients?: string[] } = {}): MeshModel {
  const clients = options.clients ?? ['client'];
  const lines = [
    'mesh:',
    '  id: m',
    `  vipRanges: [${(options.ranges ?? ['240.0.0.0/16']).join(', ')}]`,
    '  ca: {}',
    'clusters:',
    '  - { name: server, network: n0, ingressGateway: { address: 10.0.0.1 } }',
    ...clients.map((c, i) => `  - { name: ${c}, network: n${i + 1}, ingressGateway: { address: 10.0.1.${i + 1} } }`),
    'namespaces: [{ name: ns }]',
    services.length === 0 ? 'services: []' : 'services:',
    ...services.map((s) => `  - { name: ${s}, namespace: ns, cluster: server, ports: [{ number: 80, protocol: HTTP }], exportTo: ["*"] }`),
  ];
  return modelOf(lines.join('\n'));
}

function allocate(model: MeshModel, previous?: VipLedger, reclaim = false): VipLedger {
  const result = allocateVips(model, previous, { reclaim });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

const names = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('allocateVips', () => {
  it('is deterministic and independent of config order', () => {
    const a = allocate(mesh(['a', 'b', 'c']));
    const b = allocate(mesh(['c', 'a', 'b']));
    expect(a).toEqual(b);
    expect(a.vips.client).toEqual({ 'a.ns.server': '240.0.0.1', 'b.ns.server': '240.0.0.2', 'c.ns.server': '240.0.0.3' });
  });

  it('never moves a VIP when services are added, even ones that sort first', () => {
    const first = allocate(mesh(['m', 'n']));
    const second = allocate(mesh(['a', 'm', 'n', 'z']), first);
    expect(second.vips.client!['m.ns.server']).toBe(first.vips.client!['m.ns.server']);
    expect(second.vips.client!['n.ns.server']).toBe(first.vips.client!['n.ns.server']);
    expect(second.vips.client!['a.ns.server']).toBe('240.0.0.3');
  });

  it('keeps a removed host\'s VIP reserved, gives it back when the host returns, and reuses it only with reclaim', () => {
    const first = allocate(mesh(['a', 'b', 'c']));
    const removed = allocate(mesh(['a', 'c']), first);
    expect(removed.vips.client).toEqual({ 'a.ns.server': '240.0.0.1', 'c.ns.server': '240.0.0.3' });
    expect(removed.reserved.client).toEqual({ 'b.ns.server': '240.0.0.2' });
    const added = allocate(mesh(['a', 'c', 'd']), removed);
    expect(added.vips.client!['d.ns.server']).toBe('240.0.0.4');
    const back = allocate(mesh(['a', 'b', 'c', 'd']), added);
    expect(back.vips.client!['b.ns.server']).toBe('240.0.0.2');
    expect(back.reserved).toEqual({});
    const reclaimed = allocate(mesh(['a', 'c', 'e']), removed, true);
    expect(reclaimed.vips.client!['e.ns.server']).toBe('240.0.0.2');
    expect(reclaimed.reserved).toEqual({});
  });

  it('keeps VIPs unique within a cluster and outside 240.240.0.0/16, in every cluster', () => {
    const ledger = allocate(mesh(names(50), { clients: ['c1', 'c2'] }));
    for (const cluster of ['c1', 'c2']) {
      const vips = Object.values(ledger.vips[cluster]!);
      expect(vips).toHaveLength(50);
      expect(new Set(vips).size).toBe(50);
      for (const vip of vips) expect(contains(ISTIO_AUTO_ALLOCATION, vip)).toBe(false);
    }
  });

  it('reports an exhausted range as an error naming the range and how to widen it', () => {
    const result = allocateVips(mesh(['a', 'b', 'c'], { ranges: ['240.0.0.0/30'] }), undefined, { reclaim: false });
    expect(result.ok).toBe(false);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ rule: 'vip-range-exhausted', severity: 'error', location: { path: ['mesh', 'vipRanges'] } });
    expect(d!.message).toContain('240.0.0.0/30');
    expect(d!.hint).toMatch(/Widen mesh\.vipRanges/);
  });

  it('suggests --reclaim when reserved VIPs are what fills the range', () => {
    const first = allocate(mesh(['a', 'b'], { ranges: ['240.0.0.0/30'] }));
    const result = allocateVips(mesh(['c', 'd'], { ranges: ['240.0.0.0/30'] }), first, { reclaim: false });
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]!.hint).toContain('--reclaim');
    expect(allocateVips(mesh(['c', 'd'], { ranges: ['240.0.0.0/30'] }), first, { reclaim: true }).ok).toBe(true);
  });

  it('moves on to the next range when the first is full', () => {
    const ledger = allocate(mesh(['a', 'b', 'c'], { ranges: ['240.0.0.0/30', '240.1.0.0/24'] }));
    expect(Object.values(ledger.vips.client!)).toEqual(['240.0.0.1', '240.0.0.2', '240.1.0.1']);
  });

  it('warns and re-allocates when a ledger VIP falls outside the configured ranges', () => {
    const first = allocate(mesh(['a']));
    const result = allocateVips(mesh(['a'], { ranges: ['240.1.0.0/16'] }), first, { reclaim: false });
    expect(result.ok).toBe(true);
    expect(result.diagnostics[0]).toMatchObject({ rule: 'vip-moved', severity: 'warning' });
    expect(result.ok && result.value.vips.client!['a.ns.server']).toBe('240.1.0.1');
  });

  it('allocates VIPs for external services with addresses: auto', () => {
    const model = modelOf(exampleText());
    const ledger = allocate(model);
    expect(ledger.vips.cluster1!['istio-system/mysql']).toMatch(/^240\.0\.0\.\d+$/);
    expect(ledger.vips.cluster2!['istio-system/mysql']).toBeDefined();
  });
});

// The failure modes of other tools' VIP allocation (istio-facts.md), each shown absent here.
describe('failure modes of Admiral, EMCO and Gloo Mesh', () => {
  it('EMCO: more than 254 allocations cross the last octet without overflow or duplicates', () => {
    const ledger = allocate(mesh(names(1000)));
    const vips = Object.values(ledger.vips.client!);
    expect(new Set(vips).size).toBe(1000);
    expect(vips).toContain('240.0.0.255');
    expect(vips).toContain('240.0.1.0');
    const range = parseCidr('240.0.0.0/16');
    for (const vip of vips) {
      expect(contains(range, vip)).toBe(true);
      expect(vip.split('.').every((o) => Number(o) >= 0 && Number(o) <= 255)).toBe(true);
    }
  });

  it('EMCO: state is persisted: a ledger written and read back allocates exactly the same VIPs', () => {
    const first = allocate(mesh(['b', 'c']));
    const grown = allocate(mesh(['a', 'b', 'c']), allocate(mesh(['c']), first));
    const text = serializeLedger(grown);
    const reread = ledgerFromValue(parse(text), 'mesh.lock.yaml');
    expect(reread.ok && reread.value).toEqual(grown);
    expect(allocate(mesh(['a', 'b', 'c', 'd']), reread.ok ? reread.value : undefined).vips.client).toMatchObject(grown.vips.client!);
  });

  it('Admiral: losing the state would renumber, so the ledger is a committed file and a lost ledger shows up as drift', () => {
    // History: c, then a. A fresh allocation would give a the lower address: exactly Admiral's renumbering.
    const history = allocate(mesh(['a', 'c']), allocate(mesh(['c'])));
    const fresh = allocate(mesh(['a', 'c']));
    expect(history.vips.client).not.toEqual(fresh.vips.client);
    // With the committed ledger, regenerating gives the history's VIPs, byte for byte.
    const restored = ledgerFromValue(parse(serializeLedger(history)), 'mesh.lock.yaml');
    expect(restored.ok).toBe(true);
    expect(serializeLedger(allocate(mesh(['a', 'c']), restored.ok ? restored.value : undefined))).toBe(serializeLedger(history));
    // Without it, the lock text differs, which `meshforge generate --check` reports (see the CLI test).
    expect(serializeLedger(fresh)).not.toBe(serializeLedger(history));
  });

  it('Gloo Mesh: hosts whose hashes collide still get distinct VIPs (no hashing at all)', () => {
    // Find two hosts whose FNV-1a hash lands on the same address of a /16, as a hash-based allocator would.
    const fnv = (s: string) => {
      let h = 0x811c9dc5;
      for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      return h & 0xffff;
    };
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const host = `svc${i}`;
      const slot = fnv(`${host}.ns.server`);
      const other = seen.get(slot);
      if (other) pair = [other, host];
      else seen.set(slot, host);
    }
    const ledger = allocate(mesh(pair));
    const [a, b] = pair.map((h) => ledger.vips.client![`${h}.ns.server`]!);
    expect(fnv(`${pair[0]}.ns.server`)).toBe(fnv(`${pair[1]}.ns.server`));
    expect(a).not.toBe(b);
  });

  it('a hand-edited ledger that gives two hosts one VIP is rejected with the line to fix', () => {
    const result = ledgerFromValue({ apiVersion: 'meshforge.io/v1alpha1', kind: 'VipLedger', vips: { c: { 'a.x.y': '240.0.0.1', 'b.x.y': '240.0.0.1' } }, reserved: {} }, 'mesh.lock.yaml');
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ rule: 'lock-invalid', location: { file: 'mesh.lock.yaml', path: ['vips', 'c', 'b.x.y'] } });
  });

  it('rejects a malformed ledger entry', () => {
    const result = ledgerFromValue({ apiVersion: 'meshforge.io/v1alpha1', kind: 'VipLedger', vips: { c: { a: '240.0.0.300' } } }, 'mesh.lock.yaml');
    expect(result.ok).toBe(false);
  });

  it('lists every entry for checks', () => {
    const ledger = allocate(mesh(['a', 'b']));
    expect(ledgerEntries(ledger).map((e) => ipToInt(e.vip))).toEqual([ipToInt('240.0.0.1'), ipToInt('240.0.0.2')]);
  });
});
