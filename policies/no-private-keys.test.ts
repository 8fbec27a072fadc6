import rule from './no-private-keys.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

// Built at run time so that no file of this repository holds a PEM private key header.
const header = (label: string) => `-----BEGIN ${label}PRIVATE KEY-----`;
const pem = (label: string) => `${header(label)}\n      MIIBVwIBADANBgkqhkiG9w0BAQEFAASCAUEwggE9AgEAAkEA\n      -----END ${label}PRIVATE KEY-----`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
// A token of GitHub's classic shape, built at run time for the same reason.
const token = `${'ghp'}_${'x7Kq2'.repeat(8)}`;

runRuleTests(rule, {
  valid: [
    {
      name: 'a certificate and a credentialName reference are not keys',
      clusters: {
        cluster1: `apiVersion: v1
kind: ConfigMap
metadata: { name: ca, namespace: istio-system }
data:
  root-cert.pem: |
    -----BEGIN CERTIFICATE-----
    MIIBsjCCAVmgAwIBAgIUY
    -----END CERTIFICATE-----
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [a.example.com], tls: { mode: SIMPLE, credentialName: a-credential } }]
`,
      },
    },
    {
      name: 'a Secret with only a certificate and an empty key field',
      clusters: { cluster1: `apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: foo }\ndata:\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n')}\n  tls.key: ""\n` },
    },
  ],
  invalid: [
    {
      name: 'PEM key in a ConfigMap and in stringData',
      clusters: {
        cluster1: `apiVersion: v1
kind: ConfigMap
metadata: { name: leaked, namespace: foo }
data:
  key: |
    ${pem('RSA ')}
---
apiVersion: v1
kind: Secret
metadata: { name: cacerts, namespace: istio-system }
stringData:
  ca-key.pem: |
    ${pem('')}
`,
      },
      errors: [
        { messageId: 'pemInValue', resource: 'ConfigMap foo/leaked', cluster: 'cluster1', path: 'data.key', data: { label: 'RSA ' } },
        { messageId: 'pemInValue', resource: 'Secret istio-system/cacerts', cluster: 'cluster1', path: 'stringData["ca-key.pem"]', data: { label: '' } },
      ],
    },
    {
      name: 'base64 PEM and a key-named field in Secret data, in a List',
      clusters: {
        '': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: tls, namespace: foo }
    data:
      server: ${b64(`${header('EC ')}\nabc\n`)}
      tls.key: ${b64('binary-der-bytes')}
`,
      },
      errors: [
        { messageId: 'secretKey', resource: 'Secret foo/tls', path: 'data.server', data: { key: 'server' } },
        { messageId: 'secretKey', resource: 'Secret foo/tls', path: 'data["tls.key"]', data: { key: 'tls.key' } },
      ],
    },
    {
      name: 'base64 PEM key in a ConfigMap binaryData entry (issue 17, finding 2)',
      clusters: { cluster1: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: blob, namespace: foo }\nbinaryData:\n  server.bin: ${b64(`${header('RSA ')}\nabc\n`)}\n` },
      errors: [{ messageId: 'encodedKey', resource: 'ConfigMap foo/blob', cluster: 'cluster1', path: 'binaryData["server.bin"]', data: { field: 'binaryData', key: 'server.bin', what: 'a PEM private key' } }],
    },
    {
      name: 'a GitHub token in a ConfigMap value and in an annotation (issue 17, finding 2)',
      clusters: {
        cluster1: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ci\n  namespace: foo\n  annotations: { ci/token: "${token}" }\ndata:\n  GITHUB_TOKEN: ${token}\n`,
      },
      errors: [
        { messageId: 'tokenInValue', resource: 'ConfigMap foo/ci', cluster: 'cluster1', path: 'metadata.annotations["ci/token"]', data: { kind: 'GitHub' } },
        { messageId: 'tokenInValue', resource: 'ConfigMap foo/ci', cluster: 'cluster1', path: 'data.GITHUB_TOKEN', data: { kind: 'GitHub' } },
      ],
    },
  ],
});
