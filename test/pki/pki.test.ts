import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertsClient, runCertsInit, runCertsRotate, runCertsSecrets, runCertsVerify } from '../../generator/app/certs.js';
import { issueClientCertificate } from '../../generator/pki/client.js';
import { PkiError } from '../../generator/pki/errors.js';
import { initPki, type PkiWriteOptions } from '../../generator/pki/init.js';
import { buildCertificate } from '../../generator/pki/issue.js';
import { generateRsaKeyPair } from '../../generator/pki/keys.js';
import { pkiLayout } from '../../generator/pki/layout.js';
import { generatedTrees, ingressCredentials } from '../../generator/pki/profile.js';
import { confirmRotation, rotateIntermediate } from '../../generator/pki/rotate.js';
import { collectSecrets, kubectlCommand, renderClusterManifests } from '../../generator/pki/secrets.js';
import { verifyPki } from '../../generator/pki/verify.js';
import { configText, modelOf, openssl, opensslText, publicKeys, read, removeTempDirs, tempDir, write } from './helpers.js';

// 2048-bit CA keys keep this suite fast; the 4096 path is covered by issue.test.ts and cli.test.ts.
const FAST: PkiWriteOptions = { caKeyBits: 2048 };
const DAY = 86_400_000;

function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(read(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function rules(diagnostics: readonly { rule: string; severity: string }[]): string[] {
  return diagnostics.map((d) => `${d.severity}:${d.rule}`).sort();
}

/** A fresh PKI on the two-cluster test mesh (generates keys: use clonePki() where a copy will do). */
async function freshPki(options: PkiWriteOptions = {}, text = configText()) {
  const dir = join(tempDir(), 'pki');
  const model = modelOf(text);
  const result = await initPki(model, dir, { ...FAST, ...options });
  return { dir, model, result, layout: pkiLayout(dir) };
}

afterAll(removeTempDirs);

let template: Awaited<ReturnType<typeof freshPki>>;
let foreign: Awaited<ReturnType<typeof freshPki>>;
beforeAll(async () => {
  [template, foreign] = await Promise.all([freshPki(), freshPki()]);
});

/** A copy of one PKI built once (modes preserved), for tests that change files. */
function clonePki() {
  const dir = join(tempDir(), 'pki');
  cpSync(template.dir, dir, { recursive: true });
  return { dir, model: template.model, layout: pkiLayout(dir) };
}

describe('certs init', () => {
  let pki: typeof template;
  beforeAll(() => {
    pki = template;
  });

  it("writes Istio's layout: the root, and per cluster ca-cert, ca-key, root-cert, cert-chain", () => {
    const { layout, result } = pki;
    for (const cluster of ['east', 'west']) {
      const c = layout.cluster(cluster);
      for (const file of [c.caCert, c.caKey, c.rootCert, c.certChain]) expect(existsSync(file), file).toBe(true);
      expect(read(c.rootCert)).toBe(read(layout.rootCert));
      expect(read(c.certChain)).toBe(read(c.caCert) + read(layout.rootCert));
    }
    expect(result.created).toContain(layout.rootKey);
    expect(result.kept).toEqual([]);
  });

  it('keeps private keys 0600 in 0700 folders', () => {
    const { layout } = pki;
    const mode = (p: string) => statSync(p).mode & 0o777;
    for (const key of [layout.rootKey, layout.cluster('east').caKey, layout.cluster('west').caKey, layout.ingressCaKey, layout.credential('shop-credential').key]) expect(mode(key), key).toBe(0o600);
    for (const dir of [layout.dir, layout.cluster('east').dir, layout.ingressDir, layout.credential('shop-credential').dir]) expect(mode(dir), dir).toBe(0o700);
  });

  it('passes `openssl verify -CAfile root-cert.pem <cluster>/ca-cert.pem` and the cluster chain file', async () => {
    for (const cluster of ['east', 'west']) {
      const c = pki.layout.cluster(cluster);
      const result = await openssl(['verify', '-CAfile', c.rootCert, c.caCert]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain(': OK');
    }
  });

  it("shows the profile fields in `openssl x509 -text`", async () => {
    const text = await opensslText(pki.layout.cluster('west').caCert);
    expect(text).toContain('Subject: O=UTF8STRING:Istio, CN=UTF8STRING:Intermediate CA, L=UTF8STRING:west');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment, Certificate Sign/);
    expect(text).toContain('DNS:istiod.istio-system.svc');
  });

  it('writes keys whose public half (`openssl pkey -pubout`) equals the certificate public key', async () => {
    const { layout } = pki;
    for (const [cert, key] of [
      [layout.rootCert, layout.rootKey],
      [layout.cluster('east').caCert, layout.cluster('east').caKey],
      [layout.credential('shop-credential').cert, layout.credential('shop-credential').key],
    ] as const) {
      const { fromCert, fromKey } = await publicKeys(cert, key);
      expect(fromKey).toBe(fromCert);
    }
  });

  it('issues an ingress CA and one server certificate per credential (SAN = host) in the tls.crt/tls.key/ca.crt layout', async () => {
    const { layout } = pki;
    for (const [credential, host] of [['shop-credential', 'shop.example.com'], ['shop-web-credential', 'www.example.com']] as const) {
      const p = layout.credential(credential);
      const verified = await openssl(['verify', '-CAfile', p.ca, p.cert]);
      expect(verified.exitCode, verified.stderr).toBe(0);
      expect(read(p.ca)).toBe(read(layout.ingressCaCert));
      const text = await opensslText(p.cert);
      expect(text).toContain(`DNS:${host}`);
      expect(text).toContain('TLS Web Server Authentication');
      expect(text).toContain(`Subject: O=UTF8STRING:Test Corp, CN=UTF8STRING:${host}`);
    }
    expect(await opensslText(layout.ingressCaCert)).toContain('Subject: O=UTF8STRING:Test Corp, CN=UTF8STRING:Test Ingress CA');
  });

  it('verifies clean', () => {
    expect(verifyPki(pki.model, pki.dir, { now: new Date() })).toEqual([]);
  });

  it('is idempotent: a second run creates nothing and changes no byte', async () => {
    const before = hashTree(pki.dir);
    const again = await initPki(pki.model, pki.dir, FAST);
    expect(again.created).toEqual([]);
    expect(again.kept.length).toBeGreaterThan(10);
    expect(hashTree(pki.dir)).toEqual(before);
  });

  it('adds a new cluster under the same root, leaving the others untouched', async () => {
    const { dir, layout } = clonePki();
    const before = hashTree(dir);
    const bigger = modelOf(configText({ clusters: ['east', 'west', 'north'] }));
    const result = await initPki(bigger, dir, FAST);
    expect(result.created.sort()).toEqual([layout.cluster('north').caCert, layout.cluster('north').caKey, layout.cluster('north').rootCert, layout.cluster('north').certChain].sort());
    const after = hashTree(dir);
    for (const [file, hash] of Object.entries(before)) expect(after[file], file).toBe(hash);
    const verified = await openssl(['verify', '-CAfile', layout.rootCert, layout.cluster('north').caCert]);
    expect(verified.exitCode).toBe(0);
    expect(read(layout.cluster('north').rootCert)).toBe(read(layout.cluster('east').rootCert));
    expect(verifyPki(bigger, dir, { now: new Date() })).toEqual([]);
  });

  it('refuses to mint a new root when intermediates exist without one', async () => {
    const { dir, model, layout } = clonePki();
    rmSync(layout.rootCert);
    rmSync(layout.rootKey);
    await expect(initPki(model, dir, FAST)).rejects.toMatchObject({ kind: 'invalid-input', message: expect.stringMatching(/root-cert.pem is missing but cluster intermediates exist/) });
  });
});

describe('certs verify', () => {
  it('reports a cluster whose root-cert.pem was replaced (pki-root-mismatch)', async () => {
    const { dir, model, layout } = clonePki();
    copyFileSync(foreign.layout.rootCert, layout.cluster('west').rootCert);
    const found = verifyPki(model, dir, { now: new Date() });
    expect(rules(found)).toEqual(['error:pki-root-mismatch']);
    expect(found[0]!.location).toEqual({ file: layout.cluster('west').rootCert });
    expect(found[0]!.cluster).toBe('west');
  });

  it('reports an intermediate from another root (pki-chain) and a chain file that is wrong', async () => {
    const { dir, model, layout } = clonePki();
    for (const file of ['caCert', 'caKey'] as const) copyFileSync(foreign.layout.cluster('east')[file], layout.cluster('east')[file]);
    const found = verifyPki(model, dir, { now: new Date() });
    expect(rules(found)).toEqual(['error:pki-chain', 'error:pki-chain']);
    expect(found.map((d) => d.location?.file).sort()).toEqual([layout.cluster('east').caCert, layout.cluster('east').certChain].sort());
    const opensslSays = await openssl(['verify', '-CAfile', layout.rootCert, layout.cluster('east').caCert]);
    expect(opensslSays.exitCode).not.toBe(0);
  });

  it('reports a key that does not match its certificate (pki-key-mismatch)', async () => {
    const { dir, model, layout } = clonePki();
    copyFileSync(layout.cluster('west').caKey, layout.cluster('east').caKey);
    const found = verifyPki(model, dir, { now: new Date() });
    expect(rules(found)).toEqual(['error:pki-key-mismatch']);
    expect(found[0]!.location?.file).toBe(layout.cluster('east').caKey);
  });

  it('reports a wrong profile: no pathlen, no SAN, no CA flag (pki-profile)', async () => {
    const { dir, model, layout } = clonePki();
    const rootKey = read(layout.rootKey);
    const key = await generateRsaKeyPair(2048);
    // A leaf certificate where the intermediate should be: signed by the right root, wrong profile.
    const wrong = buildCertificate({ kind: 'client', subject: { org: 'Istio', cn: 'Intermediate CA', locality: 'east' }, publicKeyPem: key.publicKeyPem, issuer: { subject: { org: 'Istio', cn: 'Root CA' }, privateKeyPem: rootKey, subjectKeyIdHex: (await import('../../generator/pki/issue.js')).subjectKeyIdHex(read(layout.rootCert)) }, now: new Date(), days: 365 });
    write(layout.cluster('east').caCert, wrong);
    write(layout.cluster('east').caKey, key.privateKeyPem);
    write(layout.cluster('east').certChain, wrong + read(layout.rootCert));
    const found = verifyPki(model, dir, { now: new Date() }).filter((d) => d.rule === 'pki-profile');
    const messages = found.map((d) => d.message).join('\n');
    expect(messages).toMatch(/not a CA/);
    expect(messages).toMatch(/pathlen:0, found no pathlen/);
    expect(messages).toMatch(/lack DNS:istiod.istio-system.svc/);
    expect(messages).toMatch(/keyCertSign/);
    expect(found.every((d) => d.severity === 'error')).toBe(true);
  });

  it('warns when a certificate expires within the warning window and errors once it has expired', async () => {
    const issued = new Date(Date.now() - 5 * DAY);
    const { dir, model, layout } = await freshPki({ now: issued }, configText({ intermediateDays: 20 }));
    const soon = verifyPki(model, dir, { now: new Date() });
    expect(rules(soon)).toEqual(['warning:pki-expiring', 'warning:pki-expiring']);
    expect(soon.map((d) => d.location?.file).sort()).toEqual([layout.cluster('east').caCert, layout.cluster('west').caCert]);
    expect(soon[0]!.message).toMatch(/expires in 1[45] days/);
    // Outside a 10-day window: clean.
    expect(verifyPki(model, dir, { now: new Date(), warningDays: 10 })).toEqual([]);
    const later = verifyPki(model, dir, { now: new Date(Date.now() + 30 * DAY) });
    expect(rules(later)).toEqual(['error:pki-expired', 'error:pki-expired']);
    const muchLater = verifyPki(model, dir, { now: new Date(Date.now() + 400 * DAY) });
    expect(rules(muchLater).filter((r) => r === 'error:pki-expired')).toHaveLength(5); // intermediates, ingress CA, 2 server certs
  });

  it('takes the warning window from mesh.ca.expiryWarningDays', async () => {
    const { dir, layout } = await freshPki({ now: new Date(Date.now() - 5 * DAY) }, configText({ intermediateDays: 20 }));
    const model = modelOf(configText({ intermediateDays: 20, warningDays: 7 }));
    expect(verifyPki(model, dir, { now: new Date() })).toEqual([]);
    expect(rules(verifyPki(model, dir, { now: new Date(Date.now() + 10 * DAY) }))).toEqual(['warning:pki-expiring', 'warning:pki-expiring']);
    expect(layout.dir).toBe(dir);
  });

  it('reports missing clusters and credentials (pki-missing) and loose key permissions', async () => {
    const { dir, layout } = clonePki();
    const bigger = modelOf(configText({ clusters: ['east', 'west', 'north'] }));
    const { chmodSync } = await import('node:fs');
    chmodSync(layout.cluster('east').caKey, 0o644);
    const found = verifyPki(bigger, dir, { now: new Date() });
    expect(rules(found)).toEqual(['error:pki-missing', 'warning:pki-key-permissions']);
    // Located at the cluster's entry in the config (#18), naming the folder in the message.
    const missing = found.find((d) => d.rule === 'pki-missing')!;
    expect(missing.location).toEqual({ file: bigger.configFile, path: ['clusters', 2, 'name'], target: 'value' });
    expect(missing.message).toBe(`cluster north has no intermediate CA folder (${layout.cluster('north').dir})`);
  });
});

describe('certs rotate', () => {
  it('re-issues the intermediate under the same root and keeps the previous one until confirmed', async () => {
    const { dir, model, layout } = clonePki();
    const east = layout.cluster('east');
    const oldCert = read(east.caCert);
    const westBefore = hashTree(layout.cluster('west').dir);
    const rotated = await rotateIntermediate(model, dir, 'east', FAST);
    expect(rotated.previousDir).toBe(east.previousDir);
    expect(read(east.caCert)).not.toBe(oldCert);
    expect(read(join(east.previousDir, 'ca-cert.pem'))).toBe(oldCert);
    expect(existsSync(join(east.previousDir, 'ca-key.pem'))).toBe(true);
    expect(statSync(join(east.previousDir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(hashTree(layout.cluster('west').dir)).toEqual(westBefore);
    const verified = await openssl(['verify', '-CAfile', east.rootCert, east.caCert]);
    expect(verified.exitCode).toBe(0);
    const { fromCert, fromKey } = await publicKeys(east.caCert, east.caKey);
    expect(fromKey).toBe(fromCert);
    expect(rules(verifyPki(model, dir, { now: new Date() }))).toEqual(['info:pki-rotation-pending']);

    await expect(rotateIntermediate(model, dir, 'east', FAST)).rejects.toMatchObject({ kind: 'invalid-input', message: expect.stringMatching(/waiting for confirmation/) });
    expect(confirmRotation(model, dir, 'east')).toBe(east.previousDir);
    expect(existsSync(east.previousDir)).toBe(false);
    expect(verifyPki(model, dir, { now: new Date() })).toEqual([]);
    expect(() => confirmRotation(model, dir, 'east')).toThrow(/no rotation of east/);
  });

  it('refuses an unknown cluster and a cluster without an intermediate', async () => {
    const { dir, model } = clonePki();
    await expect(rotateIntermediate(model, dir, 'nowhere', FAST)).rejects.toThrow(/unknown cluster 'nowhere'/);
    const bigger = modelOf(configText({ clusters: ['east', 'west', 'north'] }));
    await expect(rotateIntermediate(bigger, dir, 'north', FAST)).rejects.toThrow(/has no intermediate/);
  });
});

describe('certs client', () => {
  it('issues a client certificate signed by the ingress CA, and keeps it on a re-run', async () => {
    const { dir, model, layout } = clonePki();
    const result = await issueClientCertificate(model, dir, 'client.example.com', { days: 60 });
    const p = layout.client('client.example.com');
    expect(result.created).toEqual([p.cert, p.key, p.ca]);
    const verified = await openssl(['verify', '-CAfile', layout.ingressCaCert, p.cert]);
    expect(verified.exitCode, verified.stderr).toBe(0);
    const text = await opensslText(p.cert);
    expect(text).toContain('TLS Web Client Authentication');
    expect(text).toContain('CN=UTF8STRING:client.example.com');
    expect(statSync(p.key).mode & 0o777).toBe(0o600);
    const again = await issueClientCertificate(model, dir, 'client.example.com');
    expect(again.created).toEqual([]);
    expect(verifyPki(model, dir, { now: new Date() })).toEqual([]);
    expect(rules(verifyPki(model, dir, { now: new Date(Date.now() + 61 * DAY), warningDays: 0 }))).toEqual(['error:pki-expired']);
  });

  it('refuses names that cannot be a folder or CN', async () => {
    const { dir, model } = clonePki();
    await expect(issueClientCertificate(model, dir, '../evil')).rejects.toBeInstanceOf(PkiError);
    await expect(issueClientCertificate(model, dir, 'Upper Case')).rejects.toThrow(/not a valid client name/);
  });
});

describe('key locations', () => {
  it('refuses to write keys inside the generated tree, and writes nothing', async () => {
    const project = tempDir();
    const model = modelOf(configText(), join(project, 'mesh.config.yaml'));
    const trees = generatedTrees(model, project);
    expect(trees).toEqual([join(project, 'clusters')]);
    const dir = join(project, 'clusters', 'pki');
    await expect(initPki(model, dir, { ...FAST, generatedTrees: trees })).rejects.toMatchObject({ kind: 'invalid-input', message: expect.stringMatching(/inside the generated tree/) });
    expect(existsSync(dir)).toBe(false);
  });

  it('in a git repository: refuses git-visible and git-tracked paths, accepts ignored ones', async () => {
    const repo = tempDir('mf-pki-git-');
    const git = (...args: string[]) => execa('git', args, { cwd: repo });
    await git('init', '-q');
    await git('config', 'user.email', 'test@example.com');
    await git('config', 'user.name', 'test');
    const model = modelOf(configText(), join(repo, 'mesh.config.yaml'));
    const options = { ...FAST, generatedTrees: generatedTrees(model, repo) };

    // Not ignored: git status would list the keys.
    await expect(initPki(model, join(repo, 'pki'), options)).rejects.toMatchObject({ kind: 'invalid-input', message: expect.stringMatching(/not ignored: git status would show it/) });
    expect(existsSync(join(repo, 'pki'))).toBe(false);

    // Tracked: even an ignore rule does not help once git tracks the file.
    mkdirSync(join(repo, 'secrets'));
    writeFileSync(join(repo, 'secrets', 'root-key.pem'), 'placeholder');
    await git('add', 'secrets/root-key.pem');
    await git('commit', '-q', '-m', 'oops');
    writeFileSync(join(repo, '.gitignore'), 'secrets/\n.meshforge/\n');
    await expect(initPki(model, join(repo, 'secrets'), options)).rejects.toThrow(/root-key.pem is tracked by git/);

    // Ignored and untracked: fine, and git status shows no key material afterwards.
    await initPki(model, join(repo, '.meshforge', 'pki'), options);
    const status = await git('status', '--porcelain', '--untracked-files=all');
    expect(status.stdout).not.toMatch(/\.pem|\.key|\.crt/);
    expect(status.stdout).toContain('.gitignore');
  });

  it('reports an unwritable PKI folder as an environment failure', async () => {
    const base = tempDir();
    writeFileSync(join(base, 'not-a-dir'), 'x');
    await expect(initPki(modelOf(configText()), join(base, 'not-a-dir', 'pki'), FAST)).rejects.toMatchObject({ kind: 'environment' });
  });
});

describe('certs secrets', () => {
  let pki: typeof template;
  beforeAll(() => {
    pki = template;
  });

  it('plans cacerts per cluster and ingress credentials only where the host is served', () => {
    const credentials = ingressCredentials(pki.model);
    expect(credentials.map((c) => [c.credentialName, c.mode, c.hosts, c.targets])).toEqual([
      ['shop-credential', 'MUTUAL', ['shop.example.com'], [{ cluster: 'east', namespace: 'istio-system' }]],
      ['shop-web-credential', 'SIMPLE', ['www.example.com'], [{ cluster: 'east', namespace: 'istio-system' }]],
    ]);
    const clusters = collectSecrets(pki.model, pki.dir);
    expect(clusters.map((c) => [c.cluster, c.secrets.map((s) => `${s.namespace}/${s.name}:${s.type}:${s.files.map((f) => f.key).join(',')}`)])).toEqual([
      ['east', ['istio-system/cacerts:Opaque:ca-cert.pem,ca-key.pem,root-cert.pem,cert-chain.pem', 'istio-system/shop-credential:Opaque:tls.crt,tls.key,ca.crt', 'istio-system/shop-web-credential:kubernetes.io/tls:tls.crt,tls.key']],
      ['west', ['istio-system/cacerts:Opaque:ca-cert.pem,ca-key.pem,root-cert.pem,cert-chain.pem']],
    ]);
  });

  it('renders manifests whose data decode to the PKI files', () => {
    const [east] = collectSecrets(pki.model, pki.dir, 'east');
    const docs = parseAllDocuments(renderClusterManifests(east!)).map((d) => d.toJS() as { metadata: { name: string }; data: Record<string, string> });
    const cacerts = docs.find((d) => d.metadata.name === 'cacerts')!;
    expect(Buffer.from(cacerts.data['ca-key.pem']!, 'base64').toString()).toBe(read(pki.layout.cluster('east').caKey));
    expect(Buffer.from(cacerts.data['cert-chain.pem']!, 'base64').toString()).toBe(read(pki.layout.cluster('east').certChain));
  });

  it('prints kubectl commands that create exactly the Secrets of the manifests (real kubectl, --dry-run=client)', async () => {
    const kubectl = await execa('kubectl', ['version', '--client'], { reject: false });
    if (kubectl.exitCode !== 0) {
      // No kubectl on this machine: the manifest test above still checks the content.
      return;
    }
    const [east] = collectSecrets(pki.model, pki.dir, 'east');
    for (const secret of east!.secrets) {
      const command = kubectlCommand(secret).split(' ').filter((w) => !w.startsWith('--context='));
      expect(command[0]).toBe('kubectl');
      const out = await execa('kubectl', [...command.slice(1), '--dry-run=client', '-o', 'json']);
      const created = JSON.parse(out.stdout) as { type: string; data: Record<string, string>; metadata: { name: string; namespace: string } };
      expect(created.metadata).toMatchObject({ name: secret.name, namespace: secret.namespace });
      // kubectl leaves `type` out for generic Secrets: the API server defaults it to Opaque.
      expect(created.type ?? 'Opaque').toBe(secret.type);
      expect(created.data).toEqual(Object.fromEntries(secret.files.map((f) => [f.key, Buffer.from(f.content).toString('base64')])));
    }
  });

  it('refuses when certs init has not run', () => {
    const empty = join(tempDir(), 'pki');
    expect(() => collectSecrets(pki.model, empty)).toThrow(/does not exist/);
  });
});

describe('the certs services (app/certs.ts), in-process', () => {
  /** A project folder away from the test runner's working folder: every path must resolve from the context's cwd. */
  function project() {
    const cwd = tempDir('mf-pki-app-');
    write(join(cwd, 'mesh.config.yaml'), configText());
    cpSync(template.dir, join(cwd, 'pki'), { recursive: true });
    return { cwd, context: { cwd, env: process.env } };
  }

  it('verify reads the folder from the caller and names files as the caller reads them', async () => {
    const { cwd, context } = project();
    const clean = await runCertsVerify({ pkiDir: 'pki' }, context);
    expect(clean).toMatchObject({ status: 'ok', pkiDir: join(cwd, 'pki'), statusText: 'PKI pki is valid: one root, 2 cluster intermediates\n' });
    copyFileSync(foreign.layout.rootCert, join(cwd, 'pki', 'west', 'root-cert.pem'));
    const broken = await runCertsVerify({ pkiDir: 'pki' }, context);
    expect(broken.status).toBe('findings');
    expect(broken.report?.diagnostics.map((d) => [d.rule, d.file])).toEqual([['pki-root-mismatch', 'pki/west/root-cert.pem']]);
    expect(broken.report?.diagnostics[0]!.hint).toContain('Copy pki/root-cert.pem over it');
    await expect(runCertsVerify({ pkiDir: 'nowhere' }, context)).rejects.toMatchObject({ kind: 'invalid-input', message: 'there is no PKI folder at nowhere' });
  });

  it('an invalid config ends with its report (positions relative to the caller) and writes nothing', async () => {
    const { cwd, context } = project();
    write(join(cwd, 'bad.yaml'), 'apiVersion: meshforge.io/v1alpha1\nmesh: { id: 1 }\n');
    const result = await runCertsInit({ configFile: 'bad.yaml', pkiDir: 'fresh' }, context);
    expect(result.status).toBe('invalid-input');
    expect('configProblem' in result && result.configProblem.message).toBe('bad.yaml is not valid; nothing was written');
    expect(result.report?.diagnostics.length).toBeGreaterThan(0);
    expect(result.report?.diagnostics.every((d) => d.file === 'bad.yaml')).toBe(true);
    expect(existsSync(join(cwd, 'fresh'))).toBe(false);
  });

  it('client, secrets --out and rotate write under the caller folder and say so relative to it', async () => {
    const { cwd, context } = project();
    const client = await runCertsClient({ pkiDir: 'pki', name: 'app.example.com', days: 30 }, context);
    expect(client).toMatchObject({ status: 'ok', created: [join(cwd, 'pki/ingress/clients/app.example.com/tls.crt'), join(cwd, 'pki/ingress/clients/app.example.com/tls.key'), join(cwd, 'pki/ingress/clients/app.example.com/ca.crt')] });
    expect(client.statusText).toBe('client app.example.com issued:\n  created pki/ingress/clients/app.example.com/tls.crt\n  created pki/ingress/clients/app.example.com/tls.key\n  created pki/ingress/clients/app.example.com/ca.crt\n');
    expect((await openssl(['verify', '-CAfile', join(cwd, 'pki/ingress/ca.crt'), join(cwd, 'pki/ingress/clients/app.example.com/tls.crt')])).exitCode).toBe(0);

    const secrets = await runCertsSecrets({ pkiDir: 'pki', cluster: 'west', out: 'delivery' }, context);
    expect(secrets.status).toBe('ok');
    expect('written' in secrets && secrets.written).toEqual([join(cwd, 'delivery/west/secrets.yaml'), join(cwd, 'delivery/west/create-secrets.sh')]);
    expect(statSync(join(cwd, 'delivery/west/secrets.yaml')).mode & 0o777).toBe(0o600);
    expect(read(join(cwd, 'delivery/west/create-secrets.sh'))).toContain('--from-file=ca-key.pem=pki/west/ca-key.pem');

    const rotated = await runCertsRotate({ pkiDir: 'pki', cluster: 'east', caKeyBits: 2048 }, context);
    expect(rotated).toMatchObject({ status: 'ok', action: 'rotated', previousDir: join(cwd, 'pki/east/previous') });
    expect(rotated.statusText).toContain('the previous one is kept in pki/east/previous\n');
    expect(rotated.statusText).toContain('meshforge certs secrets --cluster east --pki pki | kubectl');
    const confirmed = await runCertsRotate({ pkiDir: 'pki', cluster: 'east', confirm: true }, context);
    expect(confirmed).toMatchObject({ status: 'ok', action: 'confirmed', statusText: 'rotation of east confirmed: removed pki/east/previous\n' });
    expect(existsSync(join(cwd, 'pki/east/previous'))).toBe(false);
  });
});
