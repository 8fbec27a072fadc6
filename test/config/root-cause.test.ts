import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { loadConfigString } from '../../generator/model/load.js';
import { resolveDiagnostics } from '../../generator/report/resolve.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'mesh.config.yaml'), 'utf8');

function errorsOf(text: string) {
  const sources = new SourceRegistry();
  const result = loadConfigString(text, 'mesh.config.yaml', sources);
  return resolveDiagnostics(result.diagnostics, sources).filter((d) => d.severity === 'error');
}

const lineOf = (text: string, needle: string, from = 0) => text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

/** The example's httpbin entry, which cluster3 imports and routes use. */
const HTTPBIN = '  - name: httpbin\n    namespace: bar\n    cluster: cluster2\n';

describe('root cause first, consequences suppressed', () => {
  it('an unknown cluster on a service: the one error is the unknown cluster, with did-you-mean, not the import that follows from it', () => {
    const text = EXAMPLE.replace(HTTPBIN, HTTPBIN.replace('cluster: cluster2', 'cluster: cluster9'));
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'config-unknown-reference', line: lineOf(text, 'cluster: cluster9') });
    expect(errors[0]!.message).toBe("unknown cluster 'cluster9': did you mean 'cluster1'?");
    expect(errors[0]!.hint).toBe("Write 'cluster1', or another cluster defined in this file: cluster1, cluster2, cluster3; or define 'cluster9'.");
    expect(errors.map((e) => e.message).join('\n')).not.toContain('does not run in');
  });

  it('a duplicate service: reported first, at the duplicate, with the first definition as a related line; nothing that follows from it', () => {
    const duplicate = '  - name: httpbin\n    namespace: bar\n    cluster: cluster1\n    ports: [{ number: 8000, name: http, protocol: HTTP }]\n\n';
    const text = EXAMPLE.replace('  # S2: helloworld', `${duplicate}  # S2: helloworld`);
    const errors = errorsOf(text);
    const first = lineOf(text, '- name: httpbin');
    const second = lineOf(text, '- name: httpbin', first);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'config-duplicate-name', line: second, message: "service 'bar/httpbin' is defined twice" });
    expect(errors[0]!.related).toEqual([{ file: 'mesh.config.yaml', line: first, column: 11, message: 'first defined here' }]);
    expect(errors[0]!.hint).toBe('Give each service a unique name, or merge the two entries into the first one.');
  });

  it('a duplicate cluster: the repeat, with the first definition as a related line', () => {
    const text = EXAMPLE.replace('  - name: cluster3\n', '  - name: cluster2\n');
    const errors = errorsOf(text);
    expect(errors[0]).toMatchObject({ rule: 'config-duplicate-name', message: "cluster 'cluster2' is defined twice" });
    expect(errors[0]!.related?.[0]).toMatchObject({ line: lineOf(text, '- name: cluster2'), message: 'first defined here' });
  });

  it('a service in an unknown namespace: one error at the namespace, not one per reference to the service', () => {
    const text = EXAMPLE.replace(HTTPBIN, HTTPBIN.replace('namespace: bar', 'namespace: barr'));
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: lineOf(text, 'namespace: barr'), message: "unknown namespace 'barr': did you mean 'bar'?" });
  });

  it('an unknown service used several times: one error at its first use, the other uses as related lines', () => {
    const text = EXAMPLE.replaceAll('service: bar/httpbin', 'service: bar/httpbim');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^unknown service 'bar\/httpbim': did you mean 'bar\/httpbin'\? \(used \d+ more times?\)$/);
    expect(errors[0]!.related!.length).toBeGreaterThan(0);
    expect(errors[0]!.related!.every((r) => r.message === 'also used here')).toBe(true);
  });

  it('a service in an unknown namespace silences only the references it was meant for, not the same name elsewhere', () => {
    // barr/httpbin was meant to be bar/httpbin; foo/httpbin is another, undefined service and is still reported.
    const text = EXAMPLE.replace(HTTPBIN, HTTPBIN.replace('namespace: bar', 'namespace: barr')).replace('    to: { service: bar/httpbin, port: 8000 }\n', '    to: { service: foo/httpbin, port: 8000 }\n');
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [lineOf(text, 'namespace: barr'), "unknown namespace 'barr': did you mean 'bar'?"],
      [lineOf(text, 'service: foo/httpbin'), expect.stringMatching(/^unknown service 'foo\/httpbin'/)],
    ]);
  });

  it('an ambient namespace placed only by a service defined twice: the duplicate, not the data plane that follows from it', () => {
    const text = `mesh: { id: m }
clusters:
  - { name: a, network: n1, dataPlaneMode: ambient }
  - { name: s, network: n1 }
namespaces:
  - { name: shop, dataPlaneMode: ambient }
services:
  - { name: cart, namespace: shop, cluster: a, ports: [{ number: 80, name: http, protocol: HTTP }] }
  - { name: cart, namespace: shop, cluster: s, ports: [{ number: 80, name: http, protocol: HTTP }] }
`;
    expect(errorsOf(text).map((e) => [e.rule, e.line])).toEqual([['config-duplicate-name', 9]]);
  });

  it('a route in an unknown namespace: the namespace, not its host and destinations', () => {
    const text = 'mesh: { id: m }\nclusters: [{ name: c1, network: n1 }]\nnamespaces: [{ name: app }]\nservices: [{ name: web, namespace: app, cluster: c1, ports: [{ number: 80, name: http, protocol: HTTP }] }]\nroutes:\n  - name: web\n    namespace: ap\n    host: web\n    http: [{ to: [{ service: web }] }]\n';
    const errors = errorsOf(text);
    expect(errors.map((e) => e.message)).toEqual(["unknown namespace 'ap': did you mean 'app'?"]);
  });
});

describe('config paths in messages name entries by identity (issue 18)', () => {
  it('an exporting cluster without a gateway address: the export and the key to set, by name', () => {
    const text = `mesh: { id: m }
clusters:
  - { name: a, network: n1 }
  - { name: b, network: n2 }
namespaces: [{ name: app }]
services:
  - { name: web, namespace: app, cluster: a, ports: [{ number: 80, name: http, protocol: HTTP }], exportTo: [b] }
`;
    const missing = errorsOf(text).find((e) => e.message.includes('has no address'))!;
    expect(missing.message).toBe("cluster 'a' exports services (see services[app/web].exportTo[b]) but its ingressGateway has no address");
    expect(missing.hint).toMatch(/^Set clusters\[a\]\.ingressGateway\.address to /);
  });

  it('overlapping VIP ranges and a host served twice name the earlier entry by identity', () => {
    const text = `mesh: { id: m, vipRanges: [240.1.0.0/16, 240.1.2.0/24] }
clusters: [{ name: a, network: n1 }]
externalServices: []
ingress:
  - { name: first, host: web.example.com, clusters: [a], to: { host: web.internal, port: 80 } }
  - { name: second, host: web.example.com, clusters: [a], to: { host: web.internal, port: 80 } }
`;
    const messages = errorsOf(text).map((e) => e.message);
    expect(messages).toContain('VIP range 240.1.2.0/24 overlaps 240.1.0.0/16 (mesh.vipRanges[240.1.0.0/16])');
    expect(messages).toContain('host web.example.com on port 80 is already served by ingress[first]');
  });
});
