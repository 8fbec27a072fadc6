import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import type { Diagnostic } from '../../generator/diagnostics/types.js';
import { decodeSource } from '../../generator/load/source.js';
import { CONFIG_LIMITS } from '../../generator/load/limits.js';
import { loadConfigString, loadConfigText } from '../../generator/model/load.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';
import { HOSTILE_CONFIGS } from '../reliability/hostile-config-corpus.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = readFileSync(join(ROOT, 'mesh.config.yaml'), 'utf8');
const BASE = 'mesh:\n  id: mesh1\n  vipRanges: [240.0.0.0/16]\nclusters:\n  - { name: c1, network: n1 }\nnamespaces: [{ name: ns }]\n';

function errorsOf(text: string) {
  const sources = new SourceRegistry();
  const result = loadConfigString(text, 'mesh.config.yaml', sources);
  return resolveDiagnostics(result.diagnostics, sources).filter((d) => d.severity === 'error');
}

/** Every description in the config schema: a hint must say what to write, not restate what the key is. */
function descriptions(): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'description' && typeof value === 'string') found.add(value);
        else walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(join(ROOT, 'schemas', 'mesh.config.schema.json'), 'utf8')));
  return found;
}

describe('hints say what to write instead', () => {
  it('a port written as a string: write the number without quotes', () => {
    const text = EXAMPLE.replace('ports: [{ number: 8000, name: http, protocol: HTTP }]', 'ports: [{ number: "8000", name: http, protocol: HTTP }]');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('services[bar/httpbin].ports[8000].number must be an integer, not the string "8000"');
    expect(errors[0]!.hint).toBe('Write the number without quotes: 8000.');
  });

  it('a CIDR with prefix /33: says what a valid prefix is', () => {
    const errors = errorsOf(EXAMPLE.replace('vipRanges: [240.0.0.0/16]', 'vipRanges: [240.0.0.0/33]'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('mesh.vipRanges[240.0.0.0/33]: the string "240.0.0.0/33" is not an IPv4 CIDR block');
    expect(errors[0]!.hint).toBe("The prefix length after '/' is 0 to 32 for IPv4 (/32 is one address, /16 is 65,536): e.g. 240.0.0.0/32.");
  });

  it('a CIDR with an octet over 255, or no prefix', () => {
    expect(errorsOf(BASE.replace('240.0.0.0/16', '300.0.0.0/16'))[0]!.hint).toContain('0 to 255');
    expect(errorsOf(BASE.replace('240.0.0.0/16', '240.0.0.0'))[0]!.hint).toContain("Add the prefix length after '/'");
  });

  it("a key typo 'clustr': one error with did-you-mean, not a second one about the entry's shape", () => {
    const text = EXAMPLE.replace('    namespace: bar\n    cluster: cluster2', '    namespace: bar\n    clustr: cluster2');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'config-unknown-key', message: "unknown key 'clustr' in services[bar/httpbin]: did you mean 'cluster'?", hint: "Rename 'clustr' to 'cluster'." });
  });

  it('neither cluster nor clusters: names both, with what each means', () => {
    const errors = errorsOf(`${BASE}services:\n  - name: web\n    namespace: ns\n    ports: [{ number: 80, protocol: HTTP }]\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe("services[ns/web] needs 'cluster' or 'clusters'");
    expect(errors[0]!.hint).toMatch(/^Add cluster: .*, or clusters: /);
  });

  it('both cluster and clusters: says to keep one', () => {
    const errors = errorsOf(`${BASE}services:\n  - name: web\n    namespace: ns\n    cluster: c1\n    clusters: [c1]\n    ports: [{ number: 80, protocol: HTTP }]\n`);
    expect(errors[0]!.message).toBe("services[ns/web] has both 'cluster' and 'clusters': give only one");
    expect(errors[0]!.hint).toMatch(/^Keep one of them: /);
  });

  it('a name with upper case: the lower-case spelling that passes', () => {
    const errors = errorsOf(BASE.replace('name: c1', 'name: Cluster_1'));
    expect(errors[0]!.hint).toBe('Write "cluster-1" (a DNS-1123 label).');
  });

  it('a port out of range: the range', () => {
    const errors = errorsOf(`${BASE}services:\n  - name: web\n    namespace: ns\n    cluster: c1\n    ports: [{ number: 70000, protocol: HTTP }]\n`);
    expect(errors[0]!.hint).toMatch(/^Write a number from 1 to 65535/);
  });

  it('a boolean written as a string, a list written as a scalar', () => {
    expect(errorsOf(BASE.replace('namespaces: [{ name: ns }]', 'namespaces: [{ name: ns, injection: "yes" }]'))[0]!.hint).toBe('Write true without quotes.');
    expect(errorsOf(BASE.replace('vipRanges: [240.0.0.0/16]', 'vipRanges: 240.0.0.0/16'))[0]!.hint).toBe('Write a list, e.g. [240.0.0.0/16].');
  });

  /** The class, not just the cases above: across every invalid fixture and hostile config, no hint restates. */
  it('no hint equals its message, is contained in it, or equals a schema description', () => {
    const known = descriptions();
    const diagnostics: Diagnostic[] = [];
    const invalid = join(ROOT, 'test', 'fixtures', 'config', 'invalid');
    const inputs = [
      ...readdirSync(invalid).filter((f) => f.endsWith('.yaml')).map((f) => Buffer.from(readFileSync(join(invalid, f)))),
      ...HOSTILE_CONFIGS.map((c) => c.bytes()),
    ];
    for (const bytes of inputs) {
      const sources = new SourceRegistry();
      const decoded = decodeSource('mesh.config.yaml', bytes, CONFIG_LIMITS, sources);
      diagnostics.push(...(decoded.ok ? loadConfigText(decoded.value, sources).diagnostics : decoded.diagnostics));
    }
    expect(diagnostics.length).toBeGreaterThan(60);
    for (const d of diagnostics) {
      expect(d.hint, `${d.rule}: ${d.message}`).toBeTruthy();
      const hint = d.hint!.replace(/\.$/, '');
      expect(d.message.toLowerCase(), `${d.rule} hint restates: ${d.hint}`).not.toContain(hint.toLowerCase());
      expect(known.has(d.hint!), `${d.rule} hint is the schema description: ${d.hint}`).toBe(false);
    }
  });
});
