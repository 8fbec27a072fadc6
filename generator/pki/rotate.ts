import { join } from 'node:path';
import type { MeshModel } from '../model/types.js';
import { PkiError } from './errors.js';
import { guardKeyPaths, issueIntermediate, loadCa, writeClusterFiles, type PkiWriteOptions } from './init.js';
import { CA_KEY_BITS, generateRsaKeyPair } from './keys.js';
import { CLUSTER_FILES, pkiLayout } from './layout.js';
import { pkiProfile } from './profile.js';
import { checkPrivateDir, fileExists, moveFile, removeDir } from './store.js';

export interface RotationResult {
  readonly cluster: string;
  /** The new files. */
  readonly created: readonly string[];
  /** Where the replaced intermediate waits until the rotation is confirmed. */
  readonly previousDir: string;
}

function knownCluster(model: MeshModel, cluster: string): void {
  if (!model.clusters.some((c) => c.name === cluster)) {
    throw new PkiError('invalid-input', `unknown cluster '${cluster}'`, `Use one of: ${model.clusters.map((c) => c.name).join(', ')}.`);
  }
}

/**
 * `meshforge certs rotate --cluster NAME`: re-issues the cluster's intermediate under the same root. The old
 * files move to DIR/<cluster>/previous/ and stay there until `--confirm`, so a rollout can be undone.
 */
export async function rotateIntermediate(model: MeshModel, dir: string, cluster: string, options: PkiWriteOptions = {}): Promise<RotationResult> {
  checkPrivateDir(dir);
  knownCluster(model, cluster);
  const layout = pkiLayout(dir);
  const paths = layout.cluster(cluster);
  const root = loadCa(layout.rootCert, layout.rootKey);
  if (!root) throw new PkiError('invalid-input', `there is no root CA in ${dir}`, 'Run `meshforge certs init` first.');
  if (!loadCa(paths.caCert, paths.caKey)) throw new PkiError('invalid-input', `cluster ${cluster} has no intermediate in ${paths.dir}`, 'Run `meshforge certs init` to issue it; rotation replaces an existing intermediate.');
  if (fileExists(paths.previousDir)) {
    throw new PkiError('invalid-input', `a rotation of ${cluster} is waiting for confirmation (${paths.previousDir} exists)`, `Finish the rollout and run \`meshforge certs rotate --cluster ${cluster} --confirm\`, or restore the files from ${paths.previousDir} to roll back.`);
  }
  await guardKeyPaths([paths.caKey, join(paths.previousDir, 'ca-key.pem')], options);
  const key = await generateRsaKeyPair(options.caKeyBits ?? CA_KEY_BITS);
  const certPem = issueIntermediate(pkiProfile(model), cluster, key, root.issuer, options.now ?? new Date());
  for (const name of CLUSTER_FILES) {
    const from = join(paths.dir, name);
    if (fileExists(from)) moveFile(from, join(paths.previousDir, name));
  }
  const result = { created: [] as string[], kept: [] as string[] };
  writeClusterFiles(layout, cluster, { certPem, keyPem: key.privateKeyPem }, root.certPem, result, true);
  return { cluster, created: result.created, previousDir: paths.previousDir };
}

/** Ends a rotation: deletes the previous intermediate (its key included). Returns the folder removed. */
export function confirmRotation(model: MeshModel, dir: string, cluster: string): string {
  knownCluster(model, cluster);
  const previous = pkiLayout(dir).cluster(cluster).previousDir;
  if (!fileExists(previous)) throw new PkiError('invalid-input', `no rotation of ${cluster} is waiting for confirmation (${previous} does not exist)`, `Start one with \`meshforge certs rotate --cluster ${cluster}\`.`);
  removeDir(previous);
  return previous;
}
