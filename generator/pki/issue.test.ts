import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, opensslText, removeTempDirs, tempDir } from '../../test/pki/helpers.js';
import { inspectCertificate, isIssuedBy, keyMatchesCertificate } from './inspect.js';
import { buildCertificate, serialHex, subjectKeyIdHex, type Issuer } from './issue.js';
import { generateRsaKeyPair, publicKeyOf, type KeyPairPem } from './keys.js';

afterAll(removeTempDirs);

const NOW = new Date('2030-01-01T00:00:00Z');

describe('serialHex', () => {
  it('keeps 20 bytes, positive, with a non-zero first byte', () => {
    expect(serialHex(new Uint8Array(20).fill(0xff))).toBe(`7f${'ff'.repeat(19)}`);
    expect(serialHex(new Uint8Array(20))).toBe(`01${'00'.repeat(19)}`);
    expect(serialHex(new Uint8Array(20).fill(0x80))).toBe(`01${'80'.repeat(19)}`);
    const random = serialHex();
    expect(random).toMatch(/^[0-7][0-9a-f]{39}$/);
    expect(random.startsWith('00')).toBe(false);
  });

  it('refuses a serial of the wrong length', () => {
    expect(() => serialHex(new Uint8Array(8))).toThrow(/20 bytes/);
  });
});

