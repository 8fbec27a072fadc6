import type { DocPath } from '../generator/diagnostics/types.js';
import { asRecord, isRecord } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';

const PEM_PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;
/** Secret keys that by convention hold a private key: tls.key, ca-key.pem, key.pem, id_rsa. */
const KEY_NAME = /(^|[._-])key(\.pem)?$|^id_(rsa|ecdsa|ed25519)$/i;

/** Access tokens by their published shapes: GitHub (classic and fine-grained), GitLab, Slack. */
const TOKEN = /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,})/;
const TOKEN_KIND: Readonly<Record<string, string>> = { ghp_: 'GitHub', gho_: 'GitHub', ghu_: 'GitHub', ghs_: 'GitHub', ghr_: 'GitHub', github_pat_: 'GitHub', 'glpat-': 'GitLab' };

function tokenKind(token: string): string {
  const prefix = Object.keys(TOKEN_KIND).find((p) => token.startsWith(p));
  return prefix ? TOKEN_KIND[prefix]! : 'Slack';
}

/**
 * Whether any string in the object could hold a PEM key or a token: one native serialisation instead of a walk over
 * every value (the walk made this rule the slowest at 200,000 resources). Values that cannot be serialised are walked.
 */
function mayHoldSecret(object: unknown): boolean {
  try {
    const text = JSON.stringify(object);
    return text.includes('PRIVATE KEY') || TOKEN.test(text);
  } catch {
    return true;
  }
}

function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('latin1');
}

const rule: Rule = {
  meta: {
    id: 'no-private-keys',
    defaultSeverity: 'error',
    description: 'No PEM private key, access token or Secret key field anywhere in the manifests (base64 fields decoded): secrets never go to git.',
    kinds: ['*'],
    docs: 'policies/no-private-keys.md',
    messages: {
      pemInValue: {
        message: 'this value holds a PEM {{label}}PRIVATE KEY',
        hint: 'Keep private keys out of git: create the Secret in the cluster (meshforge certs ... prints the kubectl command), or use a secret manager / sealed secret.',
      },
      tokenInValue: {
        message: 'this value holds a {{kind}} access token',
        hint: 'Revoke the token now (it is readable by everyone with access to the repository), then keep it out of git: a Secret created in the cluster, or a secret manager / sealed secret.',
      },
      encodedKey: {
        message: "{{field}} entry '{{key}}' decodes to {{what}}",
        hint: 'Keep private keys and tokens out of git: create the object in the cluster, or use a secret manager / sealed secret.',
      },
      secretKey: {
        message: "Secret data key '{{key}}' holds private key material",
        hint: 'Remove the key from the committed Secret and create it in the cluster, or use a secret manager / sealed secret.',
      },
    },
  },
  check(context) {
    for (const resource of context.resources()) {
      const reported = new Set<string>();
      // Iterative walk: manifests may be deep, and every string is a candidate. The path is one array trimmed to
      // each entry's depth and copied only for a finding.
      const stack: { value: unknown; depth: number; key: string | number | undefined }[] = mayHoldSecret(resource.object) ? [{ value: resource.object, depth: 0, key: undefined }] : [];
      const path: (string | number)[] = [];
      while (stack.length > 0) {
        const { value, depth, key } = stack.pop()!;
        path.length = depth;
        if (key !== undefined) path[depth - 1] = key;
        if (typeof value === 'string') {
          const match = value.includes('PRIVATE KEY') ? PEM_PRIVATE_KEY.exec(value) : null;
          const token = match ? null : TOKEN.exec(value);
          if (match) {
            const at: DocPath = [...path];
            reported.add(JSON.stringify(at));
            context.report({ resource, path: at, messageId: 'pemInValue', data: { label: match[1] ?? '' } });
          } else if (token) {
            const at: DocPath = [...path];
            reported.add(JSON.stringify(at));
            context.report({ resource, path: at, messageId: 'tokenInValue', data: { kind: tokenKind(token[1]!) } });
          }
        } else if (Array.isArray(value)) {
          value.forEach((item, index) => stack.push({ value: item, depth: depth + 1, key: index }));
        } else if (isRecord(value)) {
          for (const [name, item] of Object.entries(value)) stack.push({ value: item, depth: depth + 1, key: name });
        }
      }
      // Base64 fields (a Secret's data, any binaryData): what they decode to.
      for (const field of resource.kind === 'Secret' ? ['binaryData'] : ['data', 'binaryData']) {
        for (const [key, value] of Object.entries(asRecord(resource.object[field]))) {
          const path: DocPath = [field, key];
          if (typeof value !== 'string' || value === '' || reported.has(JSON.stringify(path))) continue;
          const decoded = decodeBase64(value);
          if (decoded === undefined) continue;
          const what = PEM_PRIVATE_KEY.test(decoded) ? 'a PEM private key' : TOKEN.test(decoded) ? 'an access token' : undefined;
          // A ConfigMap's data is plain text (checked above); only binaryData is base64 there.
          if (what !== undefined && (field === 'binaryData' || resource.kind !== 'ConfigMap')) {
            reported.add(JSON.stringify(path));
            context.report({ resource, path, messageId: 'encodedKey', data: { field, key, what } });
          }
        }
      }
      if (resource.kind !== 'Secret') continue;
      for (const [key, value] of Object.entries(asRecord(resource.object.data))) {
        const path: DocPath = ['data', key];
        if (typeof value !== 'string' || value === '' || reported.has(JSON.stringify(path))) continue;
        const decoded = decodeBase64(value);
        if ((decoded !== undefined && (PEM_PRIVATE_KEY.test(decoded) || TOKEN.test(decoded))) || KEY_NAME.test(key)) context.report({ resource, path, messageId: 'secretKey', data: { key } });
      }
    }
  },
};

export default rule;
