import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_LISTS, displayConfigPath, formatIdentity, identitySegments, listKeyAt, locateConfigPath, parseIdentity } from '../../generator/config/identity.js';
import { resolvePosition } from '../../generator/diagnostics/positions.js';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { withGitops } from '../../generator/gitops/render.js';
import { ledgerOf } from '../generator/helpers.js';
import { loadConfigFile, loadConfigString } from '../../generator/model/load.js';
import { renderMesh } from '../../generator/render/render.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'mesh.config.yaml');

type Schema = { $ref?: string; type?: string | string[]; items?: Schema; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[]; then?: Schema; else?: Schema };

/** Every list of the config schema, as a pattern of map keys and `*` for list entries. */
function schemaLists(): string[] {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'mesh.config.schema.json'), 'utf8')) as Schema & { $defs?: Record<string, Schema> };
  const defs = schema.$defs ?? {};
  const found = new Set<string>();
  const visit = (node: Schema | undefined, path: string[], depth: number): void => {
    if (!node || depth > 40) return;
    if (node.$ref) return visit(defs[node.$ref.split('/').pop()!], path, depth + 1);
    for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? []), node.then, node.else]) visit(branch, path, depth + 1);
    if (node.type === 'array' || node.items) {
      found.add(path.join('.'));
      visit(node.items, [...path, '*'], depth + 1);
    }
    for (const [key, value] of Object.entries(node.properties ?? {})) visit(value, [...path, key], depth + 1);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, [...path, '<key>'], depth + 1);
  };
  visit(schema, [], 0);
  return [...found].sort();
}

