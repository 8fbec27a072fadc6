/**
 * The house rule: a folder imports only folders below it (docs/architecture.md, "Layers"). The list runs from the
 * bottom up; folders on one line share a layer and may not import each other. `npm test` runs this check.
 */
const LAYERS = [
  ['generator/core'], // shared vocabulary: paths, errors, YAML scalars, CIDRs, redaction
  ['generator/diagnostics'], // ids, the catalogue, locations, the source registry
  ['generator/load'], // bytes -> YAML documents, input limits
  ['generator/manifest'], // the resource vocabulary every later stage reads
  ['generator/config'], // JSON Schema validation and semantic checks of mesh.config.yaml
  ['generator/model'], // the normalized mesh
  ['generator/ledger'], // the VIP ledger
  ['generator/render'], // model -> files (Handlebars)
  ['generator/gitops'], // Argo CD and Flux objects
  ['generator/pipeline'], // text -> planned files, in memory
  ['generator/validate'], // manifest schemas: embedded or kubeconform
  ['policies'], // one rule per file, with the Istio helpers rules share (policies/utils)
  ['generator/lint'], // the rule engine and the checks of a set of resources
  ['generator/discover'], // manifests from disk, and a generated tree from its config
  ['generator/report'], // one output format per file
  ['generator/write'], // the tree on disk: atomic swap, provenance, locks, run state
  ['generator/diff'], // change plans for diff and pull requests
  ['generator/publish', 'generator/pki'], // git and GitHub; the CA hierarchy
  ['generator/app'], // one service per command
  ['generator/index.ts'], // the library's public API: stages and services (not the CLI)
  ['generator/cli'], // flags in, text out
];

const escape = (folder) => folder.replace(/[/.]/g, '\\$&');
// A folder matches everything under it; a file (the library entry) matches itself only.
const anyOf = (folders) => `^(${folders.map((f) => (f.endsWith('.ts') ? `${escape(f)}$` : `${escape(f)}/`)).join('|')})`;

// For each folder: it may import itself and every folder of a lower layer, nothing else under generator/ or policies/
// (not a sibling, not a higher layer, not a folder missing from LAYERS).
const layering = LAYERS.flatMap((layer, index) =>
  layer.map((folder) => ({
    name: `layer-${folder.replace(/^generator\//, '')}`,
    comment: `${folder} may import only itself and ${LAYERS.slice(0, index).flat().join(', ') || 'no other folder'}`,
    severity: 'error',
    from: { path: anyOf([folder]), pathNot: '\\.test\\.ts$' },
    to: { path: '^(generator|policies)/', pathNot: anyOf([folder, ...LAYERS.slice(0, index).flat()]) },
  })),
);

module.exports = {

  forbidden: [
    ...layering,
    {
      name: 'no-circular',
      comment: 'Files may not import each other in a circle.',
      severity: 'error',
      from: { pathNot: '\\.test\\.ts$' },
      to: { circular: true },
    },
    {
      name: 'layer-listed',
      comment: 'Every source folder has a place in LAYERS: a new folder must be given one.',
      severity: 'error',
      from: { path: '^generator/[^/]+/', pathNot: `${anyOf(LAYERS.flat())}|\\.test\\.ts$` },
      to: {},
    },
    {
      name: 'no-test-imports',
      comment: 'Shipped code never imports tests or dev scripts.',
      severity: 'error',
      from: { path: '^(generator|policies)/', pathNot: '\\.test\\.ts$' },
      to: { path: '(\\.test\\.ts$|^test/|^scripts/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.test\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
