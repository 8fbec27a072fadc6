import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic, Severity } from '../diagnostics/types.js';
import type { MeshModel } from '../model/types.js';
import { formatSubject, inspectCertificate, isIssuedBy, keyMatchesCertificate, splitPemCertificates, type CertificateFacts } from './inspect.js';
import { ISTIO_CA_KEY_USAGE, type SubjectName } from './issue.js';
import { pkiLayout, type CredentialPaths } from './layout.js';
import { ingressCredentials, pkiProfile } from './profile.js';
import { fileExists, fileMode, readIfExists } from './store.js';

/**
 * `meshforge certs verify` (and `meshforge check` when a PKI folder exists). Rule ids:
 * pki-missing, pki-parse, pki-root-mismatch, pki-chain, pki-key-mismatch, pki-profile, pki-expired,
 * pki-not-yet-valid (errors); pki-expiring, pki-subject, pki-key-permissions (warnings); pki-rotation-pending (info).
 */
export const PKI_RULES = [
  'pki-missing',
  'pki-parse',
  'pki-root-mismatch',
  'pki-chain',
  'pki-key-mismatch',
  'pki-profile',
  'pki-expired',
  'pki-not-yet-valid',
  'pki-expiring',
  'pki-subject',
  'pki-key-permissions',
  'pki-rotation-pending',
] as const;
export type PkiRule = (typeof PKI_RULES)[number];

export interface VerifyOptions {
  /** The moment to check validity at. */
  readonly now: Date;
  /** Warn when a certificate expires within this many days; mesh.ca.expiryWarningDays when omitted. */
  readonly warningDays?: number;
  /**
   * The folder a relative `pkiDir` is read from (the caller's working folder). Findings keep naming files as given,
   * so a relative `pkiDir` gives findings the user reads as typed. When omitted, paths are used as they are.
   */
  readonly base?: string;
}

const DAY_MS = 86_400_000;
const INIT_HINT = 'Run `meshforge certs init` to create what is missing.';

type CertRole = 'root' | 'intermediate' | 'ingress-ca' | 'server' | 'client';

/** The findings of one run, and the files they are about, read from `base`. */
class Findings {
  readonly list: Diagnostic[] = [];
  constructor(private readonly base: string | undefined) {}
  private at(path: string): string {
    return this.base === undefined ? path : resolve(this.base, path);
  }
  read(path: string): string | undefined {
    return readIfExists(this.at(path));
  }
  exists(path: string): boolean {
    return fileExists(this.at(path));
  }
  mode(path: string): number | undefined {
    return fileMode(this.at(path));
  }
  names(dir: string): string[] {
    return readdirSync(this.at(dir));
  }
  add(rule: PkiRule, severity: Severity, file: string, message: string, hint?: string, cluster?: string): void {
    this.list.push({ rule, severity, message, ...(hint !== undefined ? { hint } : {}), location: { file }, ...(cluster !== undefined ? { cluster } : {}) });
  }
}

/** Reads and parses one certificate file; records pki-missing / pki-parse and returns undefined on failure. */
function readCert(findings: Findings, path: string, cluster?: string): CertificateFacts | undefined {
  const text = findings.read(path);
  if (text === undefined) {
    findings.add('pki-missing', 'error', path, 'the certificate file is missing', INIT_HINT, cluster);
    return undefined;
  }
  const blocks = splitPemCertificates(text);
  if (blocks.length === 0) {
    findings.add('pki-parse', 'error', path, 'no PEM certificate found in the file', 'Restore the file from your backup or reissue it with `meshforge certs init`.', cluster);
    return undefined;
  }
  try {
    return inspectCertificate(blocks[0]!);
  } catch (error) {
    findings.add('pki-parse', 'error', path, `the certificate cannot be read: ${(error as Error).message}`, undefined, cluster);
    return undefined;
  }
}

function checkKey(findings: Findings, cert: CertificateFacts, keyPath: string, cluster?: string): void {
  const key = findings.read(keyPath);
  if (key === undefined) {
    findings.add('pki-missing', 'error', keyPath, 'the private key file is missing', 'Restore it from your backup; without it the certificate cannot be used.', cluster);
    return;
  }
  if (!keyMatchesCertificate(cert, key)) {
    findings.add('pki-key-mismatch', 'error', keyPath, 'the private key does not belong to its certificate (their public keys differ)', 'Restore the matching key, or reissue the pair (certs rotate for a cluster intermediate).', cluster);
  }
  const mode = findings.mode(keyPath);
  if (process.platform !== 'win32' && mode !== undefined && (mode & 0o077) !== 0) {
    findings.add('pki-key-permissions', 'warning', keyPath, `the private key is readable by others (mode ${mode.toString(8).padStart(4, '0')})`, `Run: chmod 600 ${keyPath}`, cluster);
  }
}

