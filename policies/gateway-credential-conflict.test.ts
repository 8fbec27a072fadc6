import rule from './gateway-credential-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gateway } from '../test/lint/manifests.js';

const https = (name: string, host: string, credential: string, selector = 'istio: ingressgateway') => gateway(name, 'istio-system', `  selector: { ${selector} }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [${host}], tls: { mode: SIMPLE, credentialName: ${credential} } }]`);

const files = (name: string, certificate: string, key: string) => gateway(name, 'istio-system', `  selector: { istio: files }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [${name}.example.com], tls: { mode: SIMPLE, serverCertificate: ${certificate}, privateKey: ${key} } }]`);

runRuleTests(rule, {
  valid: [
    { name: 'one credential per Gateway', clusters: { cluster1: https('httpbin', 'httpbin.example.com', 'httpbin-credential') + https('helloworld', 'helloworld.example.com', 'helloworld-credential') } },
    { name: 'same credential on different workloads or clusters', clusters: { cluster1: https('a', 'a.example.com', 'wildcard') + https('b', 'b.example.com', 'wildcard', 'istio: internal-gateway'), cluster2: https('c', 'c.example.com', 'wildcard') } },
    {
      name: 'same certificate file with different keys; one Gateway using a credential on two ports',
      clusters: {
        cluster1:
          files('a', '/etc/certs/cert.pem', '/etc/certs/a-key.pem') +
          files('b', '/etc/certs/cert.pem', '/etc/certs/b-key.pem') +
          gateway('both-ports', 'istio-system', '  selector: { istio: ingressgateway }\n  servers:\n    - { port: { number: 443, name: https, protocol: HTTPS }, hosts: [x.example.com], tls: { mode: SIMPLE, credentialName: x-cert } }\n    - { port: { number: 8443, name: https-alt, protocol: HTTPS }, hosts: [x.example.com], tls: { mode: SIMPLE, credentialName: x-cert } }'),
      },
    },
  ],
  invalid: [
    {
      name: 'a narrower selector meets a wider one (only the wider-selector Gateway is reported); files with the same key',
      clusters: {
        cluster1: https('all-pods', 'a.example.com', 'team-cert') + https('canary-pods', 'b.example.com', 'team-cert', 'istio: ingressgateway, track: canary') + files('f1', '/etc/certs/cert.pem', '/etc/certs/key.pem') + files('f2', '/etc/certs/cert.pem', '/etc/certs/key.pem'),
      },
      errors: [
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/all-pods', cluster: 'cluster1', path: 'spec.servers[0].tls.credentialName', data: { certificate: 'credentialName team-cert', others: 'Gateway istio-system/canary-pods' } },
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/f1', cluster: 'cluster1', path: 'spec.servers[0].tls.serverCertificate', data: { certificate: 'serverCertificate /etc/certs/cert.pem', others: 'Gateway istio-system/f2' } },
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/f2', cluster: 'cluster1', path: 'spec.servers[0].tls.serverCertificate' },
      ],
    },
    {
      name: 'two Gateways share a certificate',
      clusters: { cluster1: https('a', 'a.example.com', 'wildcard-cert') + https('b', 'b.example.com', 'wildcard-cert') },
      errors: [
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/a', cluster: 'cluster1', path: 'spec.servers[0].tls.credentialName', data: { certificate: 'credentialName wildcard-cert', others: 'Gateway istio-system/b' } },
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/b', cluster: 'cluster1', path: 'spec.servers[0].tls.credentialName', data: { certificate: 'credentialName wildcard-cert', others: 'Gateway istio-system/a' } },
      ],
    },
    {
      name: 'three Gateways: each one is reported',
      clusters: { cluster2: https('a', 'a.example.com', 'shared') + https('b', 'b.example.com', 'shared') + https('c', 'c.example.com', 'shared') },
      errors: [
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/a', cluster: 'cluster2', path: 'spec.servers[0].tls.credentialName', data: { certificate: 'credentialName shared', others: 'Gateway istio-system/b, Gateway istio-system/c' } },
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/b', cluster: 'cluster2', path: 'spec.servers[0].tls.credentialName' },
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/c', cluster: 'cluster2', path: 'spec.servers[0].tls.credentialName' },
      ],
    },
  ],
});
