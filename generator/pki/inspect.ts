import { createPrivateKey, X509Certificate } from 'node:crypto';
import type Forge from 'node-forge';
import { nodeForge } from './forge.js';
import type { KeyUsageName } from './issue.js';

/** What `certs verify` needs to know about one certificate. */
export interface CertificateFacts {
  readonly subject: readonly SubjectAttribute[];
  readonly issuer: readonly SubjectAttribute[];
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly basicConstraintsCritical: boolean;
  /** undefined when the certificate sets no pathlen. */
  readonly pathLen: number | undefined;
  readonly keyUsage: readonly KeyUsageName[];
  readonly keyUsageCritical: boolean;
  readonly dnsNames: readonly string[];
  readonly subjectKeyIdHex: string | undefined;
  readonly authorityKeyIdHex: string | undefined;
  readonly publicKeyBits: number;
  readonly signatureAlgorithm: string;
  /** DER of the whole certificate, for byte comparisons. */
  readonly der: Buffer;
  readonly native: X509Certificate;
}

export interface SubjectAttribute {
  readonly shortName: string;
  readonly value: string;
  /** ASN.1 string type: 'UTF8String', 'PrintableString', ... */
  readonly stringType: string;
}

const KEY_USAGE_NAMES: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign', 'cRLSign'];

const STRING_TYPES: Record<number, string> = { 12: 'UTF8String', 19: 'PrintableString', 22: 'IA5String', 20: 'T61String', 30: 'BMPString' };

/** The PEM certificate blocks of a file, in order. */
export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((block) => `${block}\n`) ?? [];
}

function attributes(fields: readonly Forge.pki.CertificateField[]): SubjectAttribute[] {
  return fields.map((field) => ({
    shortName: field.shortName ?? field.name ?? field.type ?? '?',
    value: nodeForge().util.decodeUtf8(String(field.value)),
    stringType: STRING_TYPES[Number(field.valueTagClass)] ?? `tag ${String(field.valueTagClass)}`,
  }));
}

function authorityKeyId(ext: { value?: string } | null): string | undefined {
  if (!ext?.value) return undefined;
  const { asn1, util } = nodeForge();
  const seq = asn1.fromDer(ext.value);
  const keyId = Array.isArray(seq.value) ? seq.value.find((child) => child.tagClass === asn1.Class.CONTEXT_SPECIFIC && child.type === 0) : undefined;
  return keyId && typeof keyId.value === 'string' ? util.bytesToHex(keyId.value) : undefined;
}

/**
 * Reads one PEM certificate. Throws with a readable message when it is not a certificate meshforge can check
 * (forge reads RSA certificates only, which is what the Istio profile uses).
 */
export function inspectCertificate(pem: string): CertificateFacts {
  const native = new X509Certificate(pem);
  const { pki } = nodeForge();
  let cert: Forge.pki.Certificate;
  try {
    cert = pki.certificateFromPem(pem);
  } catch (error) {
    throw new Error(`cannot read the certificate's fields (${(error as Error).message}); meshforge checks RSA certificates only`);
  }
  const basic = cert.getExtension('basicConstraints') as { cA?: boolean; pathLenConstraint?: number; critical?: boolean } | null;
  const usage = cert.getExtension('keyUsage') as (Record<string, unknown> & { critical?: boolean }) | null;
  const san = cert.getExtension('subjectAltName') as { altNames?: { type: number; value: string }[] } | null;
  const skid = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  return {
    subject: attributes(cert.subject.attributes),
    issuer: attributes(cert.issuer.attributes),
    serialHex: cert.serialNumber,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    isCa: basic?.cA === true,
    basicConstraintsCritical: basic?.critical === true,
    pathLen: typeof basic?.pathLenConstraint === 'number' && basic.pathLenConstraint >= 0 ? basic.pathLenConstraint : undefined,
    keyUsage: usage ? KEY_USAGE_NAMES.filter((name) => usage[name] === true) : [],
    keyUsageCritical: usage?.critical === true,
    dnsNames: (san?.altNames ?? []).filter((name) => name.type === 2).map((name) => name.value),
    subjectKeyIdHex: skid?.subjectKeyIdentifier?.toLowerCase(),
    authorityKeyIdHex: authorityKeyId(cert.getExtension('authorityKeyIdentifier') as { value?: string } | null)?.toLowerCase(),
    publicKeyBits: (cert.publicKey as Forge.pki.rsa.PublicKey).n.bitLength(),
    signatureAlgorithm: pki.oids[cert.signatureOid] ?? cert.signatureOid,
    der: Buffer.from(native.raw),
    native,
  };
}

/** True when `issuer` signed `cert` (signature and issuer name), checked natively. */
export function isIssuedBy(cert: CertificateFacts, issuer: CertificateFacts): boolean {
  return cert.native.checkIssued(issuer.native) && cert.native.verify(issuer.native.publicKey);
}

/** True when the private key (any PEM Node reads) belongs to the certificate. */
export function keyMatchesCertificate(cert: CertificateFacts, privateKeyPem: string): boolean {
  try {
    return cert.native.checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}

/** A subject as people read it, in its order: O=Istio, CN=Root CA. */
export function formatSubject(subject: readonly SubjectAttribute[]): string {
  return subject.map((a) => `${a.shortName}=${a.value}`).join(', ');
}
