import type { DocPath } from '../generator/diagnostics/types.js';
import { asRecord, isRecord } from '../generator/lint/access.js';
import type { Rule } from '../generator/lint/rule.js';

const PEM_PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;
/** Secret keys that by convention hold a private key: tls.key, ca-key.pem, key.pem, id_rsa. */
const KEY_NAME = /(^|[._-])key(\.pem)?$|^id_(rsa|ecdsa|ed25519)$/i;

function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('latin1');
}

const rule: Rule = {
  meta: {
    id: 'no-private-keys',
    defaultSeverity: 'error',
    description: 'No PEM private key (or Secret key field) anywhere in the manifests: key material never goes to git.',
    kinds: ['*'],
    docs: 'policies/no-private-keys.md',
    messages: {
      pemInValue: {
        message: 'this value holds a PEM {{label}}PRIVATE KEY',
        hint: 'Keep private keys out of git: create the Secret in the cluster (meshforge certs ... prints the kubectl command), or use a secret manager / sealed secret.',
      },
      secretKey: {
        message: "Secret data key '{{key}}' holds private key material",
        hint: 'Remove the key from the committed Secret and create it in the cluster, or use a secret manager / sealed secret.',
      },
    },
  },
  check(context) {
    for (const resource of context.resources()) {
      // Iterative walk: manifests may be deep, and every string is a candidate.
      const stack: { value: unknown; path: DocPath }[] = [{ value: resource.object, path: [] }];
      const reported = new Set<string>();
      while (stack.length > 0) {
        const { value, path } = stack.pop()!;
        if (typeof value === 'string') {
          const match = PEM_PRIVATE_KEY.exec(value);
          if (match) {
            reported.add(JSON.stringify(path));
            context.report({ resource, path, messageId: 'pemInValue', data: { label: match[1] ?? '' } });
          }
        } else if (Array.isArray(value)) {
          value.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
        } else if (isRecord(value)) {
          for (const [key, item] of Object.entries(value)) stack.push({ value: item, path: [...path, key] });
        }
      }
      if (resource.kind !== 'Secret') continue;
      for (const [key, value] of Object.entries(asRecord(resource.object.data))) {
        const path: DocPath = ['data', key];
        if (typeof value !== 'string' || value === '' || reported.has(JSON.stringify(path))) continue;
        const decoded = decodeBase64(value);
        if ((decoded !== undefined && PEM_PRIVATE_KEY.test(decoded)) || KEY_NAME.test(key)) context.report({ resource, path, messageId: 'secretKey', data: { key } });
      }
    }
  },
};

export default rule;
