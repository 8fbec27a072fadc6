import { POLICY_RULE_IDS, type PolicyRuleId } from './policy-rules.js';
import type { Severity } from './severity.js';

/** The stage (folder under generator/) that emits a diagnostic. */
export type DiagnosticStage = 'load' | 'manifest' | 'model' | 'config' | 'ledger' | 'pipeline' | 'validate' | 'lint' | 'discover' | 'app' | 'pki';

export interface CatalogueEntry {
  /** The severity the stage emits it with (policy overrides apply to policy rules only). */
  readonly defaultSeverity: Severity;
  /** One line: what the diagnostic says is wrong. Shown by `meshforge explain` and in SARIF rule lists. */
  readonly description: string;
  readonly stage: DiagnosticStage;
  /** Its page, relative to the package root. */
  readonly docs: string;
  /**
   * Set when no stage emits the id any more: the id stays listed (old reports and suppressions still name it and
   * `explain` still answers) and is never given to another diagnostic. Says since when and why.
   */
  readonly retired?: string;
}

const page = (id: string) => `docs/diagnostics/${id}.md`;

/**
 * Every diagnostic id meshforge can emit that is not a policy rule (Istio's messages.yaml model). Policy rules keep
 * their meta in policies/ (ESLint's model); `meshforge explain` serves both. test/diagnostics/catalogue.test.ts scans
 * the sources for ids in diagnostic positions and fails on an id missing here, an entry no stage emits (unless
 * retired), or a page without its sections.
 */
