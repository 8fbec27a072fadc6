import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** RSA sizes meshforge issues: 4096 is Istio's profile; 2048 is for leaf certificates (and fast tests). */
export type RsaBits = 2048 | 4096;

/** The size of Istio's plugin-CA keys (Makefile.selfsigned.mk). */
export const CA_KEY_BITS: RsaBits = 4096;
/** Ingress server and client certificates, as in Istio's secure-ingress task. */
export const LEAF_KEY_BITS: RsaBits = 2048;

export interface KeyPairPem {
  /** Unencrypted PKCS#8 PEM, what `openssl genrsa` writes in OpenSSL 3; istiod accepts it. */
  readonly privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
}

/**
 * Generates an RSA key pair with Node's native crypto (e = 65537). Pure-JS RSA 4096 takes seconds to minutes;
 * the native one runs on libuv's thread pool, so several keys are generated in parallel.
 */
export async function generateRsaKeyPair(bits: RsaBits): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** The SubjectPublicKeyInfo PEM of a private key (PKCS#1, PKCS#8 or EC). Throws on unreadable input. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}