function checkValidity(findings: Findings, path: string, cert: CertificateFacts, options: { now: Date; warningDays: number }, cluster?: string): void {
  const now = options.now.getTime();
  const until = cert.notAfter.toISOString();
  if (cert.notAfter.getTime() <= now) {
    findings.add('pki-expired', 'error', path, `the certificate (${formatSubject(cert.subject)}) expired on ${until}`, 'Reissue it: `meshforge certs rotate --cluster NAME` for an intermediate; see docs/pki.md for the root and ingress certificates.', cluster);
  } else if (cert.notBefore.getTime() > now) {
    findings.add('pki-not-yet-valid', 'error', path, `the certificate is not valid before ${cert.notBefore.toISOString()}`, 'Check the clock of the machine that issued it.', cluster);
  } else {
    const daysLeft = Math.floor((cert.notAfter.getTime() - now) / DAY_MS);
    if (cert.notAfter.getTime() - now < options.warningDays * DAY_MS) {
      findings.add('pki-expiring', 'warning', path, `the certificate (${formatSubject(cert.subject)}) expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${until}`, 'Plan its rotation now (docs/pki.md, "Rotation").', cluster);
    }
  }
}

/** CA flag, pathlen, key usage, SAN: what Istio and TLS clients rely on. */
function checkProfile(findings: Findings, path: string, cert: CertificateFacts, role: CertRole, expected: { sanDns?: readonly string[] }, cluster?: string): void {
  const wantsCa = role === 'root' || role === 'intermediate' || role === 'ingress-ca';
  const problem = (message: string, hint?: string) => findings.add('pki-profile', 'error', path, message, hint, cluster);
  if (wantsCa && !cert.isCa) problem('the certificate is not a CA (basicConstraints CA:TRUE is missing)', 'Reissue it with meshforge: Istio cannot sign workload certificates with it.');
  if (!wantsCa && cert.isCa) problem('a server or client certificate must not be a CA (basicConstraints CA:TRUE)');
  if (wantsCa && cert.isCa && !cert.basicConstraintsCritical) problem('basicConstraints must be critical on a CA certificate');
  if (role === 'intermediate' && cert.pathLen !== 0) problem(`the intermediate must have pathlen:0, found ${cert.pathLen === undefined ? 'no pathlen' : `pathlen:${cert.pathLen}`}`, 'Reissue it with `meshforge certs rotate --cluster NAME`.');
  if (wantsCa && !cert.keyUsage.includes('keyCertSign')) problem('keyUsage lacks keyCertSign: the CA cannot sign certificates');
  if ((role === 'root' || role === 'intermediate') && cert.keyUsage.includes('keyCertSign')) {
    const missing = ISTIO_CA_KEY_USAGE.filter((u) => !cert.keyUsage.includes(u));
    if (missing.length > 0 || !cert.keyUsageCritical) problem(`keyUsage differs from Istio's profile (critical ${ISTIO_CA_KEY_USAGE.join(', ')})${missing.length > 0 ? `: missing ${missing.join(', ')}` : ': not critical'}`);
  }
  if (!wantsCa && !cert.keyUsage.includes('digitalSignature')) problem('keyUsage lacks digitalSignature: TLS handshakes will fail');
  for (const name of expected.sanDns ?? []) {
    if (!cert.dnsNames.includes(name)) problem(`the subject alternative names (${cert.dnsNames.join(', ') || 'none'}) lack DNS:${name}`, role === 'server' ? 'Delete the credential folder and run `meshforge certs init` to reissue it for the configured hosts.' : 'Reissue it with `meshforge certs rotate --cluster NAME`.');
  }
  if (cert.publicKeyBits < 2048) problem(`the RSA key has ${cert.publicKeyBits} bits; at least 2048 are required (Istio's profile uses 4096)`);
  if (!/sha(256|384|512)/i.test(cert.signatureAlgorithm)) problem(`the signature algorithm ${cert.signatureAlgorithm} is too weak; Istio's profile uses sha256WithRSAEncryption`);
}

