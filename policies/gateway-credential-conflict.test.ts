import rule from './gateway-credential-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gateway } from '../test/lint/manifests.js';

const https = (name: string, host: string, credential: string, selector = 'istio: ingressgateway') => gateway(name, 'istio-system', `  selector: { ${selector} }\n  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [${host}], tls: { mode: SIMPLE, credentialName: ${credential} } }]`);

runRuleTests(rule, {
  valid: [
    { name: 'one credential per Gateway', clusters: { cluster1: https('httpbin', 'httpbin.example.com', 'httpbin-credential') + https('helloworld', 'helloworld.example.com', 'helloworld-credential') } },
    { name: 'same credential on different workloads or clusters', clusters: { cluster1: https('a', 'a.example.com', 'wildcard') + https('b', 'b.example.com', 'wildcard', 'istio: internal-gateway'), cluster2: https('c', 'c.example.com', 'wildcard') } },
  ],
  invalid: [
    {
      name: 'two Gateways share a certificate',
      clusters: { cluster1: https('a', 'a.example.com', 'wildcard-cert') + https('b', 'b.example.com', 'wildcard-cert') },
      errors: [{ messageId: 'sharedCredential', resource: 'Gateway istio-system/b', cluster: 'cluster1', path: 'spec.servers[0].tls.credentialName', data: { credentialName: 'wildcard-cert', other: 'Gateway istio-system/a' } }],
    },
    {
      name: 'three Gateways: each later one is reported',
      clusters: { cluster2: https('a', 'a.example.com', 'shared') + https('b', 'b.example.com', 'shared') + https('c', 'c.example.com', 'shared') },
      errors: [
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/b', cluster: 'cluster2', path: 'spec.servers[0].tls.credentialName' },
        { messageId: 'sharedCredential', resource: 'Gateway istio-system/c', cluster: 'cluster2', path: 'spec.servers[0].tls.credentialName' },
      ],
    },
  ],
});
