import { stringify } from 'yaml';
import type { MeshModel } from '../model/types.js';
import { PkiError } from './errors.js';
import { CLUSTER_FILES, INGRESS_CA_CERT, pkiLayout, TLS_CERT, TLS_KEY } from './layout.js';
import { ingressCredentials, type IngressCredential } from './profile.js';
import { checkPrivateDir, readIfExists } from './store.js';

/** The Secret istiod reads its plugin CA from (name and namespace are fixed by Istio). */
export const CACERTS_SECRET = { name: 'cacerts', namespace: 'istio-system' } as const;

export interface SecretFile {
  /** The Secret's data key. */
  readonly key: string;
  /** Where the file lives (shown in kubectl commands). */
  readonly path: string;
  readonly content: string;
}

export interface SecretSpec {
  readonly cluster: string;
  readonly name: string;
  readonly namespace: string;
  readonly type: 'Opaque' | 'kubernetes.io/tls';
  readonly files: readonly SecretFile[];
}

export interface ClusterSecrets {
  readonly cluster: string;
  readonly secrets: readonly SecretSpec[];
}

/** Reads the files every cluster's Secrets are made of. Throws PkiError('invalid-input') when `certs init` has not run. */
export function collectSecrets(model: MeshModel, pkiDir: string, only?: string): ClusterSecrets[] {
  // Keys read from a shared or foreign folder could be planted ones, and would be delivered to every cluster.
  checkPrivateDir(pkiDir);
  const layout = pkiLayout(pkiDir);
  const read = (path: string): string => {
    const content = readIfExists(path);
    if (content === undefined) throw new PkiError('invalid-input', `${path} does not exist`, 'Run `meshforge certs init` first.');
    return content;
  };
  const credentials = ingressCredentials(model);
  const clusters = model.clusters.filter((c) => only === undefined || c.name === only);
  if (only !== undefined && clusters.length === 0) throw new PkiError('invalid-input', `unknown cluster '${only}'`, `Use one of: ${model.clusters.map((c) => c.name).join(', ')}.`);
  return clusters.map((cluster) => {
    const paths = layout.cluster(cluster.name);
    const byName: Record<(typeof CLUSTER_FILES)[number], string> = { 'ca-cert.pem': paths.caCert, 'ca-key.pem': paths.caKey, 'root-cert.pem': paths.rootCert, 'cert-chain.pem': paths.certChain };
    const cacerts: SecretSpec = {
      cluster: cluster.name,
      ...CACERTS_SECRET,
      type: 'Opaque',
      files: CLUSTER_FILES.map((key) => ({ key, path: byName[key], content: read(byName[key]) })),
    };
    const ingress = credentials.flatMap((credential: IngressCredential) =>
      credential.targets
        .filter((t) => t.cluster === cluster.name)
        .map((target): SecretSpec => {
          const p = layout.credential(credential.credentialName);
          const tls = [
            { key: TLS_CERT, path: p.cert, content: read(p.cert) },
            { key: TLS_KEY, path: p.key, content: read(p.key) },
          ];
          // MUTUAL gateways verify clients with ca.crt; a SIMPLE credential is a plain kubernetes.io/tls Secret.
          return credential.mode === 'MUTUAL'
            ? { cluster: cluster.name, name: credential.credentialName, namespace: target.namespace, type: 'Opaque', files: [...tls, { key: INGRESS_CA_CERT, path: p.ca, content: read(p.ca) }] }
            : { cluster: cluster.name, name: credential.credentialName, namespace: target.namespace, type: 'kubernetes.io/tls', files: tls };
        }),
    );
    return { cluster: cluster.name, secrets: [cacerts, ...ingress] };
  });
}

/** One Secret manifest, data base64-encoded exactly as `kubectl create secret` would store it. */
export function secretManifest(spec: SecretSpec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { 'app.kubernetes.io/managed-by': 'meshforge' } },
    type: spec.type,
    data: Object.fromEntries(spec.files.map((f) => [f.key, Buffer.from(f.content, 'utf8').toString('base64')])),
  };
}

/** Quotes a shell word only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `kubectl create secret` command for a Secret. The kubeconfig context is assumed to be named like the
 * cluster (`--context <cluster>`); `display` turns file paths into what the user should type.
 */
export function kubectlCommand(spec: SecretSpec, display: (path: string) => string = (p) => p): string {
  const head = ['kubectl', `--context=${spec.cluster}`, '-n', spec.namespace, 'create', 'secret'];
  const args =
    spec.type === 'kubernetes.io/tls'
      ? ['tls', spec.name, `--cert=${display(spec.files.find((f) => f.key === TLS_CERT)!.path)}`, `--key=${display(spec.files.find((f) => f.key === TLS_KEY)!.path)}`]
      : ['generic', spec.name, ...spec.files.map((f) => `--from-file=${f.key}=${display(f.path)}`)];
  return [...head, ...args].map(shellQuote).join(' ');
}

const WARNING = '# Contains PRIVATE KEYS. Apply it to the cluster; never commit it (docs/pki.md, "Delivery").';

/** A cluster's Secrets as one YAML stream, preceded by the equivalent kubectl commands as comments. */
export function renderClusterManifests(cluster: ClusterSecrets, display?: (path: string) => string): string {
  const header = [`# meshforge certs secrets: cluster ${cluster.cluster}`, WARNING, '# The same Secrets with kubectl:', ...cluster.secrets.map((s) => `#   ${kubectlCommand(s, display)}`)];
  const documents = cluster.secrets.map((s) => `---\n${stringify(secretManifest(s), { lineWidth: 0 })}`);
  return `${header.join('\n')}\n${documents.join('')}`;
}

/** A cluster's kubectl commands as a shell script. */
export function renderClusterScript(cluster: ClusterSecrets, display?: (path: string) => string): string {
  return ['#!/bin/sh', `# meshforge certs secrets: create the Secrets of cluster ${cluster.cluster}.`, '# The kubeconfig context is assumed to be named like the cluster; edit --context if yours differs.', 'set -e', ...cluster.secrets.map((s) => kubectlCommand(s, display)), ''].join('\n');
}
