import rule from './east-west-coverage.js';
import { runRuleTests } from '../test/lint/rule-tester.js';

const istioSystem = (network: string) => `---
apiVersion: v1
kind: Namespace
metadata: { name: istio-system, labels: { topology.istio.io/network: ${network} } }
`;
const ambientNs = `---
apiVersion: v1
kind: Namespace
metadata: { name: bookinfo, labels: { istio.io/dataplane-mode: ambient } }
`;
const globalSvc = `---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: bookinfo, labels: { istio.io/global: "true" } }
spec: { ports: [{ port: 9080, name: http }] }
`;
const eastWest = (network: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: istio-eastwest, namespace: istio-system, labels: { topology.istio.io/network: ${network} } }
spec:
  gatewayClassName: istio-east-west
  listeners: [{ name: mesh, port: 15008, protocol: HBONE, tls: { mode: Terminate, options: { gateway.istio.io/tls-terminate-mode: ISTIO_MUTUAL } } }]
`;
const hbone = '[{ name: mesh, port: 15008, protocol: HBONE }]';
const passthrough = '[{ name: tls-passthrough, port: 15443, protocol: TLS, tls: { mode: Passthrough, options: { gateway.istio.io/listener-protocol: auto-passthrough } } }]';
const remote = (network: string, addresses = '[{ type: IPAddress, value: 192.0.2.10 }]', listeners = hbone) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${network}-remote, namespace: istio-system, labels: { topology.istio.io/network: ${network} } }
spec:
  gatewayClassName: istio-remote
  addresses: ${addresses}
  listeners: ${listeners}
`;
const sidecarEastWest = `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: cross-network-gateway, namespace: istio-system }
spec:
  selector: { istio: eastwestgateway }
  servers: [{ port: { number: 15443, name: tls, protocol: TLS }, tls: { mode: AUTO_PASSTHROUGH }, hosts: ["*.local"] }]
`;
const values = (network: string) => ({ 'install/istiod.values.yaml': `profile: ambient\nglobal: { network: ${network} }\n` });

