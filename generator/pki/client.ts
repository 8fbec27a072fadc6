import type { MeshModel } from '../model/types.js';
import { PkiError } from './errors.js';
import { guardKeyPaths, loadCa, type PkiWriteOptions, type PkiWriteResult } from './init.js';
import { buildCertificate } from './issue.js';
import { generateRsaKeyPair, LEAF_KEY_BITS } from './keys.js';
import { pkiLayout } from './layout.js';
import { pkiProfile } from './profile.js';
import { checkPrivateDir, ensurePrivateDir, fileExists, writeCertFile, writeKeyFile } from './store.js';

/** A client name becomes a folder and the certificate's CN: keep it to DNS-label characters. */
export const CLIENT_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

export interface ClientOptions extends PkiWriteOptions {
  /** Validity; the ingress CA's `days` when omitted. */
  readonly days?: number;
}

/**
 * `meshforge certs client NAME`: a client certificate for MUTUAL ingress gateways, signed by the ingress CA,
 * in DIR/ingress/clients/NAME/{tls.crt,tls.key,ca.crt} (curl --cert tls.crt --key tls.key --cacert ca.crt).
 * An existing client is kept as it is.
 */
export async function issueClientCertificate(model: MeshModel, dir: string, name: string, options: ClientOptions = {}): Promise<PkiWriteResult> {
  if (!CLIENT_NAME.test(name)) {
    throw new PkiError('invalid-input', `'${name}' is not a valid client name`, 'Use lowercase letters, digits, dots and dashes (at most 63), e.g. client.example.com.');
  }
  const days = options.days ?? pkiProfile(model).ingressDays;
  if (!Number.isInteger(days) || days < 1 || days > 36500) throw new PkiError('invalid-input', `--days must be a whole number from 1 to 36500, got ${String(options.days)}`);
  checkPrivateDir(dir);
  const layout = pkiLayout(dir);
  const paths = layout.client(name);
  if (fileExists(paths.cert) || fileExists(paths.key)) return { created: [], kept: [paths.cert, paths.key].filter(fileExists) };
  const ca = loadCa(layout.ingressCaCert, layout.ingressCaKey);
  if (!ca) {
    throw new PkiError('invalid-input', `there is no ingress CA in ${layout.ingressDir}`, 'Declare an ingress host with tls.mode MUTUAL in mesh.config.yaml and run `meshforge certs init` first.');
  }
  await guardKeyPaths([paths.key], options);
  const key = await generateRsaKeyPair(LEAF_KEY_BITS);
  const certPem = buildCertificate({ kind: 'client', subject: { org: ca.issuer.subject.org, cn: name }, publicKeyPem: key.publicKeyPem, now: options.now ?? new Date(), days, issuer: ca.issuer });
  ensurePrivateDir(paths.dir);
  writeKeyFile(paths.key, key.privateKeyPem);
  writeCertFile(paths.cert, certPem);
  writeCertFile(paths.ca, ca.certPem);
  return { created: [paths.cert, paths.key, paths.ca], kept: [] };
}