function checkSubject(findings: Findings, path: string, cert: CertificateFacts, expected: SubjectName, cluster?: string): void {
  const wanted = [['O', expected.org], ['CN', expected.cn], ...(expected.locality !== undefined ? [['L', expected.locality]] : [])] as const;
  const actual = cert.subject.map((a) => [a.shortName, a.value]);
  const sameOrder = actual.length === wanted.length && wanted.every(([k, v], i) => actual[i]![0] === k && actual[i]![1] === v);
  if (!sameOrder) {
    findings.add('pki-subject', 'warning', path, `the subject is "${formatSubject(cert.subject)}", mesh.config.yaml asks for "${wanted.map(([k, v]) => `${k}=${v}`).join(', ')}"`, 'The certificate still works; reissue it (certs rotate) to match the config.', cluster);
  } else if (cert.subject.some((a) => a.stringType !== 'UTF8String')) {
    findings.add('pki-subject', 'warning', path, "the subject's strings are not UTF8String as in Istio's profile", undefined, cluster);
  }
}

function checkIssuedBy(findings: Findings, path: string, cert: CertificateFacts, issuer: CertificateFacts, issuerPath: string, cluster?: string): void {
  if (!isIssuedBy(cert, issuer)) {
    findings.add('pki-chain', 'error', path, `the certificate does not validate against ${issuerPath}: it was not signed by that CA`, 'Reissue it under the current CA (certs rotate for a cluster intermediate) or restore the CA it was issued by.', cluster);
  } else if (cert.authorityKeyIdHex !== undefined && issuer.subjectKeyIdHex !== undefined && cert.authorityKeyIdHex !== issuer.subjectKeyIdHex) {
    findings.add('pki-chain', 'error', path, `the authorityKeyIdentifier (${cert.authorityKeyIdHex}) is not the subjectKeyIdentifier of ${issuerPath} (${issuer.subjectKeyIdHex}); chain building may fail`, 'Reissue it with meshforge, which passes the issuer\'s SKID explicitly.', cluster);
  }
}

function sameBytes(a: string, b: string): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function checkCredential(findings: Findings, paths: CredentialPaths, role: 'server' | 'client', ca: { facts: CertificateFacts; text: string; path: string } | undefined, hosts: readonly string[], options: { now: Date; warningDays: number }): void {
  const cert = readCert(findings, paths.cert);
  const caText = findings.read(paths.ca);
  if (caText === undefined) findings.add('pki-missing', 'error', paths.ca, 'ca.crt is missing from the credential', INIT_HINT);
  else if (ca && !sameBytes(caText, ca.text)) findings.add('pki-chain', 'error', paths.ca, `ca.crt is not the ingress CA (${ca.path}): clients and the gateway would trust another CA`, `Copy ${ca.path} over it.`);
  if (!cert) return;
  if (ca) checkIssuedBy(findings, paths.cert, cert, ca.facts, ca.path);
  checkKey(findings, cert, paths.key);
  checkProfile(findings, paths.cert, cert, role, { sanDns: hosts });
  checkValidity(findings, paths.cert, cert, options);
}

/**
 * Verifies the PKI folder against the model: one root shared byte for byte by every cluster, chains that
 * validate, keys that match, Istio's profile, validity. Reads files only; writes nothing.
 */
