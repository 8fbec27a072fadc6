import { asString, get } from '../generator/manifest/access.js';
import { compareBundleVersions, gatewayApiRequirement, parseBundleVersion, type BundleVersion } from '../generator/core/gateway-api-version.js';
import { GATEWAY_API_GROUP } from './utils/gateway-api.js';
import { MESH_CONFIG_KINDS, meshConfigSources } from './utils/mesh-config.js';
import type { LintResource, Rule, RuleContext } from './utils/rule.js';
import { compareResources } from './utils/traffic.js';

const BUNDLE_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';
const CHANNEL_ANNOTATION = 'gateway.networking.k8s.io/channel';

function isGatewayApiCrd(crd: LintResource): boolean {
  const group = asString(get(crd.object, 'spec', 'group'));
  return group === GATEWAY_API_GROUP || (group === undefined && crd.name.endsWith(`.${GATEWAY_API_GROUP}`));
}

function minorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : -1;
}

/** The Istio version each cluster runs: its istiod source in the input, else the mesh config's (cluster install or mesh). */
function istioVersions(context: RuleContext): (cluster: string) => string | undefined {
  const byCluster = new Map<string, string>();
  for (const source of meshConfigSources(context)) if (source.version !== undefined && !byCluster.has(source.resource.cluster)) byCluster.set(source.resource.cluster, source.version);
  const model = context.model;
  return (cluster) => {
    const own = byCluster.get(cluster) ?? model?.clusters.find((c) => c.name === cluster)?.install.version;
    if (own !== undefined) return own;
    if (cluster === '') {
      // CRDs that name no cluster serve every cluster: the newest Istio among them is the strictest.
      const all = [...byCluster.values(), ...(model?.clusters.map((c) => c.install.version) ?? [])];
      if (all.length > 0) return all.sort((a, b) => minorOf(b) - minorOf(a))[0];
    }
    return byCluster.get('') ?? model?.mesh.istio.version;
  };
}

const format = (v: BundleVersion) => `v${v.major}.${v.minor}.${v.patch}`;

const rule: Rule = {
  meta: {
    id: 'gateway-api-crd-version',
    defaultSeverity: 'warning',
    description: 'Gateway API CRDs carry a bundle version at least the minimum the Istio version watches (istioctl IST0176), and the bundle is not older than the one Istio is built against.',
    kinds: ['CustomResourceDefinition', ...MESH_CONFIG_KINDS],
    docs: 'policies/gateway-api-crd-version.md',
    messages: {
      belowMinimum: {
        message: 'CRD {{crd}} is at bundle version {{installed}} but Istio {{istio}} requires at least {{minimum}}: istiod ignores it and its resources are never programmed',
        hint: 'Install the Gateway API CRDs of the version Istio {{istio}} is built against ({{recommended}}), from the channel that holds this kind.',
      },
      bundleVersionMissing: {
        message: 'CRD {{crd}} has no {{annotation}} annotation: Istio {{istio}} ignores it',
        hint: 'Install the CRDs from the Gateway API release bundle (standard-install.yaml or experimental-install.yaml), which carries the annotation.',
      },
      olderThanBuiltAgainst: {
        message: 'the Gateway API CRDs in cluster {{cluster}} are bundle {{installed}}{{channel}}, older than {{recommended}}, the version Istio {{istio}} is built against',
        hint: 'Upgrade the Gateway API CRDs to {{recommended}} (or later) so every field Istio implements is served.',
      },
    },
  },
  check(context) {
    const versionOf = istioVersions(context);
    const crds = context.resources('CustomResourceDefinition').filter(isGatewayApiCrd).sort(compareResources);
    const oldestByCluster = new Map<string, { crd: LintResource; version: BundleVersion }>();
    for (const crd of crds) {
      const istio = versionOf(crd.cluster);
      const requirement = istio === undefined ? undefined : gatewayApiRequirement(istio);
      if (istio === undefined || requirement === undefined) continue;
      const written = asString(get(crd.object, 'metadata', 'annotations', BUNDLE_ANNOTATION));
      const installed = written === undefined ? undefined : parseBundleVersion(written);
      const minimumText = Object.hasOwn(requirement.minimums, crd.name) ? requirement.minimums[crd.name] : undefined;
      const common = { crd: crd.name, istio, recommended: `v${requirement.builtAgainst}` };
      if (minimumText !== undefined && written === undefined) {
        context.report({ resource: crd, path: ['metadata'], messageId: 'bundleVersionMissing', data: { ...common, annotation: BUNDLE_ANNOTATION } });
        continue;
      }
      if (installed === undefined) continue;
      const minimum = minimumText === undefined ? undefined : parseBundleVersion(minimumText);
      if (minimum !== undefined && compareBundleVersions(installed, minimum) < 0) {
        context.report({ resource: crd, path: ['metadata', 'annotations', BUNDLE_ANNOTATION], messageId: 'belowMinimum', data: { ...common, installed: format(installed), minimum: format(minimum) } });
      }
      const oldest = oldestByCluster.get(crd.cluster);
      if (!oldest || compareBundleVersions(installed, oldest.version) < 0) oldestByCluster.set(crd.cluster, { crd, version: installed });
    }
    for (const [cluster, { crd, version }] of oldestByCluster) {
      const istio = versionOf(cluster)!;
      const requirement = gatewayApiRequirement(istio)!;
      const recommended = parseBundleVersion(requirement.builtAgainst)!;
      // Patch releases of the bundle change no served field: compare major.minor only.
      if (compareBundleVersions({ ...version, patch: 0 }, { ...recommended, patch: 0 }) >= 0) continue;
      const channel = asString(get(crd.object, 'metadata', 'annotations', CHANNEL_ANNOTATION));
      context.report({
        resource: crd,
        path: ['metadata', 'annotations', BUNDLE_ANNOTATION],
        messageId: 'olderThanBuiltAgainst',
        data: { cluster: cluster === '' ? '(any)' : cluster, installed: format(version), channel: channel ? ` (${channel} channel)` : '', recommended: `v${requirement.builtAgainst}`, istio },
      });
    }
  },
};

export default rule;
