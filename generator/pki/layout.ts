import { join } from 'node:path';

/**
 * Where every file of the PKI folder lives. The cluster layout is the one of Istio's Makefile.selfsigned.mk
 * (the `cacerts` Secret's keys); the ingress layout is the one a Gateway `credentialName` Secret needs.
 */
export const ROOT_CERT = 'root-cert.pem';
export const ROOT_KEY = 'root-key.pem';
export const CA_CERT = 'ca-cert.pem';
export const CA_KEY = 'ca-key.pem';
export const CERT_CHAIN = 'cert-chain.pem';
export const PREVIOUS_DIR = 'previous';
export const INGRESS_DIR = 'ingress';
export const INGRESS_CA_CERT = 'ca.crt';
export const INGRESS_CA_KEY = 'ca.key';
export const TLS_CERT = 'tls.crt';
export const TLS_KEY = 'tls.key';
export const CLIENTS_DIR = 'clients';
export { SECRETS_DIR } from '../core/cli-vocabulary.js';

/** The four files of a cluster's `cacerts` Secret, in the order Istio's tooling lists them. */
export const CLUSTER_FILES = [CA_CERT, CA_KEY, ROOT_CERT, CERT_CHAIN] as const;

export interface PkiLayout {
  readonly dir: string;
  readonly rootCert: string;
  readonly rootKey: string;
  cluster(name: string): ClusterPaths;
  readonly ingressDir: string;
  readonly ingressCaCert: string;
  readonly ingressCaKey: string;
  credential(credentialName: string): CredentialPaths;
  client(name: string): CredentialPaths;
  readonly clientsDir: string;
}

export interface ClusterPaths {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly rootCert: string;
  readonly certChain: string;
  readonly previousDir: string;
}

export interface CredentialPaths {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export function clusterPaths(dir: string): ClusterPaths {
  return {
    dir,
    caCert: join(dir, CA_CERT),
    caKey: join(dir, CA_KEY),
    rootCert: join(dir, ROOT_CERT),
    certChain: join(dir, CERT_CHAIN),
    previousDir: join(dir, PREVIOUS_DIR),
  };
}

function credentialPaths(dir: string): CredentialPaths {
  return { dir, cert: join(dir, TLS_CERT), key: join(dir, TLS_KEY), ca: join(dir, INGRESS_CA_CERT) };
}

export function pkiLayout(dir: string): PkiLayout {
  const ingressDir = join(dir, INGRESS_DIR);
  const clientsDir = join(ingressDir, CLIENTS_DIR);
  return {
    dir,
    rootCert: join(dir, ROOT_CERT),
    rootKey: join(dir, ROOT_KEY),
    cluster: (name) => clusterPaths(join(dir, name)),
    ingressDir,
    ingressCaCert: join(ingressDir, INGRESS_CA_CERT),
    ingressCaKey: join(ingressDir, INGRESS_CA_KEY),
    credential: (credentialName) => credentialPaths(join(ingressDir, credentialName)),
    client: (name) => credentialPaths(join(clientsDir, name)),
    clientsDir,
  };
}
