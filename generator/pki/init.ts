import type { MeshModel } from '../model/types.js';
import { PkiError } from './errors.js';
import { checkKeyPaths } from './guard.js';
import { inspectCertificate, keyMatchesCertificate } from './inspect.js';
import { buildCertificate, subjectKeyIdHex, type CertificateKind, type Issuer } from './issue.js';
import { CA_KEY_BITS, generateRsaKeyPair, LEAF_KEY_BITS, type KeyPairPem, type RsaBits } from './keys.js';
import { CLUSTER_FILES, pkiLayout, type PkiLayout } from './layout.js';
import { ingressCredentials, pkiProfile, type PkiProfile } from './profile.js';
import { checkPrivateDir, ensurePrivateDir, fileExists, readIfExists, writeCertFile, writeKeyFile } from './store.js';

export interface PkiWriteOptions {
  /** Start of validity of what is issued now (tests pass a fixed or a past date). */
  readonly now?: Date;
  /**
   * RSA size of CA keys. Istio's profile (and the default) is 4096; tests may pass 2048 to stay fast,
   * and at least one test keeps the full 4096 path.
   */
  readonly caKeyBits?: RsaBits;
  /** Folders keys must never be written into (the generated GitOps tree). */
  readonly generatedTrees?: readonly string[];
  /** The environment git runs with when key paths are checked (the caller's, not the process's). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface PkiWriteResult {
  readonly created: readonly string[];
  readonly kept: readonly string[];
}

/** A CA on disk: its certificate, key and what it passes to what it signs. */
export interface LoadedCa {
  readonly certPem: string;
  readonly keyPem: string;
  readonly issuer: Issuer;
}

/** Reads a CA pair, refusing half pairs and keys that do not belong to their certificate. */
export function loadCa(certPath: string, keyPath: string): LoadedCa | undefined {
  const certPem = readIfExists(certPath);
  const keyPem = readIfExists(keyPath);
  if (certPem === undefined && keyPem === undefined) return undefined;
  if (certPem === undefined || keyPem === undefined) {
    const missing = certPem === undefined ? certPath : keyPath;
    throw new PkiError('invalid-input', `${missing} is missing while its pair exists`, 'Restore it from your backup; meshforge will not replace one half of a CA.');
  }
  let facts;
  try {
    facts = inspectCertificate(certPem);
  } catch (error) {
    throw new PkiError('invalid-input', `${certPath} is not a readable certificate: ${(error as Error).message}`);
  }
  if (!keyMatchesCertificate(facts, keyPem)) throw new PkiError('invalid-input', `${keyPath} does not belong to ${certPath}`, 'Restore the matching key; meshforge will not sign with a key that does not match its CA certificate.');
  const subject = { org: facts.subject.find((a) => a.shortName === 'O')?.value ?? '', cn: facts.subject.find((a) => a.shortName === 'CN')?.value ?? '' };
  const locality = facts.subject.find((a) => a.shortName === 'L')?.value;
  return { certPem, keyPem, issuer: { subject: locality !== undefined ? { ...subject, locality } : subject, privateKeyPem: keyPem, subjectKeyIdHex: subjectKeyIdHex(certPem) } };
}

/** Refuses (before anything is written) key paths inside the generated tree or visible to git. */
export async function guardKeyPaths(paths: readonly string[], options: PkiWriteOptions): Promise<void> {
  if (paths.length === 0) return;
  const problems = await checkKeyPaths(paths, options.generatedTrees ?? [], options.env);
  if (problems.length > 0) {
    throw new PkiError(
      'invalid-input',
      `refusing to write private keys:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
      'Keep the PKI folder out of the generated tree and out of git: use the default .meshforge/pki (git-ignored) or pass --pki with an ignored folder, and add it to .gitignore.',
    );
  }
}

/** Issues a certificate for a new key; returns both PEMs. */
function issue(kind: CertificateKind, key: KeyPairPem, fields: { subject: Issuer['subject']; days: number; now: Date; dnsNames?: readonly string[] }, issuer?: Issuer): string {
  return buildCertificate({
    kind,
    subject: fields.subject,
    publicKeyPem: key.publicKeyPem,
    now: fields.now,
    days: fields.days,
    ...(fields.dnsNames ? { dnsNames: fields.dnsNames } : {}),
    ...(issuer ? { issuer } : { selfSigningKeyPem: key.privateKeyPem }),
  });
}

export function issueIntermediate(profile: PkiProfile, cluster: string, key: KeyPairPem, root: Issuer, now: Date): string {
  return issue('intermediate', key, { subject: profile.intermediate(cluster), days: profile.intermediateDays, now, dnsNames: [profile.intermediateSanDns] }, root);
}

/** Writes the four cacerts files of a cluster from its intermediate and the root (what is missing only, unless `overwrite`). */
export function writeClusterFiles(layout: PkiLayout, cluster: string, ca: { certPem: string; keyPem: string }, rootPem: string, result: { created: string[]; kept: string[] }, overwrite: boolean): void {
  const paths = layout.cluster(cluster);
  const contents: Record<(typeof CLUSTER_FILES)[number], { path: string; text: string; key: boolean }> = {
    'ca-cert.pem': { path: paths.caCert, text: ca.certPem, key: false },
    'ca-key.pem': { path: paths.caKey, text: ca.keyPem, key: true },
    'root-cert.pem': { path: paths.rootCert, text: rootPem, key: false },
    'cert-chain.pem': { path: paths.certChain, text: ca.certPem + rootPem, key: false },
  };
  ensurePrivateDir(paths.dir);
  for (const name of CLUSTER_FILES) {
    const file = contents[name];
    if (!overwrite && fileExists(file.path)) {
      result.kept.push(file.path);
      continue;
    }
    if (file.key) writeKeyFile(file.path, file.text);
    else writeCertFile(file.path, file.text);
    result.created.push(file.path);
  }
}

/**
 * `meshforge certs init`: creates the root, every cluster's intermediate, the ingress CA and one server
 * certificate per ingress credential. Keeps everything that exists, so re-running adds only what is
 * missing (a new cluster gets an intermediate from the same root).
 */
export async function initPki(model: MeshModel, dir: string, options: PkiWriteOptions = {}): Promise<PkiWriteResult> {
  // A shared or foreign folder is refused before anything in it is read: its files could be planted.
  checkPrivateDir(dir);
  const now = options.now ?? new Date();
  const profile = pkiProfile(model);
  const layout = pkiLayout(dir);
  const caBits = options.caKeyBits ?? CA_KEY_BITS;
  const credentials = ingressCredentials(model);

  // Every key path of the layout, written now or kept, is checked before anything is read or written:
  // a key that git tracks or would show is a leak even if meshforge only keeps it.
  await guardKeyPaths(
    [
      layout.rootKey,
      ...model.clusters.map((c) => layout.cluster(c.name).caKey),
      ...(credentials.length > 0 ? [layout.ingressCaKey, ...credentials.map((c) => layout.credential(c.credentialName).key)] : []),
    ],
    options,
  );
  const rootCa = loadCa(layout.rootCert, layout.rootKey);
  const existingClusters = model.clusters.map((c) => ({ name: c.name, ca: loadCa(layout.cluster(c.name).caCert, layout.cluster(c.name).caKey) }));
  if (!rootCa && existingClusters.some((c) => c.ca)) {
    throw new PkiError('invalid-input', `${layout.rootCert} is missing but cluster intermediates exist`, 'Restore the root from your backup: a new root would not be trusted by the clusters already running with the old one.');
  }
  const ingressCa = credentials.length > 0 ? loadCa(layout.ingressCaCert, layout.ingressCaKey) : undefined;
  const existingCredentials = credentials.map((c) => ({ credential: c, cert: readIfExists(layout.credential(c.credentialName).cert), key: readIfExists(layout.credential(c.credentialName).key) }));
  for (const c of existingCredentials) {
    if ((c.cert === undefined) !== (c.key === undefined)) throw new PkiError('invalid-input', `${layout.credential(c.credential.credentialName).dir} holds only one of tls.crt and tls.key`, 'Delete that folder and run `meshforge certs init` again to reissue the credential.');
  }
  if (!ingressCa && existingCredentials.some((c) => c.cert !== undefined)) {
    throw new PkiError('invalid-input', `${layout.ingressCaCert} is missing but ingress credentials exist`, 'Restore the ingress CA from your backup, or delete the ingress folder to issue everything again.');
  }

  ensurePrivateDir(dir);

  // Native key generation runs on the thread pool: start every key at once.
  const rootKeyPromise = rootCa ? undefined : generateRsaKeyPair(caBits);
  const clusterKeyPromises = new Map(existingClusters.filter((c) => !c.ca).map((c) => [c.name, generateRsaKeyPair(caBits)]));
  const ingressCaKeyPromise = credentials.length > 0 && !ingressCa ? generateRsaKeyPair(caBits) : undefined;
  const leafKeyPromises = new Map(existingCredentials.filter((c) => c.key === undefined).map((c) => [c.credential.credentialName, generateRsaKeyPair(LEAF_KEY_BITS)]));

  const result = { created: [] as string[], kept: [] as string[] };
  // The root and the ingress CA are both self-signed: kept when present, else issued from their pre-generated key.
  const selfSignedCa = async (existing: LoadedCa | undefined, keyPromise: Promise<KeyPairPem> | undefined, kind: 'root' | 'ingress-ca', subject: typeof profile.root, days: number, certFile: string, keyFile: string): Promise<LoadedCa> => {
    if (existing) {
      result.kept.push(certFile, keyFile);
      return existing;
    }
    const key = await keyPromise!;
    const certPem = issue(kind, key, { subject, days, now });
    writeKeyFile(keyFile, key.privateKeyPem);
    writeCertFile(certFile, certPem);
    result.created.push(certFile, keyFile);
    return { certPem, keyPem: key.privateKeyPem, issuer: { subject, privateKeyPem: key.privateKeyPem, subjectKeyIdHex: subjectKeyIdHex(certPem) } };
  };
  const root = await selfSignedCa(rootCa, rootKeyPromise, 'root', profile.root, profile.rootDays, layout.rootCert, layout.rootKey);

  for (const cluster of existingClusters) {
    let ca = cluster.ca;
    if (!ca) {
      const key = await clusterKeyPromises.get(cluster.name)!;
      ca = { certPem: issueIntermediate(profile, cluster.name, key, root.issuer, now), keyPem: key.privateKeyPem, issuer: root.issuer };
    }
    writeClusterFiles(layout, cluster.name, ca, root.certPem, result, false);
  }

  if (credentials.length > 0) {
    const ingress = await selfSignedCa(ingressCa, ingressCaKeyPromise, 'ingress-ca', profile.ingressCa, profile.ingressDays, layout.ingressCaCert, layout.ingressCaKey);
    for (const { credential, cert } of existingCredentials) {
      const paths = layout.credential(credential.credentialName);
      ensurePrivateDir(paths.dir);
      if (cert === undefined) {
        const key = await leafKeyPromises.get(credential.credentialName)!;
        const subject = { org: profile.ingressCa.org, cn: credential.hosts[0] ?? credential.credentialName };
        writeKeyFile(paths.key, key.privateKeyPem);
        writeCertFile(paths.cert, issue('server', key, { subject, days: profile.ingressDays, now, dnsNames: credential.hosts }, ingress.issuer));
        result.created.push(paths.cert, paths.key);
      } else {
        result.kept.push(paths.cert, paths.key);
      }
      if (fileExists(paths.ca)) result.kept.push(paths.ca);
      else {
        writeCertFile(paths.ca, ingress.certPem);
        result.created.push(paths.ca);
      }
    }
  }
  return result;
}
