import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigString } from '../../generator/model/load.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { CONFIG_LIMITS } from '../../generator/load/limits.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';

const VALID = 'mesh:\n  id: mesh1\nclusters:\n  - { name: c1, network: n1 }\n';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function loadBytes(bytes: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'meshforge-loader-'));
  made.push(dir);
  const file = join(dir, 'mesh.config.yaml');
  writeFileSync(file, bytes);
  const sources = new SourceRegistry();
  const result = loadConfigFile(file, sources);
  return { file, result, printed: resolveDiagnostics(result.diagnostics, sources) };
}

describe('byte-level input checks', () => {
  it('accepts a UTF-8 byte order mark', () => {
    const { result } = loadBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID)]));
    expect(result.ok).toBe(true);
  });

  it('rejects NUL bytes as binary, pointing at the line', () => {
    const { printed } = loadBytes(Buffer.from('mesh:\n  id: me\0sh1\n'));
    expect(printed[0]).toMatchObject({ rule: 'file-binary', line: 2, column: 9 });
  });

  it('rejects invalid UTF-8, pointing at the byte', () => {
    const { printed } = loadBytes(Buffer.concat([Buffer.from('mesh:\n  id: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    expect(printed[0]).toMatchObject({ rule: 'file-encoding', line: 2, column: 7 });
    expect(printed[0]!.message).toContain('0xc3');
  });

  it('rejects files over the size limit without reading them, naming the limit', () => {
    const big = Buffer.alloc(CONFIG_LIMITS.maxBytes + 1, 'a');
    const { printed } = loadBytes(big);
    expect(printed[0]).toMatchObject({ rule: 'file-too-large', line: 1 });
    expect(printed[0]!.message).toContain('4 MiB');
  });

  it('reports a missing file', () => {
    const sources = new SourceRegistry();
    const result = loadConfigFile('/nonexistent/mesh.config.yaml', sources);
    expect(result.diagnostics[0]).toMatchObject({ rule: 'file-unreadable' });
  });
});

describe('structural YAML checks', () => {
  it('rejects nesting deeper than the limit, at the first too-deep node', () => {
    const depth = CONFIG_LIMITS.maxDepth + 5;
    const text = `mesh:\n  id: m\nclusters: [{ name: c1, network: n1 }]\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    const sources = new SourceRegistry();
    const result = loadConfigString(text, 'deep.yaml', sources);
    const printed = resolveDiagnostics(result.diagnostics, sources);
    expect(printed[0]).toMatchObject({ rule: 'yaml-too-deep', line: 4 });
  });

  it('survives nesting deep enough to exhaust the parser', () => {
    const depth = 20000;
    const result = loadConfigString(`x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]!.rule).toBe('yaml-too-deep');
  });

  it('names the first definition of a duplicate key', () => {
    const result = loadConfigString('mesh:\n  id: a\nclusters: []\nmesh: {}\n');
    expect(result.diagnostics[0]!.message).toContain('first on line 1');
  });
});

describe('defaults and model', () => {
  it('fills schema defaults into the model', () => {
    const result = loadConfigString(VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { model } = result.value;
    expect(model.mesh.defaults.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
    expect(model.mesh.istio.networkingApiVersion).toBe('networking.istio.io/v1');
    expect(model.mesh.ca.root).toEqual({ org: 'Istio', cn: 'Root CA', days: 3650 });
    expect(model.mesh.vipRanges.map((r) => r.cidr)).toEqual(['240.0.0.0/16']);
    expect(model.clusters[0]!.ingressGateway.ports.map((p) => p.port)).toEqual([15021, 80, 443, 15443]);
    expect(model.clusters[0]!.install.method).toBe('helm');
  });

  it('does not mutate the parsed input when applying defaults', () => {
    const a = loadConfigString(VALID);
    const b = loadConfigString(VALID);
    expect(a.ok && b.ok && JSON.stringify(a.value.model) === JSON.stringify(b.value.model)).toBe(true);
  });

  it('keeps the config path of every entity', () => {
    const result = loadConfigFile(join(import.meta.dirname, '..', '..', 'mesh.config.yaml'), new SourceRegistry());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { model } = result.value;
    expect(model.services.find((s) => s.key === 'bar/httpbin')!.origin).toEqual(['services', 1]);
    expect(model.exports.find((e) => e.to === 'cluster3')).toMatchObject({ service: 'bar/httpbin', from: 'cluster2', remoteHost: 'httpbin.bar.cluster2', origin: ['clusters', 2, 'imports', 0] });
    expect(model.clusters.find((c) => c.name === 'cluster2')!.ingressGateway.crossClusterPort).toBe(32001);
  });
});