describe('identity of config list entries', () => {
  it('has a key for every list of the config schema, and no key for a list the schema does not have', () => {
    const lists = schemaLists();
    expect(lists.length).toBeGreaterThan(20);
    const registered = CONFIG_LISTS.map((l) => l.list.join('.')).sort();
    expect(lists.filter((l) => !registered.includes(l)), 'add these lists to CONFIG_LISTS in generator/config/identity.ts').toEqual([]);
    expect(registered.filter((l) => !lists.includes(l)), 'these CONFIG_LISTS entries name no list of the schema').toEqual([]);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('refuses to print a list that has no key instead of falling back to its index', () => {
    expect(listKeyAt(['services', 3, 'unheardOf'])).toBeUndefined();
    expect(() => identitySegments({ services: [{ unheardOf: ['a'] }] }, ['services', 0, 'unheardOf', 0])).toThrow(/no identity key/);
  });

  it('names entries of the example by identity', () => {
    const loaded = loadConfigFile(EXAMPLE, new SourceRegistry());
    if (!loaded.ok) throw new Error('the example does not load');
    const config = loaded.value.config;
    const index = (list: readonly { name: string }[], name: string) => list.findIndex((e) => e.name === name);
    const httpbin = index(config.services, 'httpbin');
    const cluster2 = index(config.clusters, 'cluster2');
    const router = index(config.routes, 'tenant-router');
    const tcpEcho = index(config.routes, 'tcp-echo');
    expect(displayConfigPath(config, ['services', httpbin, 'exportTo', 0])).toBe('services[bar/httpbin].exportTo[cluster1]');
    expect(displayConfigPath(config, ['services', httpbin, 'ports', 0, 'protocol'])).toBe('services[bar/httpbin].ports[8000].protocol');
    expect(displayConfigPath(config, ['clusters', cluster2, 'ingressGateway', 'ports', 3])).toBe('clusters[cluster2].ingressGateway.ports[tls]');
    expect(displayConfigPath(config, ['routes', router, 'http', 1, 'match', 0, 'headers', 'x-nextensio-connect'])).toBe('routes[tenants/tenant-router].http[connect-candy].match[#0].headers.x-nextensio-connect');
    expect(displayConfigPath(config, ['routes', tcpEcho, 'tcp', 0, 'to', 1])).toBe('routes[tcp-echo/tcp-echo].tcp[8020].to[tcp-echo,version=v2]');
    expect(displayConfigPath(config, ['namespaces', index(config.namespaces, 'foo')])).toBe('namespaces[foo]');
    expect(displayConfigPath(config, ['mesh', 'vipRanges', 0])).toBe('mesh.vipRanges[240.0.0.0/16]');
    expect(displayConfigPath(config, [])).toBe('(root)');
  });

  it('keeps the name of every later entry when an earlier one is removed', () => {
    const config = { services: [{ name: 'a', namespace: 'x' }, { name: 'b', namespace: 'x', exportTo: ['c1', 'c2'] }] };
    const after = { services: [{ name: 'b', namespace: 'x', exportTo: ['c2'] }] };
    expect(displayConfigPath(config, ['services', 1, 'exportTo', 1])).toBe(displayConfigPath(after, ['services', 0, 'exportTo', 0]));
  });

  it('tells duplicates and unnamed entries apart, and reads every printed form back', () => {
    const config = {
      routes: [{ name: 'r', namespace: 'n', http: [{ to: [{ service: 's' }, { service: 's' }] }, { name: 'named' }, {}] }],
      ingress: [{ name: 'i', paths: ['/a b', '/x]y', '#1', ''] }],
      mesh: { labels: { 'app.kubernetes.io/name': 'x' } },
    };
    const cases: [readonly (string | number)[], string][] = [
      [['routes', 0, 'http', 0, 'to', 1], 'routes[n/r].http[#0].to[s~2]'],
      [['routes', 0, 'http', 1], 'routes[n/r].http[named]'],
      [['routes', 0, 'http', 2], 'routes[n/r].http[#2]'],
      [['ingress', 0, 'paths', 0], 'ingress[i].paths["/a b"]'],
      [['ingress', 0, 'paths', 1], 'ingress[i].paths["/x]y"]'],
      [['ingress', 0, 'paths', 2], 'ingress[i].paths["#1"]'],
      [['ingress', 0, 'paths', 3], 'ingress[i].paths[""]'],
      [['mesh', 'labels', 'app.kubernetes.io/name'], 'mesh.labels{"app.kubernetes.io/name"}'],
    ];
    for (const [path, printed] of cases) {
      expect(displayConfigPath(config, path)).toBe(printed);
      expect(formatIdentity(parseIdentity(printed)!)).toBe(printed);
      expect(locateConfigPath(config, printed)).toEqual(path);
    }
  });

  it('locates a removed entry at the deepest node that is still there', () => {
    const config = { services: [{ name: 'b', namespace: 'x', exportTo: ['c2'] }] };
    expect(locateConfigPath(config, 'services[x/a].exportTo[c1]')).toEqual(['services']);
    expect(locateConfigPath(config, 'services[x/b].exportTo[c1]')).toEqual(['services', 0, 'exportTo']);
    expect(locateConfigPath(config, 'services[x/b')).toBeUndefined();
  });

  it('reads every generated file of the example back to the config line its origin names', () => {
    const sources = new SourceRegistry();
    const loaded = loadConfigFile(EXAMPLE, sources);
    if (!loaded.ok) throw new Error('the example does not load');
    const { model } = loaded.value;
    const files = withGitops(model, renderMesh(model, ledgerOf(model)));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      expect(file.content).toContain(`# Source: mesh.config.yaml ${file.source}\n`);
      const located = locateConfigPath(model.config, file.source!);
      expect(located, file.path).toEqual(file.origin!.path);
      expect(resolvePosition(sources, { file: EXAMPLE, path: located! })).toEqual(resolvePosition(sources, file.origin!));
    }
  });

  it('reads a header against the config as edited since, for line:col', () => {
    const before = 'services:\n  - { name: a, namespace: x }\n  - { name: b, namespace: x, exportTo: [c1] }\n';
    const sources = new SourceRegistry();
    const text = 'services:\n  - { name: b, namespace: x, exportTo: [c1] }\n';
    sources.addText('m.yaml', text);
    const path = locateConfigPath({ services: [{ name: 'b', namespace: 'x', exportTo: ['c1'] }] }, displayConfigPath(parse(before) as object, ['services', 1, 'exportTo', 0]))!;
    expect(path).toEqual(['services', 0, 'exportTo', 0]);
    expect(resolvePosition(sources, { file: 'm.yaml', path })).toMatchObject({ line: 2, column: 41 });
  });

  it('names entries by identity in config error messages', () => {
    const loaded = loadConfigString(readFileSync(EXAMPLE, 'utf8').replace('ports: [{ number: 8000,', 'ports: [{ number: "8000",'));
    expect(loaded.ok).toBe(false);
    expect(loaded.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/^services\[bar\/httpbin\]\.ports\[8000\]\.number must be/));
  });

  it('is what a loaded config gives the model', () => {
    const loaded = loadConfigString(readFileSync(EXAMPLE, 'utf8'));
    expect(loaded.ok && loaded.value.model.config).toBe(loaded.ok && loaded.value.config);
  });
});