export const CATALOGUE = {
  // load: bytes -> YAML documents
  'file-unreadable': { defaultSeverity: 'error', description: 'An input file does not exist, is a folder, or cannot be read.', stage: 'load', docs: page('file-unreadable') },
  'file-too-large': { defaultSeverity: 'error', description: 'An input file is over the size limit, so meshforge does not parse it.', stage: 'load', docs: page('file-too-large') },
  'file-binary': { defaultSeverity: 'error', description: 'An input file contains a NUL byte: it is binary, not YAML.', stage: 'load', docs: page('file-binary') },
  'file-encoding': { defaultSeverity: 'error', description: 'An input file is not valid UTF-8.', stage: 'load', docs: page('file-encoding') },
  'yaml-syntax': { defaultSeverity: 'error', description: 'The file is not valid YAML.', stage: 'load', docs: page('yaml-syntax') },
  'yaml-tab': { defaultSeverity: 'error', description: 'A line is indented with a tab, which YAML does not allow.', stage: 'load', docs: page('yaml-tab') },
  'yaml-too-deep': { defaultSeverity: 'error', description: 'The YAML nests deeper than the input limit allows.', stage: 'load', docs: page('yaml-too-deep') },
  'yaml-alias-limit': { defaultSeverity: 'error', description: 'YAML aliases expand beyond the input limit (an alias bomb).', stage: 'load', docs: page('yaml-alias-limit') },
  'yaml-undefined-alias': { defaultSeverity: 'error', description: 'A YAML alias (*name) refers to an anchor (&name) that is not defined before it.', stage: 'load', docs: page('yaml-undefined-alias') },
  'yaml-duplicate-key': { defaultSeverity: 'error', description: 'A YAML mapping has the same key twice; one value would silently win.', stage: 'load', docs: page('yaml-duplicate-key') },
  'yaml-non-string-key': { defaultSeverity: 'error', description: 'A mapping key is not plain text (a list, a mapping or null).', stage: 'load', docs: page('yaml-non-string-key') },
  'yaml-warning': { defaultSeverity: 'warning', description: 'The YAML parser read the text, but maybe not as meant.', stage: 'load', docs: page('yaml-warning') },
  // model (loading mesh.config.yaml) and config: its shape, schema and meaning
  'yaml-multiple-documents': { defaultSeverity: 'error', description: "mesh.config.yaml holds more than one YAML document ('---').", stage: 'model', docs: page('yaml-multiple-documents') },
  'config-empty': { defaultSeverity: 'error', description: 'mesh.config.yaml is empty.', stage: 'model', docs: page('config-empty') },
  'config-not-mapping': { defaultSeverity: 'error', description: 'mesh.config.yaml is a list or a single value, not a mapping of keys.', stage: 'model', docs: page('config-not-mapping') },
  'config-unknown-key': { defaultSeverity: 'error', description: 'A key the config schema does not know (often a typo).', stage: 'config', docs: page('config-unknown-key') },
  'config-missing-key': { defaultSeverity: 'error', description: 'A key the config needs is missing.', stage: 'config', docs: page('config-missing-key') },
  'config-type': { defaultSeverity: 'error', description: 'A value has the wrong type (a string where a number goes, a list where a mapping goes).', stage: 'config', docs: page('config-type') },
  'config-enum': { defaultSeverity: 'error', description: 'A value is not one of the allowed choices.', stage: 'config', docs: page('config-enum') },
  'config-out-of-range': { defaultSeverity: 'error', description: 'A number is outside its allowed range (a port over 65535, a count under 1).', stage: 'config', docs: page('config-out-of-range') },
  'config-invalid-value': { defaultSeverity: 'error', description: 'A value has the right type but not a valid form (a name, an address, a CIDR, a combination of settings).', stage: 'config', docs: page('config-invalid-value') },
  'config-unknown-reference': { defaultSeverity: 'error', description: 'A name refers to a cluster, namespace, service or port that the config does not define.', stage: 'config', docs: page('config-unknown-reference') },
  'config-duplicate-name': { defaultSeverity: 'error', description: 'Two entries share a name (or a host and port) that must be unique.', stage: 'config', docs: page('config-duplicate-name') },
  'config-invalid-export': { defaultSeverity: 'error', description: 'A service is exported to or imported from a cluster where that has no meaning.', stage: 'config', docs: page('config-invalid-export') },
  'config-unreachable': { defaultSeverity: 'error', description: 'A route sends traffic to a service that is not reachable from the cluster where the route applies.', stage: 'config', docs: page('config-unreachable') },
  'config-weights': { defaultSeverity: 'error', description: 'Route destination weights are missing or do not add up to 100.', stage: 'config', docs: page('config-weights') },
  'config-vip-overlap': { defaultSeverity: 'error', description: "mesh.vipRanges overlap each other or Istio's DNS auto-allocation range.", stage: 'config', docs: page('config-vip-overlap') },
  'config-missing-exception': { defaultSeverity: 'error', description: 'A cluster allows any outbound traffic (ALLOW_ANY) without a recorded policy exception.', stage: 'config', docs: page('config-missing-exception') },
  'config-credentials': { defaultSeverity: 'error', description: 'A URL in the config carries credentials, which would be committed with the generated tree.', stage: 'config', docs: page('config-credentials') },
  'config-unused-namespace': { defaultSeverity: 'warning', description: 'A namespace is generated in no cluster: nothing uses it and it has no clusters: key.', stage: 'config', docs: page('config-unused-namespace') },
  'config-unsupported-version': { defaultSeverity: 'error', description: 'An Istio version is outside the range meshforge generates configuration for.', stage: 'config', docs: page('config-unsupported-version') },
  'config-ambient-version': { defaultSeverity: 'error', description: 'An ambient cluster in a multicluster mesh runs an Istio release older than ambient multicluster (1.27).', stage: 'config', docs: page('config-ambient-version') },
  'config-ambient-beta': { defaultSeverity: 'warning', description: 'Ambient spans several networks, a feature that is alpha in Istio 1.27 and 1.28 and beta in 1.29.', stage: 'config', docs: page('config-ambient-beta') },
  'config-ambient-install': { defaultSeverity: 'error', description: 'An ambient cluster is installed with istioctl; meshforge installs ambient clusters with Helm charts only.', stage: 'config', docs: page('config-ambient-install') },
  'config-ambient-multi-primary': { defaultSeverity: 'error', description: 'An ambient cluster uses the remote profile; ambient multicluster supports multi-primary only.', stage: 'config', docs: page('config-ambient-multi-primary') },
  'config-ambient-namespace': { defaultSeverity: 'error', description: "A namespace's data plane or waypoint cannot be honoured in the clusters it lands in.", stage: 'config', docs: page('config-ambient-namespace') },
  // ledger: the VIP ledger, mesh.lock.yaml
  'lock-invalid': { defaultSeverity: 'error', description: 'mesh.lock.yaml (the VIP ledger) is not in the form meshforge writes.', stage: 'ledger', docs: page('lock-invalid') },
  'vip-moved': { defaultSeverity: 'warning', description: 'VIPs recorded in the ledger lie outside mesh.vipRanges (or are duplicated) and will change.', stage: 'ledger', docs: page('vip-moved') },
  'vip-range-exhausted': { defaultSeverity: 'error', description: 'A cluster needs more VIPs than mesh.vipRanges holds.', stage: 'ledger', docs: page('vip-range-exhausted') },
  // pipeline: planning the generated tree
  'generate-unknown-cluster': { defaultSeverity: 'error', description: '--cluster names a cluster the config does not define.', stage: 'pipeline', docs: page('generate-unknown-cluster') },
  'generate-name-collision': { defaultSeverity: 'error', description: 'Two config entries generate the same file, so one would overwrite the other.', stage: 'pipeline', docs: page('generate-name-collision') },
  // validate: manifest schemas
  schema: { defaultSeverity: 'error', description: "A manifest does not match its kind's schema.", stage: 'validate', docs: page('schema') },
  'schema-unknown-kind': { defaultSeverity: 'warning', description: 'No schema knows this apiVersion/kind, so the manifest is not checked.', stage: 'validate', docs: page('schema-unknown-kind') },
  // lint: the rule engine and the policy settings
  'suppression-reason': { defaultSeverity: 'error', description: 'A meshforge.io/suppress annotation or policies.exceptions entry must say why.', stage: 'lint', docs: 'policies/suppression-reason.md' },
  'suppression-unknown-rule': { defaultSeverity: 'warning', description: 'A meshforge.io/suppress annotation names a rule that does not exist (a typo silences nothing).', stage: 'lint', docs: 'policies/suppression-unknown-rule.md' },
  'policy-unknown-rule': { defaultSeverity: 'warning', description: 'policies.severity or policies.exceptions in the config names a rule that does not exist.', stage: 'lint', docs: page('policy-unknown-rule') },
  'rule-failed': { defaultSeverity: 'error', description: 'A policy rule crashed on the input; its findings are missing (a bug in meshforge).', stage: 'lint', docs: page('rule-failed') },
  // discover: manifests read from disk
  'manifest-not-object': { defaultSeverity: 'error', description: 'A YAML document is a list or a single value, not a Kubernetes object.', stage: 'manifest', docs: page('manifest-not-object') },
  'manifest-missing-kind': { defaultSeverity: 'error', description: 'A document has no apiVersion or kind, so it is not a Kubernetes object.', stage: 'manifest', docs: page('manifest-missing-kind') },
  'manifest-invalid-kind': { defaultSeverity: 'error', description: 'apiVersion or kind is not a string of the right form.', stage: 'manifest', docs: page('manifest-invalid-kind') },
  'manifest-missing-name': { defaultSeverity: 'error', description: 'An object has no metadata.name.', stage: 'manifest', docs: page('manifest-missing-name') },
  'manifest-invalid-name': { defaultSeverity: 'error', description: 'metadata.name or metadata.namespace is not a valid Kubernetes name.', stage: 'manifest', docs: page('manifest-invalid-name') },
  // app: meshforge check
  drift: { defaultSeverity: 'error', description: 'A generated file or the VIP ledger differs from what mesh.config.yaml generates.', stage: 'app', docs: page('drift') },
  // pki: meshforge certs verify (and check)
  'pki-missing': { defaultSeverity: 'error', description: 'A certificate or key of the PKI is missing.', stage: 'pki', docs: page('pki-missing') },
  'pki-cluster-uninitialized': { defaultSeverity: 'warning', description: 'A cluster of the config has no intermediate CA in the PKI folder yet (added after certs init).', stage: 'pki', docs: page('pki-cluster-uninitialized') },
  'pki-parse': { defaultSeverity: 'error', description: 'A certificate or key file cannot be parsed.', stage: 'pki', docs: page('pki-parse') },
  'pki-root-mismatch': { defaultSeverity: 'error', description: 'A cluster carries a root certificate other than the mesh root.', stage: 'pki', docs: page('pki-root-mismatch') },
  'pki-chain': { defaultSeverity: 'error', description: 'A certificate is not issued by the CA it should chain to, or the chain file is wrong.', stage: 'pki', docs: page('pki-chain') },
  'pki-key-mismatch': { defaultSeverity: 'error', description: 'A private key does not belong to its certificate.', stage: 'pki', docs: page('pki-key-mismatch') },
  'pki-profile': { defaultSeverity: 'error', description: 'A certificate lacks what its role needs (CA flag, key usage, SANs).', stage: 'pki', docs: page('pki-profile') },
  'pki-expired': { defaultSeverity: 'error', description: 'A certificate has expired.', stage: 'pki', docs: page('pki-expired') },
  'pki-not-yet-valid': { defaultSeverity: 'error', description: 'A certificate is not valid yet (its notBefore is in the future).', stage: 'pki', docs: page('pki-not-yet-valid') },
  'pki-expiring': { defaultSeverity: 'warning', description: 'A certificate expires within the warning window (mesh.ca.expiryWarningDays).', stage: 'pki', docs: page('pki-expiring') },
  'pki-subject': { defaultSeverity: 'warning', description: "A certificate's subject differs from what the config asks for.", stage: 'pki', docs: page('pki-subject') },
  'pki-key-permissions': { defaultSeverity: 'warning', description: 'A private key file can be read by other users.', stage: 'pki', docs: page('pki-key-permissions') },
  'pki-rotation-pending': { defaultSeverity: 'info', description: "A rotation of a cluster's intermediate CA is waiting for confirmation.", stage: 'pki', docs: page('pki-rotation-pending') },
} as const satisfies Readonly<Record<string, CatalogueEntry>>;

export type CatalogueId = keyof typeof CATALOGUE;

/** Catalogue ids that no stage may emit any more. */
export type RetiredId = { [K in CatalogueId]: (typeof CATALOGUE)[K] extends { readonly retired: string } ? K : never }[CatalogueId];

/** Every id a diagnostic may carry: the catalogue's live ids and the policy rules. Anything else is a type error. */
export type DiagnosticId = Exclude<CatalogueId, RetiredId> | PolicyRuleId;

export const CATALOGUE_IDS = Object.keys(CATALOGUE) as CatalogueId[];

export function isCatalogueId(id: string): id is CatalogueId {
  return Object.hasOwn(CATALOGUE, id);
}

export function isPolicyRuleId(id: string): id is PolicyRuleId {
  return (POLICY_RULE_IDS as readonly string[]).includes(id);
}

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return isCatalogueId(id) ? CATALOGUE[id] : undefined;
}