export function verifyPki(model: MeshModel, pkiDir: string, options: VerifyOptions): Diagnostic[] {
  const findings = new Findings(options.base);
  const profile = pkiProfile(model);
  const layout = pkiLayout(pkiDir);
  const validity = { now: options.now, warningDays: options.warningDays ?? profile.expiryWarningDays };

  const rootText = findings.read(layout.rootCert);
  const root = readCert(findings, layout.rootCert);
  if (root) {
    checkKey(findings, root, layout.rootKey);
    if (!isIssuedBy(root, root)) findings.add('pki-chain', 'error', layout.rootCert, 'the root certificate is not self-signed (its signature does not verify with its own key)', 'Restore the root from your backup.');
    checkProfile(findings, layout.rootCert, root, 'root', {});
    checkSubject(findings, layout.rootCert, root, profile.root);
    checkValidity(findings, layout.rootCert, root, validity);
  }

  for (const { name: cluster, origin } of model.clusters) {
    const paths = layout.cluster(cluster);
    if (!findings.exists(paths.dir)) {
      // Located at the cluster's entry in the config, where it was added: the folder has no line to point at.
      findings.list.push({
        rule: 'pki-missing',
        severity: 'error',
        message: `cluster ${cluster} has no intermediate CA folder (${paths.dir})`,
        hint: `Run \`meshforge certs init\`: it keeps the root and the other clusters' CAs and issues ${cluster}'s. Then deliver it with \`meshforge certs secrets --cluster ${cluster}\`.`,
        location: { file: model.configFile, path: [...origin, 'name'], target: 'value' },
        cluster,
      });
      continue;
    }
    const clusterRootText = findings.read(paths.rootCert);
    if (clusterRootText === undefined) findings.add('pki-missing', 'error', paths.rootCert, 'the root-cert.pem of the cacerts Secret is missing', INIT_HINT, cluster);
    else if (rootText !== undefined && !sameBytes(clusterRootText, rootText)) {
      findings.add('pki-root-mismatch', 'error', paths.rootCert, `root-cert.pem of ${cluster} is not byte-identical to ${layout.rootCert}: workloads of this cluster would not trust the other clusters`, `Copy ${layout.rootCert} over it (and into cert-chain.pem), or run \`meshforge certs rotate --cluster ${cluster}\`.`, cluster);
    }
    const ca = readCert(findings, paths.caCert, cluster);
    if (!ca) continue;
    if (root) checkIssuedBy(findings, paths.caCert, ca, root, layout.rootCert, cluster);
    checkKey(findings, ca, paths.caKey, cluster);
    checkProfile(findings, paths.caCert, ca, 'intermediate', { sanDns: [profile.intermediateSanDns] }, cluster);
    checkSubject(findings, paths.caCert, ca, profile.intermediate(cluster), cluster);
    checkValidity(findings, paths.caCert, ca, validity, cluster);

    const chainText = findings.read(paths.certChain);
    if (chainText === undefined) findings.add('pki-missing', 'error', paths.certChain, 'cert-chain.pem is missing', INIT_HINT, cluster);
    else {
      const chain = splitPemCertificates(chainText);
      const expected = [paths.caCert, layout.rootCert];
      const ders = chain.map((block) => {
        try {
          return inspectCertificate(block).der;
        } catch {
          return undefined;
        }
      });
      const matches = ders.length === 2 && ders[0]?.equals(ca.der) === true && (root ? ders[1]?.equals(root.der) === true : true);
      if (!matches) findings.add('pki-chain', 'error', paths.certChain, `cert-chain.pem must hold ${expected.join(' then ')} (found ${chain.length} certificate${chain.length === 1 ? '' : 's'} that differ)`, `Rebuild it: cat ${expected.join(' ')} > ${paths.certChain}`, cluster);
    }
    if (findings.exists(paths.previousDir)) {
      findings.add('pki-rotation-pending', 'info', paths.previousDir, `a rotation of ${cluster} is waiting for confirmation; the previous intermediate is kept`, `After istiod and the workloads run with the new intermediate: meshforge certs rotate --cluster ${cluster} --confirm`, cluster);
    }
  }

  const credentials = ingressCredentials(model);
  const clientNames = findings.exists(layout.clientsDir) ? findings.names(layout.clientsDir).filter((n) => !n.startsWith('.')).sort() : [];
  if (credentials.length > 0 || findings.exists(layout.ingressCaCert) || clientNames.length > 0) {
    const caFacts = readCert(findings, layout.ingressCaCert);
    const caText = findings.read(layout.ingressCaCert);
    let ingressCa: { facts: CertificateFacts; text: string; path: string } | undefined;
    if (caFacts && caText !== undefined) {
      ingressCa = { facts: caFacts, text: caText, path: layout.ingressCaCert };
      checkKey(findings, caFacts, layout.ingressCaKey);
      if (!isIssuedBy(caFacts, caFacts)) findings.add('pki-chain', 'error', layout.ingressCaCert, 'the ingress CA is not self-signed');
      checkProfile(findings, layout.ingressCaCert, caFacts, 'ingress-ca', {});
      checkSubject(findings, layout.ingressCaCert, caFacts, profile.ingressCa);
      checkValidity(findings, layout.ingressCaCert, caFacts, validity);
    }
    for (const credential of credentials) {
      const paths = layout.credential(credential.credentialName);
      if (!findings.exists(paths.dir)) {
        findings.add('pki-missing', 'error', paths.dir, `the ingress credential ${credential.credentialName} (${credential.hosts.join(', ')}) has not been issued`, INIT_HINT);
        continue;
      }
      checkCredential(findings, paths, 'server', ingressCa, credential.hosts, validity);
    }
    for (const name of clientNames) checkCredential(findings, layout.client(name), 'client', ingressCa, [], validity);
  }
  return findings.list;
}
