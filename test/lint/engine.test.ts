import { describe, expect, it } from 'vitest';
import { SourceRegistry } from '../../generator/diagnostics/sources.js';
import { runPolicies } from '../../generator/lint/engine.js';
import { manifestsFromText } from '../../generator/manifest/from-text.js';
import type { Rule } from '../../policies/utils/rule.js';
import type { PolicyRuleId } from '../../generator/diagnostics/policy-rules.js';
import type { ManifestResource } from '../../generator/manifest/types.js';
import type { PolicyException } from '../../generator/model/types.js';
import strictMtls from '../../policies/strict-mtls.js';

function load(file: string, text: string): ManifestResource[] {
  const loaded = manifestsFromText(file, text, { sources: new SourceRegistry() });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
  return loaded.value;
}

const permissive = (namespace: string, annotations = '') => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: ${namespace}
${annotations ? `  annotations:\n${annotations}\n` : ''}spec:
  mtls:
    mode: PERMISSIVE
`;

const exception = (fields: Partial<PolicyException>): PolicyException => ({ rule: 'strict-mtls', reason: 'migration of legacy clients', origin: ['policies', 'exceptions', 0], ...fields });

describe('runPolicies', () => {
  it('turns reports into diagnostics with resource, cluster, field location and origin', () => {
    const [resource] = load('clusters/c1/pa.yaml', permissive('legacy'));
    const generated = { ...resource!, origin: { file: 'mesh.config.yaml', path: ['mesh', 'defaults', 'mtls'] } };
    const { diagnostics, suppressed } = runPolicies([generated], { rules: [strictMtls] });
    expect(suppressed).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        rule: 'strict-mtls',
        severity: 'error',
        resource: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', namespace: 'legacy', name: 'default' },
        cluster: 'c1',
        location: { file: 'clusters/c1/pa.yaml', docIndex: 0, path: ['spec', 'mtls', 'mode'] },
        origin: { file: 'mesh.config.yaml', path: ['mesh', 'defaults', 'mtls'] },
      }),
    ]);
    expect(diagnostics[0]!.message).toContain('PERMISSIVE');
    expect(diagnostics[0]!.hint).toBeTruthy();
  });

  it('applies severity overrides, including off', () => {
    const resources = load('clusters/c1/pa.yaml', permissive('legacy'));
    expect(runPolicies(resources, { rules: [strictMtls], severity: { 'strict-mtls': 'warning' } }).diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(runPolicies(resources, { rules: [strictMtls], severity: { 'strict-mtls': 'off' } }).diagnostics).toEqual([]);
  });

  it('suppresses by annotation with its reason', () => {
    const resources = load('clusters/c1/pa.yaml', permissive('legacy', '    meshforge.io/suppress: "istio-mutual, strict-mtls"\n    meshforge.io/suppress-reason: legacy clients until Q3'));
    const result = runPolicies(resources, { rules: [strictMtls] });
    expect(result.diagnostics).toEqual([]);
    expect(result.suppressed.map((s) => [s.diagnostic.rule, s.by, s.reason])).toEqual([['strict-mtls', 'annotation', 'legacy clients until Q3']]);
  });

  it('reports a suppression without reason (on the annotation) and an unknown rule id with a suggestion', () => {
    const resources = load('clusters/c1/pa.yaml', permissive('legacy', '    meshforge.io/suppress: strict-mtls,istio-mutal'));
    const result = runPolicies(resources, { rules: [strictMtls] });
    expect(result.suppressed.map((s) => s.by)).toEqual(['annotation']);
    expect(result.diagnostics.map((d) => [d.rule, d.severity, d.location?.path])).toEqual([
      ['suppression-reason', 'error', ['metadata', 'annotations', 'meshforge.io/suppress']],
      ['suppression-unknown-rule', 'warning', ['metadata', 'annotations', 'meshforge.io/suppress']],
    ]);
    expect(result.diagnostics[1]!.message).toContain("'istio-mutual'");
  });

  it('suppresses by policies.exceptions selectors (cluster, kind, namespace prefix, name)', () => {
    const resources = [...load('clusters/c1/a.yaml', permissive('legacy-a') + permissive('legacy-b')), ...load('clusters/c2/b.yaml', permissive('legacy-a') + permissive('prod'))];
    const result = runPolicies(resources, { rules: [strictMtls], exceptions: [exception({ cluster: 'c1', kind: 'PeerAuthentication', namespace: 'legacy-*', name: 'default' }), exception({ cluster: '*', namespace: 'prod', kind: 'Gateway' })] });
    expect(result.suppressed.map((s) => [s.diagnostic.cluster, s.diagnostic.resource?.namespace, s.by, s.reason])).toEqual([
      ['c1', 'legacy-a', 'exception', 'migration of legacy clients'],
      ['c1', 'legacy-b', 'exception', 'migration of legacy clients'],
    ]);
    expect(result.diagnostics.map((d) => [d.cluster, d.resource?.namespace])).toEqual([
      ['c2', 'legacy-a'],
      ['c2', 'prod'],
    ]);
  });

  it('ignores kustomization files and keeps running other rules when one crashes', () => {
    const crashing: Rule = {
      meta: { id: 'crashing' as PolicyRuleId, defaultSeverity: 'error', description: 'throws on purpose', kinds: ['PeerAuthentication'], docs: 'policies/crashing.md', messages: { m: { message: 'm', hint: 'h' } } },
      check() {
        throw new Error('boom');
      },
    };
    const resources = load('clusters/c1/all.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: { name: k }\nresources: []\n${permissive('legacy')}`);
    const result = runPolicies(resources, { rules: [crashing, strictMtls] });
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['rule-failed', 'strict-mtls']);
  });

  it('runs every registered rule by default', () => {
    const resources = load('clusters/c1/pa.yaml', permissive('legacy'));
    expect(runPolicies(resources).diagnostics.map((d) => d.rule)).toEqual(['strict-mtls']);
  });
});
