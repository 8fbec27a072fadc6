import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import type Forge from 'node-forge';
import { nodeForge } from './forge.js';

/**
 * Pure certificate building: inputs are PEM strings, a clock and the random bytes of a serial; the output is a
 * PEM certificate. The TBSCertificate is built with node-forge and signed with Node's native RSA (sha256),
 * which is much faster than forge's pure-JS signing with 4096-bit keys.
 */

export interface SubjectName {
  readonly org: string;
  readonly cn: string;
  /** Locality: Istio's intermediate carries L=<cluster>. */
  readonly locality?: string;
}

/** What signs a certificate: its subject, its key and its Subject Key Identifier (hex) for the AKID. */
export interface Issuer {
  readonly subject: SubjectName;
  readonly privateKeyPem: string;
  readonly subjectKeyIdHex: string;
}

/** The extension sets meshforge issues. `root`/`intermediate` follow Istio's Makefile.selfsigned.mk exactly. */
export type CertificateKind = 'root' | 'intermediate' | 'ingress-ca' | 'server' | 'client';

export interface CertificateRequest {
  readonly kind: CertificateKind;
  readonly subject: SubjectName;
  readonly publicKeyPem: string;
  /** Validity starts at `now` and lasts `days` days (like `openssl x509 -days`). */
  readonly now: Date;
  readonly days: number;
  /** DNS subject alternative names (intermediate: istiod.istio-system.svc; server: the hosts). */
  readonly dnsNames?: readonly string[];
  /** Omitted for self-signed certificates (root, ingress CA): the request's own key then signs. */
  readonly issuer?: Issuer;
  /** Signing key of a self-signed certificate. */
  readonly selfSigningKeyPem?: string;
  /** 20 bytes; random when omitted. Injected by tests for deterministic output. */
  readonly serialBytes?: Uint8Array;
}

/** Istio's key usages for both CA levels (common.mk: critical digitalSignature, nonRepudiation, keyEncipherment, keyCertSign). */
export const ISTIO_CA_KEY_USAGE = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign'] as const;
export const INGRESS_CA_KEY_USAGE = ['digitalSignature', 'keyCertSign', 'cRLSign'] as const;
export const LEAF_KEY_USAGE = ['digitalSignature', 'keyEncipherment'] as const;

export type KeyUsageName = (typeof ISTIO_CA_KEY_USAGE)[number] | (typeof INGRESS_CA_KEY_USAGE)[number] | (typeof LEAF_KEY_USAGE)[number];

export const SERIAL_BYTES = 20;

/** A positive DER INTEGER of exactly 20 bytes: top bit clear so it is not negative, first byte non-zero so it stays 20 bytes. */
export function serialHex(bytes: Uint8Array = randomBytes(SERIAL_BYTES)): string {
  if (bytes.length !== SERIAL_BYTES) throw new Error(`a serial needs ${SERIAL_BYTES} bytes, got ${bytes.length}`);
  const copy = Buffer.from(bytes);
  copy[0] = copy[0]! & 0x7f || 0x01;
  return copy.toString('hex');
}

/** Subject attributes in Istio's order (O, CN, then L) as UTF8String: forge would default to PrintableString. */
export function subjectAttributes(subject: SubjectName): Forge.pki.CertificateField[] {
  const { util, asn1 } = nodeForge();
  const utf8 = (shortName: string, value: string): Forge.pki.CertificateField => ({ shortName, value: util.encodeUtf8(value), valueTagClass: asn1.Type.UTF8 as unknown as Forge.asn1.Class });
  return [utf8('O', subject.org), utf8('CN', subject.cn), ...(subject.locality !== undefined ? [utf8('L', subject.locality)] : [])];
}

function keyUsageExtension(usages: readonly KeyUsageName[]): Record<string, unknown> {
  return { name: 'keyUsage', critical: true, ...Object.fromEntries(usages.map((u) => [u, true])) };
}

function extensionsFor(request: CertificateRequest, authorityKeyIdBytes: string | undefined): Record<string, unknown>[] {
  const san = request.dnsNames && request.dnsNames.length > 0 ? [{ name: 'subjectAltName', altNames: request.dnsNames.map((value) => ({ type: 2, value })) }] : [];
  // forge's `keyIdentifier: true` would hash the certificate's own key: the AKID must be the issuer's SKID bytes.
  const akid = authorityKeyIdBytes !== undefined ? [{ name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyIdBytes }] : [];
  switch (request.kind) {
    case 'root':
      return [{ name: 'subjectKeyIdentifier' }, { name: 'basicConstraints', critical: true, cA: true }, keyUsageExtension(ISTIO_CA_KEY_USAGE)];
    case 'intermediate':
      return [{ name: 'subjectKeyIdentifier' }, { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 }, keyUsageExtension(ISTIO_CA_KEY_USAGE), ...san, ...akid];
    case 'ingress-ca':
      return [{ name: 'subjectKeyIdentifier' }, { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 }, keyUsageExtension(INGRESS_CA_KEY_USAGE)];
    case 'server':
    case 'client':
      return [
        { name: 'subjectKeyIdentifier' },
        { name: 'basicConstraints', critical: true, cA: false },
        keyUsageExtension(LEAF_KEY_USAGE),
        { name: 'extKeyUsage', ...(request.kind === 'server' ? { serverAuth: true } : { clientAuth: true }) },
        ...san,
        ...akid,
      ];
  }
}

/** Builds and signs one certificate. Throws only on programming errors (unreadable PEM passed in). */
export function buildCertificate(request: CertificateRequest): string {
  if (!Number.isInteger(request.days) || request.days < 1) throw new Error(`validity must be a positive number of days, got ${request.days}`);
  const signingKeyPem = request.issuer?.privateKeyPem ?? request.selfSigningKeyPem;
  if (!signingKeyPem) throw new Error('a certificate needs an issuer or a self-signing key');

  const { pki, asn1, util } = nodeForge();
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(request.publicKeyPem);
  cert.serialNumber = serialHex(request.serialBytes);
  cert.validity.notBefore = new Date(request.now.getTime());
  cert.validity.notAfter = new Date(request.now.getTime() + request.days * 86_400_000);
  cert.setSubject(subjectAttributes(request.subject));
  cert.setIssuer(subjectAttributes(request.issuer?.subject ?? request.subject));
  const akid = request.issuer ? util.hexToBytes(request.issuer.subjectKeyIdHex) : undefined;
  cert.setExtensions(extensionsFor(request, akid));

  // What forge's cert.sign() does, with the digest and RSA operation done natively.
  const signable = cert as Forge.pki.Certificate & { signatureOid: string; tbsCertificate: Forge.asn1.Asn1 };
  signable.signatureOid = signable.siginfo.algorithmOid = pki.oids['sha256WithRSAEncryption']!;
  // getTBSCertificate is public in forge but missing from its type definitions.
  signable.tbsCertificate = (pki as unknown as { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 }).getTBSCertificate(cert);
  const tbsDer = Buffer.from(asn1.toDer(signable.tbsCertificate).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, createPrivateKey(signingKeyPem));
  signable.signature = signature.toString('binary');
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** The Subject Key Identifier (hex) of a certificate we issued, to pass as the AKID of what it signs. */
export function subjectKeyIdHex(certPem: string): string {
  const cert = nodeForge().pki.certificateFromPem(certPem);
  const ext = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (ext?.subjectKeyIdentifier) return ext.subjectKeyIdentifier;
  // A CA without SKID (not ours): fall back to the RFC 5280 method 1 hash, as openssl does.
  return cert.generateSubjectKeyIdentifier().toHex();
}
