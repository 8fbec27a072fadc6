import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, CONFIG_TYPES_FILE, deriveConfigTypes } from '../../scripts/derive-config-types.js';
import { loadConfigString } from '../../generator/model/load.js';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, CONFIG_SCHEMA_FILE), 'utf8')) as Record<string, unknown>;
const BUILD_FILE = join(ROOT, 'generator', 'model', 'build.ts');

/** The `default` of a property, following the path through properties, items and $refs. */
function schemaDefault(path: readonly string[]): unknown {
  const defs = schema.$defs as Record<string, Record<string, unknown>>;
  const resolve = (node: Record<string, unknown>) => (typeof node.$ref === 'string' ? { ...defs[node.$ref.replace('#/$defs/', '')], ...node } : node);
  let node = resolve(schema);
  for (const key of path) {
    const properties = (resolve(node).properties ?? (resolve(node.items as Record<string, unknown>).properties as unknown)) as Record<string, Record<string, unknown>>;
    expect(properties?.[key], `schema path ${path.join('.')}`).toBeDefined();
    node = resolve(properties[key]!);
  }
  return node.default;
}

describe('config types are derived from the schema', () => {
  it('regenerating gives exactly the committed generator/config/types.generated.ts (run `npm run schemas`)', async () => {
    const committed = readFileSync(join(ROOT, CONFIG_TYPES_FILE), 'utf8');
    expect(await deriveConfigTypes(schema)).toBe(committed);
  }, 15_000);

  it('config/types.ts only names generated types: no hand-written shapes that could drift', () => {
    const source = readFileSync(join(ROOT, 'generator', 'config', 'types.ts'), 'utf8');
    expect(source).not.toMatch(/\binterface\b/);
    const aliases = [...source.matchAll(/^export type (\w+) = (.+);$/gm)];
    expect(aliases.length).toBeGreaterThan(20);
    for (const [, name, target] of aliases) expect(target, name).toMatch(/^Generated\./);
  });
});

/** Defaults that used to live in model/build.ts: schema path, and the value the model must show for a minimal config. */
const MOVED_DEFAULTS: readonly { path: readonly string[]; model: (m: ReturnType<typeof minimalModel>) => unknown }[] = [
  { path: ['clusters', 'ingressGateway', 'ports'], model: (m) => m.clusters[0]!.ingressGateway.ports.map((p) => ({ name: p.name, port: p.port, ...(p.targetPort !== p.port ? { targetPort: p.targetPort } : {}) })) },
  { path: ['clusters', 'eastWestGateway', 'ports'], model: (m) => m.clusters[0]!.eastWestGateway!.ports.map((p) => ({ name: p.name, port: p.port })) },
  { path: ['mesh', 'ca', 'root', 'org'], model: (m) => m.mesh.ca.root.org },
  { path: ['mesh', 'ca', 'root', 'cn'], model: (m) => m.mesh.ca.root.cn },
  { path: ['mesh', 'ca', 'root', 'days'], model: (m) => m.mesh.ca.root.days },
  { path: ['mesh', 'ca', 'ingress', 'org'], model: (m) => m.mesh.ca.ingress.org },
  { path: ['mesh', 'ca', 'ingress', 'cn'], model: (m) => m.mesh.ca.ingress.cn },
  { path: ['mesh', 'ca', 'ingress', 'days'], model: (m) => m.mesh.ca.ingress.days },
  { path: ['mesh', 'ca', 'intermediate', 'days'], model: (m) => m.mesh.ca.intermediate.days },
  { path: ['mesh', 'istio', 'hub'], model: (m) => m.mesh.istio.hub },
  { path: ['mesh', 'defaults', 'injection'], model: (m) => m.namespaces[0]!.injection },
  { path: ['routes', 'http', 'match'], model: (m) => m.routes[0]!.http[0]!.match },
  { path: ['externalServices', 'addresses'], model: (m) => m.externalServices[0]!.addresses },
  { path: ['ingress', 'paths'], model: (m) => m.ingress[0]!.paths },
];

function minimalModel() {
  const text = [
    'mesh: { id: mesh1 }',
    'clusters: [{ name: c1, network: n1, eastWestGateway: { address: 192.0.2.1 } }]',
    'namespaces: [{ name: shop }]',
    'services: [{ name: web, namespace: shop, cluster: c1, ports: [{ number: 80, protocol: HTTP }] }]',
    'routes: [{ name: r, namespace: shop, host: web, http: [{ to: [{ service: web }] }] }]',
    'externalServices: [{ name: db, hosts: [db.example.com], ports: [{ number: 5432 }] }]',
    'ingress: [{ name: web, host: web.example.com, to: { service: shop/web } }]',
    '',
  ].join('\n');
  const loaded = loadConfigString(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.value.model;
}

describe('defaults live in the schema only', () => {
  it('the model of a minimal config shows the documented defaults', () => {
    const model = minimalModel();
    for (const { path, model: read } of MOVED_DEFAULTS) {
      const documented = schemaDefault(path);
      expect(documented, `${path.join('.')} has a default in the schema`).toBeDefined();
      expect(read(model), path.join('.')).toEqual(documented);
    }
    // The documented values themselves, so a schema edit that changes generated output shows up here too.
    expect(model.clusters[0]!.ingressGateway.ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['status-port:15021->15021', 'http2:80->8080', 'https:443->8443', 'tls:15443->15443']);
    expect(model.mesh.ca.root).toEqual({ org: 'Istio', cn: 'Root CA', days: 3650 });
    expect(model.mesh.ca.ingress).toEqual({ org: 'meshforge', cn: 'Ingress CA', days: 3650 });
  });

  it('model/build.ts holds none of the values the schema owns', () => {
    const source = readFileSync(BUILD_FILE, 'utf8');
    for (const literal of ["'Root CA'", "'Ingress CA'", "'meshforge'", "'status-port'", "'tls-istiod'", "'tls-webhook'", '15021', '15012', '15017', '8080', '8443', '3650', 'DEFAULT_']) {
      expect(source, literal).not.toContain(literal);
    }
  });

  it('model/build.ts has no constant fallback (x ?? literal) except where the value depends on another field', () => {
    // Each of these cannot be a schema default: the absence itself is meaningful, as the reason says.
    const allowed = new Map([
      ["r.http ?? []", 'a route has http or tcp routes: a default would satisfy the schema anyOf that requires one'],
      ["r.tcp ?? []", 'same as http'],
      ["g.host ?? '*'", 'only a TCP ingress may omit host (semantic check); it then matches any host'],
      ["r.clusters ?? service?.clusters ?? []", 'clusters default to the service clusters; the semantic checks leave no third case'],
      ["g.clusters ?? target?.clusters ?? []", 'same for an ingress: its service clusters, or clusters is required'],
    ]);
    const file = ts.createSourceFile(BUILD_FILE, readFileSync(BUILD_FILE, 'utf8'), ts.ScriptTarget.ES2022, true);
    const constant = (node: ts.Node): boolean => {
      if (ts.isIdentifier(node)) return node.text === 'undefined';
      if (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node) || ts.isElementAccessExpression(node)) return false;
      let all = true;
      node.forEachChild((child) => {
        if (!ts.isPropertyAssignment(child) ? !constant(child) : !constant(child.initializer)) all = false;
      });
      return all;
    };
    const offending: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken) && constant(node.right)) {
        const text = node.getText(file);
        if (!allowed.has(text)) offending.push(text);
      }
      node.forEachChild(visit);
    };
    visit(file);
    expect(offending).toEqual([]);
  });
});
