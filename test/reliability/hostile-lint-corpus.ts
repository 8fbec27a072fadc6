/**
 * Hostile and broken inputs for `meshforge lint` (Kubernetes/Istio manifests). Every case must be refused with exit 2
 * and a diagnostic naming the file and a line: never a crash, never a stack trace, never a finding on a half-read file.
 */
export interface HostileManifest {
  readonly name: string;
  /** The file's bytes; `sparseBytes` instead for files too large to build in memory. */
  readonly bytes?: () => Buffer;
  /** A file of this many bytes, made sparse (size checks must refuse it before reading). */
  readonly sparseBytes?: number;
  /** The diagnostic id expected among the errors. */
  readonly rule: string;
}

const text = (s: string) => () => Buffer.from(s, 'utf8');
/** A valid VirtualService with one field replaced. */
const vs = (metadata: string, head = 'apiVersion: networking.istio.io/v1\nkind: VirtualService') => text(`${head}\nmetadata:\n${metadata}\nspec:\n  hosts: [reviews]\n`);
const named = (name: string) => vs(`  name: ${name}\n  namespace: default`);
const OK_DOC = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: default\ndata: { a: b }\n';

function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(',')}]`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export const HOSTILE_MANIFESTS: readonly HostileManifest[] = [
  // Malformed YAML
  { name: 'unclosed flow mapping', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a\n'), rule: 'yaml-syntax' },
  { name: 'unclosed quote', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "a\n'), rule: 'yaml-syntax' },
  { name: 'bad indentation', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n    namespace: b\n'), rule: 'yaml-syntax' },
  { name: 'stray closing bracket', bytes: text('apiVersion: v1\nkind: ]\n'), rule: 'yaml-syntax' },
  { name: 'compact nested mapping', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata: name: a\n'), rule: 'yaml-syntax' },
  { name: 'broken second document', bytes: text(`${OK_DOC}---\nkind: [\n`), rule: 'yaml-syntax' },
  { name: 'tab indentation', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n'), rule: 'yaml-tab' },
  { name: 'duplicate kind', bytes: text('apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: { name: a }\n'), rule: 'yaml-duplicate-key' },
  { name: 'duplicate metadata.name', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n'), rule: 'yaml-duplicate-key' },
  { name: 'undefined alias', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata: *meta\n'), rule: 'yaml-undefined-alias' },
  { name: 'billion laughs alias bomb', bytes: text(aliasBomb(10, 10)), rule: 'yaml-alias-limit' },
  { name: 'alias bomb in a later document', bytes: text(`${OK_DOC}---\n${aliasBomb(8, 12)}`), rule: 'yaml-alias-limit' },
  // Encoding
  { name: 'NUL byte', bytes: () => Buffer.from('apiVersion: v1\nkind: ConfigMap\0\n'), rule: 'file-binary' },
  { name: 'binary garbage (ELF header)', bytes: () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]), rule: 'file-binary' },
  { name: 'invalid UTF-8 lead byte', bytes: () => Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: '), Buffer.from([0xff]), Buffer.from(' }\n')]), rule: 'file-encoding' },
  { name: 'truncated UTF-8 sequence', bytes: () => Buffer.concat([Buffer.from('apiVersion: v1\nkind: '), Buffer.from([0xe2, 0x82]), Buffer.from('\n')]), rule: 'file-encoding' },
  { name: 'overlong UTF-8 encoding of /', bytes: () => Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a'), Buffer.from([0xc0, 0xaf]), Buffer.from(' }\n')]), rule: 'file-encoding' },
  { name: 'UTF-16 file', bytes: () => Buffer.from('\ufeffapiVersion: v1\nkind: ConfigMap\n', 'utf16le'), rule: 'file-binary' },
  { name: 'BOM then a list', bytes: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('- apiVersion: v1\n- kind: ConfigMap\n')]), rule: 'manifest-not-object' },
  // Size and depth
  { name: 'file over the 64 MiB limit', sparseBytes: 65 * 1024 * 1024, rule: 'file-too-large' },
  { name: 'deep flow nesting', bytes: text(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), rule: 'yaml-too-deep' },
  { name: 'deep block nesting', bytes: text(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata:\n${Array.from({ length: 140 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x\n`), rule: 'yaml-too-deep' },
  { name: 'deep mapping nesting in flow', bytes: text(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\nspec: ${'{a: '.repeat(200)}1${'}'.repeat(200)}\n`), rule: 'yaml-too-deep' },
  // Documents that are not Kubernetes objects
  { name: 'a list document', bytes: text('- a\n- b\n'), rule: 'manifest-not-object' },
  { name: 'a bare scalar', bytes: text('42\n'), rule: 'manifest-not-object' },
  { name: 'a string in the second document', bytes: text(`${OK_DOC}---\njust text\n`), rule: 'manifest-not-object' },
  { name: 'missing apiVersion', bytes: text('kind: ConfigMap\nmetadata: { name: a }\n'), rule: 'manifest-missing-kind' },
  { name: 'missing kind', bytes: text('apiVersion: v1\nmetadata: { name: a }\n'), rule: 'manifest-missing-kind' },
  { name: 'missing metadata.name', bytes: text('apiVersion: v1\nkind: ConfigMap\nmetadata: { namespace: default }\n'), rule: 'manifest-missing-name' },
  // Wrong types
  { name: 'kind is a number', bytes: text('apiVersion: v1\nkind: 42\nmetadata: { name: a }\n'), rule: 'manifest-invalid-kind' },
  { name: 'kind is a list', bytes: text('apiVersion: v1\nkind: [ConfigMap]\nmetadata: { name: a }\n'), rule: 'manifest-invalid-kind' },
  { name: 'apiVersion is a mapping', bytes: text('apiVersion: { group: v1 }\nkind: ConfigMap\nmetadata: { name: a }\n'), rule: 'manifest-invalid-kind' },
  { name: 'apiVersion is a float', bytes: text('apiVersion: 1.0\nkind: ConfigMap\nmetadata: { name: a }\n'), rule: 'manifest-invalid-kind' },
  { name: 'metadata.name is a number', bytes: vs('  name: 12345'), rule: 'manifest-invalid-name' },
  { name: 'metadata.namespace is a boolean', bytes: vs('  name: a\n  namespace: true'), rule: 'manifest-invalid-name' },
  // Names that would become paths, or look like other names
  { name: 'name ..', bytes: named('".."'), rule: 'manifest-invalid-name' },
  { name: 'name with a path', bytes: named('../../etc/passwd'), rule: 'manifest-invalid-name' },
  { name: 'name is an absolute path', bytes: named('/etc/passwd'), rule: 'manifest-invalid-name' },
  { name: 'name with percent-encoded dots', bytes: named('"%2e%2e"'), rule: 'manifest-invalid-name' },
  { name: 'name with Cyrillic homoglyph', bytes: named('rеviews'), rule: 'manifest-invalid-name' },
  { name: 'name with fullwidth letters', bytes: named('ｒｅｖｉｅｗｓ'), rule: 'manifest-invalid-name' },
  { name: 'name with zero-width space', bytes: named('"re\\u200bviews"'), rule: 'manifest-invalid-name' },
  { name: 'name with a line break', bytes: named('"a\\nb"'), rule: 'manifest-invalid-name' },
  { name: 'name of 254 characters', bytes: named('a'.repeat(254)), rule: 'manifest-invalid-name' },
  { name: 'namespace ../kube-system', bytes: vs('  name: a\n  namespace: ../kube-system'), rule: 'manifest-invalid-name' },
  { name: 'namespace in capitals', bytes: vs('  name: a\n  namespace: Kube-System'), rule: 'manifest-invalid-name' },
  { name: 'invalid name inside a List', bytes: text('apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: "../x" }\n'), rule: 'manifest-invalid-name' },
  // Injection strings
  { name: 'handlebars in a name', bytes: named('"{{constructor}}"'), rule: 'manifest-invalid-name' },
  { name: 'YAML injection in kind', bytes: text('apiVersion: v1\nkind: "ConfigMap\\nkind: Secret"\nmetadata: { name: a }\n'), rule: 'manifest-invalid-kind' },
  { name: 'document marker injected in apiVersion', bytes: text('apiVersion: "v1\\n---\\nkind: Secret"\nkind: ConfigMap\nmetadata: { name: a }\n'), rule: 'manifest-invalid-kind' },
  { name: 'shell injection in a name', bytes: named('"a; rm -rf /"'), rule: 'manifest-invalid-name' },
  { name: 'ANSI escape in a name', bytes: named('"\\e[31mred"'), rule: 'manifest-invalid-name' },
];
