/**
 * The meshforge library: `import { planGenerate, runPolicies, runCheck } from 'meshforge'`.
 *
 * Stages come first, bottom layer to top, as the house orders them (docs/architecture.md): each one is a pure
 * function of its inputs or a small class, usable alone. The application services (generator/app/) come last: each
 * runs one command end to end from typed options and an AppContext, exactly as the CLI does, without touching
 * process.cwd(), process.env or the standard streams. The CLI itself (generator/cli/) is not part of the library.
 *
 * Names are re-exported one by one so the public surface is a decision, not an accident of what a stage exports.
 */

// Errors and diagnostics: the one error type, and what every stage returns.
export { MeshforgeError, usageError, environmentError, type ErrorKind } from './core/errors.js';
export { packageVersion } from './core/paths.js';
export type { Diagnostic, DocPath, Location, Position, ResourceRef, Severity } from './diagnostics/types.js';
export { ok, fail, hasErrors, type StageResult } from './diagnostics/result.js';
export { SourceRegistry, type SourceFile } from './diagnostics/sources.js';
export { resolvePosition, formatPath, type ResolvedPosition } from './diagnostics/positions.js';

// Load and parse: bytes -> YAML documents, with input limits.
export { CONFIG_LIMITS, MANIFEST_LIMITS, type InputLimits } from './load/limits.js';
export { readSourceFile, decodeSource, type SourceText } from './load/source.js';
export { parseYaml, type ParsedDocument, type ParsedYaml, type ParseOptions } from './load/yaml.js';
export type { ManifestResource, RenderedFile } from './manifest/types.js';

// Config: mesh.config.yaml checked against its schema and its meaning.
export { CONFIG_SCHEMA_PATH, validateConfigSchema } from './config/schema.js';
export { checkSemantics } from './config/semantic.js';
export type { MeshConfigInput } from './config/types.js';
export { renderConfigReference } from './config/reference.js';

// Model: the normalized mesh, loaded from a file or a string.
export { DEFAULT_CONFIG_FILE, loadConfigFile, loadConfigString, loadConfigText, type LoadedConfig } from './model/load.js';
export { buildModel } from './model/build.js';
export type { MeshModel, ClusterModel, ServiceModel, ExportModel, RouteModel, ExternalServiceModel, IngressModel, GitopsModel } from './model/types.js';

// Ledger: the VIP allocations kept in mesh.lock.yaml.
export { allocateVips, ledgerEntries, EMPTY_LEDGER, type VipLedger } from './ledger/ledger.js';
export { LOCK_FILE, readLedger, serializeLedger } from './ledger/lockfile.js';

// Render and GitOps: model -> files.
export { renderMesh, DEFAULT_OUT_DIR, type RenderOptions } from './render/render.js';
export { renderGitops, planGitops, gatewayApiContent, renderedGatewayApiContent, type GitopsRenderOptions, type GatewayApiContent } from './gitops/index.js';

// Plan: config text -> every planned file, in memory.
export { planGenerate, parseShard, shardClusters, defaultLockFile, type GenerateOptions, type GeneratePlan, type Shard } from './pipeline/generate.js';

// Validators: Kubernetes and Istio schemas, embedded or kubeconform.
export {
  createValidator,
  describeValidator,
  validatorOptionsFromFlags,
  EmbeddedValidator,
  KubeconformValidator,
  SCHEMA_RULE,
  UNKNOWN_KIND_RULE,
  type ManifestValidator,
  type ValidatorChoice,
  type ValidatorFlags,
  type ValidatorOptions,
} from './validate/index.js';

// Policies and the lint engine.
export { RULES, findRule } from '../policies/index.js';
export type { Rule, RuleMeta, RuleContext, LintResource } from '../policies/utils/rule.js';
export { runPolicies, allRuleIds, type PolicyRunOptions, type PolicyRunResult, type SuppressedFinding } from './lint/engine.js';
export { checkResources, type ResourceChecks } from './lint/resources.js';
export { loadManifests, type LoadManifestsOptions } from './discover/manifests.js';
export { manifestsFromText } from './manifest/from-text.js';

// Reports: findings with positions, in every output format.
export { buildReport, resolveDiagnostics } from './report/resolve.js';
export { FORMATTERS, findFormatter, formatNames } from './report/formats.js';
export type { Report, ReportSummary, PrintedDiagnostic, Formatter, FormatOptions } from './report/types.js';

// Writer: the generated tree on disk, swapped in atomically.
export { writeTree, compareTree, hasChanges, TreeError, type TreeChanges, type WriteOptions } from './write/tree.js';
export { withOutputLock, LockError } from './write/lock.js';

// Diff: change plans for `diff` and pull requests.
export { planChanges, unifiedDiff, renderMarkdown, renderCommitMessage, type PlanInput } from './diff/index.js';
export type * from './diff/types.js';

// Publish (git and GitHub) and PKI (the CA hierarchy).
export { runPullRequest, PublishError, PROVIDERS, type PullRequestRequest, type PullRequestOutcome, type ProviderName } from './publish/index.js';
export { initPki, rotateIntermediate, issueClientCertificate, verifyPki, PkiError, type PkiWriteOptions, type PkiWriteResult, type VerifyOptions } from './pki/index.js';

// Application services: one module per command; each line exports run<Command> with its options and result types.
export { resolveFrom, type AppContext } from './app/context.js';
export type { ServiceResult, ServiceStatus } from './app/result.js';
export * from './app/check.js';
export * from './app/certs.js';
export * from './app/diff.js';
export * from './app/explain.js';
export * from './app/generate.js';
export * from './app/lint.js';
export * from './app/pr.js';
export * from './app/validate.js';
export * from './app/validator.js';
