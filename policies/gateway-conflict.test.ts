import rule from './gateway-conflict.js';
import { runRuleTests } from '../test/lint/rule-tester.js';
import { gateway } from '../test/lint/manifests.js';

const passthrough = (name: string, hosts: string, selector = 'istio: ingressgateway') => gateway(name, 'istio-system', `  selector: { ${selector} }\n  servers: [{ port: { number: 15443, name: tls, protocol: TLS }, tls: { mode: AUTO_PASSTHROUGH }, hosts: ${hosts} }]`);

runRuleTests(rule, {
  valid: [
    { name: 'per-host AUTO_PASSTHROUGH Gateways on one workload (seed 001)', clusters: { cluster2: passthrough('httpbin', '[httpbin.bar.cluster2]') + passthrough('helloworld', '["*.sample.cluster2"]') } },
    { name: 'the *.local cross-network Gateway selects the east-west gateway', clusters: { cluster2: passthrough('httpbin', '[httpbin.bar.cluster2]') + passthrough('cross-network-gateway', '["*.local"]', 'istio: eastwestgateway') } },
    { name: 'same host and port in two clusters', clusters: { cluster1: passthrough('a', '["*.local"]'), cluster2: passthrough('b', '["*.local"]') } },
  ],
  invalid: [
    {
      name: 'wildcard overlaps a host on the same workload and port',
      clusters: { cluster2: passthrough('httpbin', '[httpbin.bar.cluster2]') + passthrough('wide', '["*.cluster2"]') },
      errors: [{ messageId: 'conflict', resource: 'Gateway istio-system/wide', cluster: 'cluster2', path: 'spec.servers[0].hosts[0]', data: { host: '*.cluster2', port: 15443, other: 'Gateway istio-system/httpbin' } }],
    },
    {
      name: 'two cross-network Gateways on the east-west gateway',
      clusters: { cluster1: passthrough('cross-network-gateway', '["*.local"]', 'istio: eastwestgateway') + passthrough('extra', '["*.local"]', 'istio: eastwestgateway') },
      errors: [{ messageId: 'conflict', resource: 'Gateway istio-system/extra', cluster: 'cluster1', path: 'spec.servers[0].hosts[0]' }],
    },
  ],
});
