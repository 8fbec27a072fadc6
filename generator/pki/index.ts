/** The PKI: Istio's plugin-CA hierarchy and ingress credentials, built with node-forge and Node's crypto. */
export { PkiError } from './errors.js';
export { checkKeyPaths, type KeyPathProblem } from './guard.js';
export { initPki, loadCa, type PkiWriteOptions, type PkiWriteResult } from './init.js';
export { issueClientCertificate, type ClientOptions } from './client.js';
export { rotateIntermediate, confirmRotation, type RotationResult } from './rotate.js';
export { verifyPki, PKI_RULES, type PkiRule, type VerifyOptions } from './verify.js';
export { collectSecrets, secretManifest, kubectlCommand, renderClusterManifests, renderClusterScript, type ClusterSecrets, type SecretSpec } from './secrets.js';
export { buildCertificate, serialHex, subjectAttributes, type CertificateKind, type CertificateRequest, type Issuer, type SubjectName } from './issue.js';
export { inspectCertificate, isIssuedBy, keyMatchesCertificate, splitPemCertificates, type CertificateFacts } from './inspect.js';
export { generateRsaKeyPair, publicKeyOf, CA_KEY_BITS, LEAF_KEY_BITS, type RsaBits } from './keys.js';
export { pkiLayout, type PkiLayout } from './layout.js';
export { pkiProfile, ingressCredentials, resolvePkiDir, generatedTrees, type PkiProfile, type IngressCredential } from './profile.js';
