import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { MeshModel } from '../model/types.js';
import { ambientExampleText, exampleText, ledgerOf, modelOf } from '../../test/generator/helpers.js';
import { gatewayApiContent } from '../gitops/gateway-api-crds.js';
import { planGitops } from '../gitops/render.js';
import { planMeshFiles, renderMesh, renderPlannedFile } from './render.js';
import { templatesDir } from './templates.js';

const model = modelOf(exampleText());
const ledger = ledgerOf(model);
const ambient = modelOf(ambientExampleText());

/** Parses a rendered file the way both YAML readers would and compares it with the object meshforge intended. */
function expectFaithful(m: MeshModel): void {
  for (const file of planMeshFiles(m, ledgerOf(m))) {
    const text = renderPlannedFile(file, m);
    expect(parse(text), file.path).toEqual(file.document.object);
    expect(parse(text, { schema: 'yaml-1.1' }), file.path).toEqual(file.document.object);
  }
}

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

const ADVERSARIAL = ['yes', 'no', 'on', 'off', 'null', '~', 'true', '0755', '1:20', '1e3', '2001-12-14', 'a: b', '# c', '{{x}}', '"q"', "'q'", '*a', '&a', '!a', '-x', '- x', 'a\nb', '', ' ', '@x', '%x', '|', '>', '[x]', '{x}', '\\', '\u2028', '\ud800'];
const text = fc.oneof(fc.constantFrom(...ADVERSARIAL), fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: fc.constantFrom(...'ay:#"\'\\{}[]-*&!|>%@`\n\t ,?.0'.split('')), maxLength: 12 }));

describe('renderMesh', () => {
  it('writes every document of the example exactly as intended (both YAML 1.2 and 1.1 readers)', () => {
    expectFaithful(model);
  });

  it('writes every document of the ambient example exactly as intended, deterministically', () => {
    expectFaithful(ambient);
    const again = modelOf(ambientExampleText());
    expect(renderMesh(again, ledgerOf(again)).map((f) => [f.path, f.content])).toEqual(renderMesh(ambient, ledgerOf(ambient)).map((f) => [f.path, f.content]));
  });

  it('is deterministic: two renders give byte-identical files in the same order', () => {
    const a = renderMesh(model, ledger);
    const b = renderMesh(modelOf(exampleText()), ledgerOf(modelOf(exampleText())));
    expect(b.map((f) => [f.path, f.content])).toEqual(a.map((f) => [f.path, f.content]));
  });

  it('has one template per kind it writes, and every template is used (by the two examples)', () => {
    const onDisk = readdirSync(templatesDir()).filter((f) => f.endsWith('.yaml.hbs') && !f.startsWith('_')).map((f) => f.replace('.yaml.hbs', '')).sort();
    // The Gateway API ingress templates are used by `api: gateway-api` entries, which the test fixture has.
    const gatewayApi = modelOf(readFileSync(new URL('../../test/fixtures/generator/gateway-api.mesh.config.yaml', import.meta.url), 'utf8'));
    const used = [
      ...new Set(
        [model, ambient, gatewayApi].flatMap((m) => {
          const planned = planMeshFiles(m, ledgerOf(m));
          const content = gatewayApiContent(planned.map((f) => ({ cluster: f.cluster, object: f.document.object })));
          return [...planned.map((f) => f.document.template), ...planGitops(m, content).map((d) => d.template)];
        }),
      ),
    ].sort();
    expect(used).toEqual(onDisk);
  });

  // 60 renders of the whole example: give a loaded machine room (the default is 15 s).
  it('keeps adversarial config strings intact in every generated document (property)', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(text, text, text, text, text, text, text, text, (headerValue, headerName, serverHeader, labelKey, labelValue, uriPrefix, accessLog, routeName) => {
        const m = structuredClone(model) as Mutable<MeshModel>;
        const tenant = m.routes.find((r) => r.name === 'tenant-router')!;
        tenant.http[0]!.match = [{ headers: { [headerName]: { exact: headerValue } }, uri: { prefix: uriPrefix } }];
        tenant.http[1]!.name = routeName;
        tenant.http[1]!.match = [{ method: { regex: headerValue }, authority: { exact: routeName } }, {}];
        const cluster2 = m.clusters.find((c) => c.name === 'cluster2')!;
        cluster2.ingressGateway.serverHeader = serverHeader;
        for (const ns of m.namespaces) ns.labels = { [labelKey]: labelValue };
        m.services.find((s) => s.name === 'helloworld')!.versions[0]!.labels = { [labelKey]: labelValue, version: labelValue };
        m.mesh.defaults.accessLogFile = accessLog;
        m.ingress.find((i) => i.name === 'goapp-dev')!.paths = [uriPrefix, `/${labelValue}`];
        const partner = m.externalServices.find((e) => e.name === 'partner-api')!;
        partner.tls!.caCertificates = labelValue;
        partner.tls!.sni = headerValue;
        expectFaithful(m as MeshModel);
      }),
      { numRuns: 60 },
    );
  });

  it('throws instead of writing an empty string when a template field is missing', () => {
    const m = structuredClone(model) as Mutable<MeshModel>;
    (m.clusters[1]!.ingressGateway as { address?: string }).address = undefined;
    expect(() => renderMesh(m as MeshModel, ledger)).toThrow(/missing/);
  });
});
