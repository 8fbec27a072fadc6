import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { MeshModel } from '../model/types.js';
import { isInside } from './guard.js';
import type { SubjectName } from './issue.js';

/** The subjects, validity and SAN of the mesh's CA hierarchy, taken from mesh.ca in the config. */
export interface PkiProfile {
  readonly root: SubjectName;
  readonly rootDays: number;
  intermediate(cluster: string): SubjectName;
  readonly intermediateDays: number;
  readonly intermediateSanDns: string;
  readonly ingressCa: SubjectName;
  readonly ingressDays: number;
  readonly expiryWarningDays: number;
}

export function pkiProfile(model: MeshModel): PkiProfile {
  const ca = model.mesh.ca;
  return {
    root: { org: ca.root.org, cn: ca.root.cn },
    rootDays: ca.root.days,
    intermediate: (cluster) => ({ org: ca.intermediate.org, cn: ca.intermediate.cn, locality: cluster }),
    intermediateDays: ca.intermediate.days,
    intermediateSanDns: ca.intermediate.sanDns,
    ingressCa: { org: ca.ingress.org, cn: ca.ingress.cn },
    ingressDays: ca.ingress.days,
    expiryWarningDays: ca.expiryWarningDays,
  };
}

/** One Gateway credential (a `credentialName` Secret): the hosts its server certificate must cover and where it goes. */
export interface IngressCredential {
  readonly credentialName: string;
  readonly mode: 'SIMPLE' | 'MUTUAL';
  /** Sorted, unique; the server certificate's DNS SANs. */
  readonly hosts: readonly string[];
  /** Where the Secret must exist: each cluster serving one of the hosts, in the ingress gateway's namespace. */
  readonly targets: readonly { readonly cluster: string; readonly namespace: string }[];
  /** Ingress entries sharing this credential (names), for messages. */
  readonly ingressNames: readonly string[];
}

/**
 * The credentials meshforge issues: one per credentialName of a SIMPLE or MUTUAL ingress host
 * (PASSTHROUGH hosts terminate TLS in the workload and need none). Hosts sharing a credentialName share
 * one certificate; it is MUTUAL when any of them is.
 */
export function ingressCredentials(model: MeshModel): IngressCredential[] {
  const byName = new Map<string, { mode: 'SIMPLE' | 'MUTUAL'; hosts: Set<string>; clusters: Set<string>; names: string[] }>();
  for (const entry of model.ingress) {
    const tls = entry.tls;
    if (!tls || tls.mode === 'PASSTHROUGH') continue;
    const current = byName.get(tls.credentialName) ?? { mode: tls.mode, hosts: new Set<string>(), clusters: new Set<string>(), names: [] };
    if (tls.mode === 'MUTUAL') current.mode = 'MUTUAL';
    // A bare '*' matches any host but is no valid DNS name for a certificate.
    if (entry.host !== '*') current.hosts.add(entry.host);
    for (const cluster of entry.clusters) current.clusters.add(cluster);
    current.names.push(entry.name);
    byName.set(tls.credentialName, current);
  }
  const namespaceOf = new Map(model.clusters.map((c) => [c.name, c.ingressGateway.namespace]));
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([credentialName, value]) => ({
      credentialName,
      mode: value.mode,
      hosts: [...value.hosts].sort(),
      targets: model.clusters.filter((c) => value.clusters.has(c.name)).map((c) => ({ cluster: c.name, namespace: namespaceOf.get(c.name) ?? 'istio-system' })),
      ingressNames: value.names,
    }));
}

/** The PKI folder: --pki if given (relative to the working directory), else mesh.ca.pkiDir relative to the config's folder. */
export function resolvePkiDir(model: MeshModel, cwd: string, override?: string): string {
  if (override !== undefined) return resolve(cwd, override);
  const configDir = dirname(resolve(cwd, model.configFile));
  return isAbsolute(model.mesh.ca.pkiDir) ? model.mesh.ca.pkiDir : join(configDir, model.mesh.ca.pkiDir);
}

/** The generated GitOps tree(s) where keys must never go: clusters/ and gitops.path, next to the config. */
export function generatedTrees(model: MeshModel, cwd: string, extra: readonly string[] = []): string[] {
  const configDir = dirname(resolve(cwd, model.configFile));
  const trees = new Set([join(configDir, 'clusters'), ...(model.gitops ? [resolve(configDir, model.gitops.path)] : []), ...extra.map((t) => resolve(cwd, t))]);
  // A gitops.path of '.' means the whole repository: the git-ignore check covers that case, not this one.
  return [...trees].filter((tree) => !isInside(configDir, tree));
}
