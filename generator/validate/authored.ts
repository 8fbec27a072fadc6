import type { JsonSchema } from './catalog.js';

/**
 * Schemas with no machine-readable source on npm, written here from the projects' documented field lists.
 * They are strict only where the field list is fixed; anything a tool passes through stays open.
 */

const string = { type: 'string' };
const stringList = { type: 'array', items: string };
const stringMap = { type: 'object', additionalProperties: string };
const openObject = { type: 'object' };
const strict = (properties: JsonSchema, required: readonly string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...(required.length > 0 ? { required } : {}),
});

const selector = strict({
  group: string,
  version: string,
  kind: string,
  name: string,
  namespace: string,
  labelSelector: string,
  annotationSelector: string,
});

const generatorArgs = {
  name: string,
  namespace: string,
  behavior: { type: 'string', enum: ['create', 'replace', 'merge'] },
  files: stringList,
  literals: stringList,
  envs: stringList,
  env: string,
  type: string,
  options: openObject,
};

function kustomization(apiVersion: string, kind: string): JsonSchema {
  return strict(
    {
      apiVersion: { type: 'string', enum: [apiVersion] },
      kind: { type: 'string', enum: [kind] },
      metadata: strict({ name: string, namespace: string, labels: stringMap, annotations: stringMap }),
      openapi: openObject,
      namePrefix: string,
      nameSuffix: string,
      namespace: string,
      commonLabels: stringMap,
      labels: { type: 'array', items: strict({ pairs: stringMap, includeSelectors: { type: 'boolean' }, includeTemplates: { type: 'boolean' }, fields: { type: 'array' } }) },
      commonAnnotations: stringMap,
      patchesStrategicMerge: stringList,
      patchesJson6902: { type: 'array', items: strict({ target: openObject, path: string, patch: string }) },
      patches: { type: 'array', items: strict({ path: string, patch: string, target: selector, options: openObject }) },
      images: { type: 'array', items: strict({ name: string, newName: string, newTag: string, digest: string, tagSuffix: string }, ['name']) },
      replacements: { type: 'array', items: openObject },
      replicas: { type: 'array', items: strict({ name: string, count: { type: 'integer' } }, ['name', 'count']) },
      vars: { type: 'array', items: openObject },
      sortOptions: openObject,
      resources: stringList,
      components: stringList,
      crds: stringList,
      bases: stringList,
      configMapGenerator: { type: 'array', items: strict(generatorArgs) },
      secretGenerator: { type: 'array', items: strict(generatorArgs) },
      helmGlobals: strict({ chartHome: string, configHome: string }),
      helmCharts: { type: 'array', items: openObject },
      helmChartInflationGenerator: { type: 'array', items: openObject },
      generatorOptions: strict({ labels: stringMap, annotations: stringMap, disableNameSuffixHash: { type: 'boolean' }, immutable: { type: 'boolean' } }),
      configurations: stringList,
      generators: stringList,
      transformers: stringList,
      validators: stringList,
      buildMetadata: stringList,
    },
    [],
  );
}

export const AUTHORED_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  'kustomize.config.k8s.io/v1beta1/Kustomization': kustomization('kustomize.config.k8s.io/v1beta1', 'Kustomization'),
  'kustomize.config.k8s.io/v1alpha1/Component': kustomization('kustomize.config.k8s.io/v1alpha1', 'Component'),
};

/**
 * IstioOperator spec (install.istio.io/v1alpha1), from the IstioOperator API reference. Istio's CRD keeps it
 * free-form; istioctl checks it, so a typo at these levels is worth catching. Helm values stay open.
 */
const componentList = { type: 'array', items: openObject };
export const ISTIO_OPERATOR_SPEC: JsonSchema = strict({
  profile: string,
  installPackagePath: string,
  hub: string,
  // Image tags may be written unquoted (1.24 parses as a number).
  tag: {},
  resourceSuffix: string,
  namespace: string,
  revision: string,
  compatibilityVersion: string,
  meshConfig: openObject,
  components: strict({
    base: openObject,
    pilot: openObject,
    cni: openObject,
    ztunnel: openObject,
    istiodRemote: openObject,
    ingressGateways: componentList,
    egressGateways: componentList,
  }),
  values: openObject,
  unvalidatedValues: openObject,
});
