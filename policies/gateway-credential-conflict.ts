import { istioGateways } from './utils/gateways.js';
import { asRecord, asString, get, recordItems } from '../generator/manifest/access.js';
import type { DocPath } from '../generator/diagnostics/types.js';
import type { LintResource, Rule } from './utils/rule.js';
import { byCluster, compareResources, describe } from './utils/traffic.js';

/** One server's certificate: a credentialName, or file paths (serverCertificate with privateKey). */
interface Certificate {
  readonly key: string;
  readonly label: string;
  readonly path: DocPath;
}

function certificatesOf(gateway: LintResource): Certificate[] {
  const out: Certificate[] = [];
  for (const [index, server] of recordItems(get(gateway.object, 'spec', 'servers'))) {
    const tls = asRecord(server.tls);
    const credentialName = asString(tls.credentialName) ?? '';
    const serverCertificate = asString(tls.serverCertificate) ?? '';
    const privateKey = asString(tls.privateKey) ?? '';
    if (credentialName !== '') out.push({ key: `credential\u0000${credentialName}`, label: `credentialName ${credentialName}`, path: ['spec', 'servers', index, 'tls', 'credentialName'] });
    // Files are the same certificate only when both the certificate and its key are the same files.
    else if (serverCertificate !== '' && privateKey !== '') out.push({ key: `files\u0000${serverCertificate}\u0000${privateKey}`, label: `serverCertificate ${serverCertificate}`, path: ['spec', 'servers', index, 'tls', 'serverCertificate'] });
  }
  return out;
}

function selectorOf(gateway: LintResource): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(asRecord(get(gateway.object, 'spec', 'selector'))).map(([k, v]) => [k, String(v)]));
}

/** Whether every label of `selector` is also in `other` with the same value: `other` picks a subset of its pods. */
function isSubset(selector: Readonly<Record<string, string>>, other: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, value]) => other[key] === value);
}

const rule: Rule = {
  meta: {
    id: 'gateway-credential-conflict',
    defaultSeverity: 'warning',
    description: 'One TLS certificate (credentialName, or certificate and key files) is used by one Gateway per gateway workload.',
    kinds: ['Gateway'],
    docs: 'policies/gateway-credential-conflict.md',
    messages: {
      sharedCredential: {
        message: '{{certificate}} is also used by {{others}} on the same gateway workload: HTTP/2 connection reuse across their hosts can return 404s',
        hint: 'Serve all hosts of one certificate from one Gateway, or give each Gateway its own certificate.',
      },
    },
  },
  check(context) {
    for (const gateways of byCluster(istioGateways(context.resources('Gateway'))).values()) {
      const sorted = [...gateways].sort(compareResources);
      const certificates = new Map(sorted.map((g) => [g, certificatesOf(g)]));
      const byKey = new Map<string, LintResource[]>();
      for (const [gateway, list] of certificates) for (const certificate of new Set(list.map((c) => c.key))) byKey.set(certificate, [...(byKey.get(certificate) ?? []), gateway]);
      // As Istio judges it: a Gateway shares a certificate with the Gateways whose selector includes all of its labels
      // (every Gateway, for one without a selector), since those configure some of the same pods.
      for (const gateway of sorted) {
        const selector = selectorOf(gateway);
        const reported = new Set<string>();
        for (const certificate of certificates.get(gateway) ?? []) {
          if (reported.has(certificate.key)) continue;
          reported.add(certificate.key);
          const others = (byKey.get(certificate.key) ?? []).filter((other) => other !== gateway && isSubset(selector, selectorOf(other)));
          if (others.length > 0) context.report({ resource: gateway, path: certificate.path, messageId: 'sharedCredential', data: { certificate: certificate.label, others: others.map(describe).join(', ') } });
        }
      }
    }
  },
};

export default rule;