describe('buildCertificate (2048-bit keys for speed; the 4096 profile is tested below and in cli.test.ts)', () => {
  let rootKey: KeyPairPem;
  let caKey: KeyPairPem;
  let root: string;
  let intermediate: string;
  let issuer: Issuer;
  let dir: string;

  beforeAll(async () => {
    [rootKey, caKey] = await Promise.all([generateRsaKeyPair(2048), generateRsaKeyPair(2048)]);
    root = buildCertificate({ kind: 'root', subject: { org: 'Istio', cn: 'Root CA' }, publicKeyPem: rootKey.publicKeyPem, selfSigningKeyPem: rootKey.privateKeyPem, now: NOW, days: 3650 });
    issuer = { subject: { org: 'Istio', cn: 'Root CA' }, privateKeyPem: rootKey.privateKeyPem, subjectKeyIdHex: subjectKeyIdHex(root) };
    intermediate = buildCertificate({ kind: 'intermediate', subject: { org: 'Istio', cn: 'Intermediate CA', locality: 'east' }, publicKeyPem: caKey.publicKeyPem, issuer, now: NOW, days: 100, dnsNames: ['istiod.istio-system.svc'] });
    dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), root);
    writeFileSync(join(dir, 'ca.pem'), intermediate);
  });

  it('builds a root with Istio profile: O then CN as UTF8String, CA:TRUE critical without pathlen, critical key usage, SKID, no AKID', async () => {
    const text = await opensslText(join(dir, 'root.pem'));
    expect(text).toContain('Subject: O=UTF8STRING:Istio, CN=UTF8STRING:Root CA');
    expect(text).toContain('Issuer: O=UTF8STRING:Istio, CN=UTF8STRING:Root CA');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment, Certificate Sign\n/);
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).not.toContain('Authority Key Identifier');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('Exponent: 65537');
  });

  it('builds an intermediate with L=<cluster>, pathlen:0, the istiod SAN and AKID = the root SKID', async () => {
    const text = await opensslText(join(dir, 'ca.pem'));
    expect(text).toContain('Subject: O=UTF8STRING:Istio, CN=UTF8STRING:Intermediate CA, L=UTF8STRING:east');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0\n/);
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s*\n\s+DNS:istiod.istio-system.svc\n/);
    const rootSkid = (await opensslText(join(dir, 'root.pem'))).match(/Subject Key Identifier:\s*\n\s+([0-9A-F:]+)/)![1];
    const akid = text.match(/Authority Key Identifier:\s*\n\s+(?:keyid:)?([0-9A-F:]+)/)![1];
    expect(akid).toBe(rootSkid);
    const ownSkid = text.match(/Subject Key Identifier:\s*\n\s+([0-9A-F:]+)/)![1];
    expect(ownSkid).not.toBe(akid);
  });

  it('is verified by openssl under its root, with validity from `now` for `days`', async () => {
    const result = await openssl(['verify', '-attime', String(NOW.getTime() / 1000 + 60), '-CAfile', join(dir, 'root.pem'), join(dir, 'ca.pem')]);
    expect(result.stdout).toContain('ca.pem: OK');
    const facts = inspectCertificate(intermediate);
    expect(facts.notBefore.toISOString()).toBe(NOW.toISOString());
    expect(facts.notAfter.getTime() - NOW.getTime()).toBe(100 * 86_400_000);
  });

  it('uses a fresh 20-byte positive serial per certificate', () => {
    const a = inspectCertificate(root).serialHex;
    const b = inspectCertificate(intermediate).serialHex;
    expect(a).toHaveLength(40);
    expect(b).toHaveLength(40);
    expect(a).not.toBe(b);
  });

  it('reads back what it wrote (inspect) and checks issuer and key', () => {
    const facts = inspectCertificate(intermediate);
    const rootFacts = inspectCertificate(root);
    expect(facts.isCa).toBe(true);
    expect(facts.pathLen).toBe(0);
    expect(rootFacts.pathLen).toBeUndefined();
    expect(facts.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign']);
    expect(facts.keyUsageCritical).toBe(true);
    expect(facts.dnsNames).toEqual(['istiod.istio-system.svc']);
    expect(facts.subject.map((a) => `${a.shortName}=${a.value}:${a.stringType}`)).toEqual(['O=Istio:UTF8String', 'CN=Intermediate CA:UTF8String', 'L=east:UTF8String']);
    expect(facts.authorityKeyIdHex).toBe(rootFacts.subjectKeyIdHex);
    expect(isIssuedBy(facts, rootFacts)).toBe(true);
    expect(isIssuedBy(rootFacts, facts)).toBe(false);
    expect(keyMatchesCertificate(facts, caKey.privateKeyPem)).toBe(true);
    expect(keyMatchesCertificate(facts, rootKey.privateKeyPem)).toBe(false);
  });

  it('builds server and client leaves that are no CA, with the extended key usage of their role', async () => {
    const leafKey = await generateRsaKeyPair(2048);
    const server = buildCertificate({ kind: 'server', subject: { org: 'Test', cn: 'shop.example.com' }, publicKeyPem: leafKey.publicKeyPem, issuer, now: NOW, days: 30, dnsNames: ['shop.example.com'] });
    const client = buildCertificate({ kind: 'client', subject: { org: 'Test', cn: 'client.example.com' }, publicKeyPem: leafKey.publicKeyPem, issuer, now: NOW, days: 30 });
    writeFileSync(join(dir, 'server.pem'), server);
    writeFileSync(join(dir, 'client.pem'), client);
    const serverText = await opensslText(join(dir, 'server.pem'));
    expect(serverText).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(serverText).toContain('TLS Web Server Authentication');
    expect(serverText).toContain('DNS:shop.example.com');
    expect(await opensslText(join(dir, 'client.pem'))).toContain('TLS Web Client Authentication');
  });

  it('rejects a validity that is not a positive number of days', () => {
    expect(() => buildCertificate({ kind: 'root', subject: { org: 'a', cn: 'b' }, publicKeyPem: rootKey.publicKeyPem, selfSigningKeyPem: rootKey.privateKeyPem, now: NOW, days: 0 })).toThrow(/positive/);
  });
});

describe("Istio's full profile: RSA 4096 generated natively", () => {
  it('generates a 4096-bit, e=65537 key whose public half openssl reads back from the certificate', async () => {
    const key = await generateRsaKeyPair(4096);
    expect(publicKeyOf(key.privateKeyPem)).toBe(key.publicKeyPem);
    const cert = buildCertificate({ kind: 'root', subject: { org: 'Istio', cn: 'Root CA' }, publicKeyPem: key.publicKeyPem, selfSigningKeyPem: key.privateKeyPem, now: new Date(), days: 3650 });
    const dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), cert);
    const text = await opensslText(join(dir, 'root.pem'));
    expect(text).toContain('Public-Key: (4096 bit)');
    expect(text).toContain('Exponent: 65537 (0x10001)');
    expect(inspectCertificate(cert).publicKeyBits).toBe(4096);
  });
});
