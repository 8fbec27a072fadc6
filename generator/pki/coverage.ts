import type { Diagnostic } from '../diagnostics/types.js';
import type { MeshModel } from '../model/types.js';
import { pkiLayout } from './layout.js';

/**
 * Clusters of the config that the PKI folder does not cover yet: a cluster added to mesh.config.yaml after
 * `meshforge certs init` has no intermediate CA, and `check` (certs verify) fails on it later. Reported as a warning
 * by validate, generate and pr, at the cluster's entry in the config, so the fix comes when the cluster is added.
 * Pure: `exists` answers for the file system. Nothing is said when the PKI folder itself does not exist (the mesh
 * does not use meshforge's PKI, and `check` skips it too).
 */
export function uncoveredClusters(model: MeshModel, pkiDir: string, exists: (path: string) => boolean): Diagnostic[] {
  if (!exists(pkiDir)) return [];
  const layout = pkiLayout(pkiDir);
  return model.clusters
    .filter((cluster) => !exists(layout.cluster(cluster.name).dir))
    .map((cluster) => ({
      rule: 'pki-cluster-uninitialized',
      severity: 'warning',
      message: `cluster ${cluster.name} has no intermediate CA in ${layout.cluster(cluster.name).dir}: \`meshforge check\` fails until it has one`,
      hint: `Run \`meshforge certs init\` (it keeps the root and the other clusters' CAs and issues ${cluster.name}'s), then deliver it with \`meshforge certs secrets --cluster ${cluster.name}\`.`,
      location: { file: model.configFile, path: [...cluster.origin, 'name'], target: 'value' },
      cluster: cluster.name,
    }));
}