runRuleTests(rule, {
  valid: [
    {
      name: 'two ambient networks, each with an east-west gateway and a peer for the other',
      clusters: { cluster1: istioSystem('net1') + ambientNs + globalSvc + eastWest('net1') + remote('net2'), cluster2: istioSystem('net2') + ambientNs + globalSvc + eastWest('net2') + remote('net1') },
    },
    { name: 'a single network needs no east-west gateway', clusters: { cluster1: istioSystem('net1') + globalSvc, cluster2: istioSystem('net1') + globalSvc } },
    { name: 'multi-network without global services: nothing crosses networks', clusters: { cluster1: istioSystem('net1') + ambientNs, cluster2: istioSystem('net2') + ambientNs } },
    {
      name: 'sidecar networks peered by meshNetworks or istio-remote with auto-passthrough; network from Helm values',
      clusters: {
        cluster1: { 'a.yaml': sidecarEastWest + remote('net2', '[{ type: Hostname, value: ew.net2.example }]', passthrough), 'install/istiod.values.yaml': 'global: { network: net1 }\n' },
        cluster2: { 'a.yaml': sidecarEastWest, 'install/istiod.values.yaml': 'global: { network: net2 }\nmeshConfig:\n  meshNetworks:\n    net1: { endpoints: [{ fromRegistry: cluster1 }], gateways: [{ address: 192.0.2.1, port: 15443 }] }\n' },
      },
    },
    {
      name: 'a sidecar cluster by its install (istiod without profile ambient) despite a stale ambient namespace label: its peers take auto-passthrough',
      clusters: {
        cluster1: { 'a.yaml': ambientNs + globalSvc + eastWest('net1') + remote('net2', '[{ type: IPAddress, value: 192.0.2.20 }]', passthrough), ...values('net1') },
        cluster2: { 'a.yaml': ambientNs + sidecarEastWest + remote('net1'), 'install/istiod.values.yaml': 'global: { network: net2 }\n' },
      },
    },
  ],
  invalid: [
    {
      name: 'an ambient cluster by its ztunnel release (Flux), with no namespace labelled yet: its peers need HBONE',
      clusters: {
        cluster1: { 'a.yaml': sidecarEastWest + remote('net2', '[{ type: IPAddress, value: 192.0.2.20 }]', passthrough), 'install/istiod.values.yaml': 'global: { network: net1 }\n' },
        cluster2: {
          'a.yaml': eastWest('net2') + remote('net1', '[{ type: IPAddress, value: 192.0.2.10 }]', passthrough),
          'flux.yaml': `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: ztunnel, namespace: istio-system }
spec:
  chart: { spec: { chart: ztunnel, version: 1.29.0, sourceRef: { kind: HelmRepository, name: istio } } }
`,
          'install/istiod.values.yaml': 'global: { network: net2 }\n',
        },
      },
      errors: [
        { messageId: 'peerListenerMismatch', resource: 'Gateway istio-system/net2-remote', cluster: 'cluster1', path: 'spec.listeners', data: { gateway: 'istio-system/net2-remote', network: 'net2', expected: 'HBONE on 15008' } },
      ],
    },
    {
      name: 'a serving network without east-west gateway; the other network has no peer for it',
      clusters: { cluster1: istioSystem('net1') + ambientNs + globalSvc, cluster2: istioSystem('net2') + ambientNs + eastWest('net2') },
      errors: [
        { messageId: 'noEastWestGateway', resource: 'Namespace istio-system', cluster: 'cluster1', path: 'metadata.labels["topology.istio.io/network"]', data: { network: 'net1', cluster: 'cluster1' } },
        { messageId: 'noPeer', resource: 'Namespace istio-system', cluster: 'cluster2', path: 'metadata.labels["topology.istio.io/network"]', data: { network: 'net1', cluster: 'cluster2', ownNetwork: 'net2' } },
      ],
    },
    {
      name: 'peer address without type; sidecar listener for an ambient peer; network from istiod values',
      clusters: {
        cluster1: { 'a.yaml': ambientNs + globalSvc + eastWest('net1') + remote('net2', '[{ value: 192.0.2.20 }]', passthrough), ...values('net1') },
        cluster2: { 'a.yaml': ambientNs + globalSvc + eastWest('net2') + remote('net1'), ...values('net2') },
      },
      errors: [
        { messageId: 'peerWithoutAddress', resource: 'Gateway istio-system/net2-remote', cluster: 'cluster1', path: 'spec.addresses', data: { gateway: 'istio-system/net2-remote', network: 'net2' } },
        { messageId: 'peerListenerMismatch', resource: 'Gateway istio-system/net2-remote', cluster: 'cluster1', path: 'spec.listeners', data: { gateway: 'istio-system/net2-remote', network: 'net2', expected: 'HBONE on 15008' } },
      ],
    },
    {
      name: 'a peer without network label',
      clusters: { cluster1: remote('net2').replace('labels: { topology.istio.io/network: net2 } ', '') },
      errors: [{ messageId: 'peerWithoutNetwork', resource: 'Gateway istio-system/net2-remote', cluster: 'cluster1', path: 'metadata' }],
    },
    {
      name: 'sidecar mesh: the exporting network has a 15443 gateway, the other network no peer (anchor: Helm values)',
      clusters: {
        cluster1: { 'a.yaml': sidecarEastWest, 'install/istiod.values.yaml': 'global: { network: net1 }\n' },
        cluster2: { 'install/istiod.values.yaml': 'global: { network: net2 }\n' },
      },
      errors: [{ messageId: 'noPeer', resource: 'HelmValues istiod', cluster: 'cluster2', path: 'global.network', data: { network: 'net1', cluster: 'cluster2', ownNetwork: 'net2' } }],
    },
  ],
});
