/**
 * Hostile and broken mesh.config.yaml inputs. Every case must be refused with exit 2 and a diagnostic that names
 * the file and a line, never a crash or a stack trace, and `generate` must write nothing.
 */
export interface HostileCase {
  readonly name: string;
  readonly bytes: () => Buffer;
  /** The diagnostic id expected first; undefined when several are acceptable. */
  readonly rule?: string;
}

const BASE = 'mesh:\n  id: mesh1\nclusters:\n  - { name: c1, network: n1 }\n';
const text = (s: string) => () => Buffer.from(s, 'utf8');
const withService = (fields: string) =>
  text(`${BASE}namespaces: [{ name: ns }]\nservices:\n  - name: web\n    namespace: ns\n    cluster: c1\n    ports: [{ number: 80, protocol: HTTP }]\n${fields}`);
const clusterName = (name: string) => text(`mesh:\n  id: mesh1\nclusters:\n  - name: ${name}\n    network: n1\n`);

export const HOSTILE_CONFIGS: readonly HostileCase[] = [
  // Malformed YAML
  { name: 'unclosed flow sequence', bytes: text('mesh: [1, 2\nclusters: x\n'), rule: 'yaml-syntax' },
  { name: 'unclosed quote', bytes: text('mesh:\n  id: "mesh1\nclusters: []\n'), rule: 'yaml-syntax' },
  { name: 'bad indentation', bytes: text('mesh:\n  id: a\n    x: b\n'), rule: 'yaml-syntax' },
  { name: 'compact nested mapping', bytes: text('mesh: id: a\n'), rule: 'yaml-syntax' },
  { name: 'stray closing bracket', bytes: text('mesh: ]\n'), rule: 'yaml-syntax' },
  { name: 'directive garbage', bytes: text('%YAML 9.9 extra\n---\nmesh: {}\n') },
  { name: 'tab indentation', bytes: text('mesh:\n\tid: a\n'), rule: 'yaml-tab' },
  { name: 'duplicate top-level key', bytes: text(`${BASE}mesh: {}\n`), rule: 'yaml-duplicate-key' },
  { name: 'duplicate nested key', bytes: text('mesh:\n  id: a\n  id: b\nclusters: []\n'), rule: 'yaml-duplicate-key' },
  { name: 'undefined alias', bytes: text('mesh: *nothing\nclusters: []\n'), rule: 'yaml-undefined-alias' },
  {
    name: 'billion laughs alias bomb',
    bytes: text(['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'mesh: *h\n'].join('\n')),
    rule: 'yaml-alias-limit',
  },
  { name: 'several documents', bytes: text(`${BASE}---\n${BASE}`), rule: 'yaml-multiple-documents' },
  { name: 'a list, not a mapping', bytes: text('- mesh\n- clusters\n'), rule: 'config-not-mapping' },
  { name: 'a bare scalar', bytes: text('42\n'), rule: 'config-not-mapping' },
  { name: 'empty file', bytes: text(''), rule: 'config-empty' },
  { name: 'only comments', bytes: text('# nothing here\n'), rule: 'config-empty' },
  { name: 'null document', bytes: text('~\n'), rule: 'config-empty' },
  // Encoding
  { name: 'NUL byte', bytes: () => Buffer.from('mesh:\n  id: a\0b\n'), rule: 'file-binary' },
  { name: 'binary garbage', bytes: () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]), rule: 'file-binary' },
  { name: 'invalid UTF-8 lead byte', bytes: () => Buffer.concat([Buffer.from('mesh:\n  id: '), Buffer.from([0xff]), Buffer.from('\n')]), rule: 'file-encoding' },
  { name: 'truncated UTF-8 sequence', bytes: () => Buffer.concat([Buffer.from('mesh:\n  id: '), Buffer.from([0xe2, 0x82]), Buffer.from('\n')]), rule: 'file-encoding' },
  { name: 'UTF-16 file', bytes: () => Buffer.from('\ufeffmesh:\n', 'utf16le'), rule: 'file-binary' },
  { name: 'BOM then invalid content', bytes: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('- 1\n')]), rule: 'config-not-mapping' },
  // Size and depth
  { name: '50 MB file', bytes: () => Buffer.alloc(50 * 1024 * 1024, 'a'), rule: 'file-too-large' },
  { name: 'deep flow nesting', bytes: text(`mesh: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), rule: 'yaml-too-deep' },
  { name: 'deep block nesting', bytes: text(`mesh:\n${Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} x\n`), rule: 'yaml-too-deep' },
  { name: 'deep mapping nesting in flow', bytes: text(`mesh: ${'{a: '.repeat(100)}1${'}'.repeat(100)}\n`), rule: 'yaml-too-deep' },
  // Numbers and ports
  { name: 'port beyond 2^53', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: 123456789012345678901234567890 }] }]\n`), rule: 'config-out-of-range' },
  { name: 'port 1e400 (infinity)', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: 1e400 }] }]\n`), rule: 'config-type' },
  { name: 'negative port', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: -80 }] }]\n`), rule: 'config-out-of-range' },
  { name: 'port 0', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: 0 }] }]\n`), rule: 'config-out-of-range' },
  { name: 'port 65536', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: 65536 }] }]\n`), rule: 'config-out-of-range' },
  { name: 'fractional port', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: 80.5 }] }]\n`), rule: 'config-type' },
  { name: 'port as hex string', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: [{ number: "0x50" }] }]\n`), rule: 'config-type' },
  { name: 'NaN weight', bytes: withService('routes: [{ name: r, namespace: ns, host: web, http: [{ to: [{ service: web, weight: .nan }] }] }]\n'), rule: 'config-type' },
  { name: 'negative weight', bytes: withService('routes: [{ name: r, namespace: ns, host: web, http: [{ to: [{ service: web, weight: -100 }] }] }]\n'), rule: 'config-out-of-range' },
  { name: 'validity of 10^20 days', bytes: text('mesh:\n  id: m\n  ca: { root: { days: 100000000000000000000 } }\nclusters: [{ name: c1, network: n1 }]\n'), rule: 'config-out-of-range' },
  // Names that would become paths
  { name: 'cluster name ..', bytes: clusterName('".."'), rule: 'config-invalid-value' },
  { name: 'cluster name with slash', bytes: clusterName('a/b'), rule: 'config-invalid-value' },
  { name: 'cluster name absolute path', bytes: clusterName('/etc/passwd'), rule: 'config-invalid-value' },
  { name: 'cluster name with backslash', bytes: clusterName('"a\\\\b"'), rule: 'config-invalid-value' },
  { name: 'cluster name with Cyrillic homoglyph', bytes: clusterName('сluster1'), rule: 'config-invalid-value' },
  { name: 'cluster name with fullwidth letters', bytes: clusterName('ｃｌｕｓｔｅｒ'), rule: 'config-invalid-value' },
  { name: 'cluster name with zero-width space', bytes: clusterName('"clus\u200bter"'), rule: 'config-invalid-value' },
  { name: 'cluster name with newline', bytes: clusterName('"a\\nb"'), rule: 'config-invalid-value' },
  { name: 'cluster name 64 characters', bytes: clusterName('a'.repeat(64)), rule: 'config-invalid-value' },
  { name: 'namespace ../../etc', bytes: text(`${BASE}namespaces: [{ name: ../../etc }]\n`), rule: 'config-invalid-value' },
  { name: 'service name with dot-dot', bytes: text(`${BASE}services: [{ name: "..", namespace: default, cluster: c1, ports: [{ number: 80 }] }]\n`), rule: 'config-invalid-value' },
  // Injection strings in constrained fields
  { name: 'handlebars in a name', bytes: clusterName('"{{constructor}}"'), rule: 'config-invalid-value' },
  { name: 'YAML document marker in a name', bytes: clusterName('"---"'), rule: 'config-invalid-value' },
  { name: 'YAML injection in a host', bytes: text(`${BASE}externalServices: [{ name: x, hosts: ["a.com\\nkind: Secret"], ports: [{ number: 80 }] }]\n`), rule: 'config-invalid-value' },
  { name: 'handlebars in a host', bytes: text(`${BASE}externalServices: [{ name: x, hosts: ["{{> partial}}"], ports: [{ number: 80 }] }]\n`), rule: 'config-invalid-value' },
  { name: 'YAML injection in a header name', bytes: withService('routes: [{ name: r, namespace: ns, host: web, http: [{ match: [{ headers: { "x: y\\n- z": { exact: a } } }], to: [{ service: web }] }] }]\n'), rule: 'config-invalid-value' },
  { name: 'injection in a CIDR', bytes: text('mesh:\n  id: m\n  vipRanges: ["240.0.0.0/16\\n- 0.0.0.0/0"]\nclusters: [{ name: c1, network: n1 }]\n'), rule: 'config-invalid-value' },
  { name: 'injection in a timeout', bytes: withService('routes: [{ name: r, namespace: ns, host: web, http: [{ to: [{ service: web }], timeout: "5s\\nretries: 99" }] }]\n'), rule: 'config-invalid-value' },
  // Wrong types everywhere
  { name: 'mesh is a list', bytes: text('mesh: [a]\nclusters: []\n'), rule: 'config-type' },
  { name: 'clusters is a mapping', bytes: text('mesh: { id: m }\nclusters: { name: c1 }\n'), rule: 'config-type' },
  { name: 'clusters is empty', bytes: text('mesh: { id: m }\nclusters: []\n') },
  { name: 'cluster is a string', bytes: text('mesh: { id: m }\nclusters: [c1]\n'), rule: 'config-type' },
  { name: 'network is a number', bytes: text('mesh: { id: m }\nclusters: [{ name: c1, network: 7 }]\n'), rule: 'config-type' },
  { name: 'injection is a string', bytes: text(`${BASE}namespaces: [{ name: ns, injection: "yes" }]\n`), rule: 'config-type' },
  { name: 'exportTo is a string', bytes: withService('    exportTo: c2\n'), rule: 'config-type' },
  { name: 'ports is null', bytes: text(`${BASE}services: [{ name: a, namespace: default, cluster: c1, ports: null }]\n`), rule: 'config-type' },
  { name: 'labels value is a mapping', bytes: text(`${BASE}namespaces: [{ name: ns, labels: { team: { a: b } } }]\n`), rule: 'config-type' },
  { name: 'boolean as mesh id', bytes: text('mesh: { id: true }\nclusters: [{ name: c1, network: n1 }]\n'), rule: 'config-type' },
  { name: 'policies.severity value unknown', bytes: text(`${BASE}policies: { severity: { unique-vips: fatal } }\n`), rule: 'config-enum' },
  { name: 'gitops engine unknown', bytes: text(`${BASE}gitops: { engine: jenkins, repoURL: x }\n`), rule: 'config-enum' },
];
