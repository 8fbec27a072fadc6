import { asString, get } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';
import { tlsSettingsOf } from './utils/traffic.js';

const rule: Rule = {
  meta: {
    id: 'tls-no-ca-certificates',
    defaultSeverity: 'warning',
    description: 'A DestinationRule originating TLS (SIMPLE or MUTUAL) verifies the server with caCertificates or a credentialName.',
    kinds: ['DestinationRule'],
    docs: 'policies/tls-no-ca-certificates.md',
    messages: {
      noCaCertificates: {
        message: 'tls.mode {{mode}} for {{host}} has no caCertificates: the server certificate is not verified',
        hint: 'Set caCertificates (e.g. /etc/ssl/certs/ca-certificates.crt) or a credentialName whose Secret holds ca.crt; set insecureSkipVerify: true only if skipping verification is intended.',
      },
    },
  },
  check(context) {
    for (const rule of context.resources('DestinationRule')) {
      const host = asString(get(rule.object, 'spec', 'host')) ?? '';
      for (const { tls, path } of tlsSettingsOf(rule)) {
        const mode = asString(tls.mode);
        if (mode !== 'SIMPLE' && mode !== 'MUTUAL') continue;
        const verified = (typeof tls.caCertificates === 'string' && tls.caCertificates !== '') || (typeof tls.credentialName === 'string' && tls.credentialName !== '') || tls.insecureSkipVerify === true;
        if (!verified) context.report({ resource: rule, path: [...path, 'mode'], messageId: 'noCaCertificates', data: { mode, host } });
      }
    }
  },
};

export default rule;
