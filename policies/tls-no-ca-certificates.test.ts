import rule from './tls-no-ca-certificates.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { destinationRule } from '../test/lint/manifests.js';

const dr = (name: string, tls: string) => destinationRule(name, 'foo', `  host: api.partner.example.com\n  trafficPolicy:\n    tls: ${tls}`);

runRuleTests(rule, {
  valid: [
    { name: 'SIMPLE with caCertificates; ISTIO_MUTUAL needs none', clusters: { cluster1: dr('a', '{ mode: SIMPLE, caCertificates: /etc/ssl/certs/ca-certificates.crt, sni: api.partner.example.com }') + dr('b', '{ mode: ISTIO_MUTUAL }') } },
    { name: 'MUTUAL with a credentialName; explicit insecureSkipVerify', clusters: { cluster1: dr('a', '{ mode: MUTUAL, credentialName: partner-client }') + dr('b', '{ mode: SIMPLE, insecureSkipVerify: true }') } },
  ],
  invalid: [
    {
      name: 'SIMPLE without caCertificates (seed 002 TLS upgrade)',
      clusters: { cluster1: dr('a', '{ mode: SIMPLE, sni: api.partner.example.com }') },
      errors: [{ messageId: 'noCaCertificates', resource: 'DestinationRule foo/a', cluster: 'cluster1', path: 'spec.trafficPolicy.tls.mode', data: { mode: 'SIMPLE', host: 'api.partner.example.com' } }],
    },
    {
      name: 'MUTUAL on one port of a subset with client certs but no CA',
      clusters: { cluster1: destinationRule('b', 'foo', '  host: db.example.com\n  subsets:\n    - name: primary\n      trafficPolicy:\n        portLevelSettings:\n          - port: { number: 5432 }\n            tls: { mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem }') },
      errors: [{ messageId: 'noCaCertificates', resource: 'DestinationRule foo/b', cluster: 'cluster1', path: 'spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.mode', data: { mode: 'MUTUAL', host: 'db.example.com' } }],
    },
  ],
});
