/** Small manifest builders for rule tests: YAML text, so cases go through the real loader. */

export const service = (name: string, namespace: string, ports: string, extra = '') => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace}${extra} }
spec:
  selector: { app: ${name} }
  ports: ${ports}
`;

export const serviceEntry = (name: string, namespace: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
`;

export const virtualService = (name: string, namespace: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
`;

export const destinationRule = (name: string, namespace: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
`;

export const gateway = (name: string, namespace: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
`;

/** The client side of seed 001: cluster1 reaches httpbin in cluster2 as httpbin.bar.cluster2. */
export const remoteHttpbinEntry = serviceEntry(
  'httpbin-bar-cluster2',
  'foo',
  `  hosts: [httpbin.bar.cluster2]
  location: MESH_INTERNAL
  resolution: DNS
  addresses: [240.0.0.2]
  ports: [{ number: 8000, name: http, protocol: HTTP }]
  endpoints: [{ address: 192.168.121.10, ports: { http: 32001 } }]`,
);
