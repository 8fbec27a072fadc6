import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfigString } from '../../generator/model/load.js';
import type { MeshModel } from '../../generator/model/types.js';

/** A small two-cluster mesh with one MUTUAL and one SIMPLE ingress host: few keys, so tests stay fast. */
export function configText(options: { clusters?: readonly string[]; intermediateDays?: number; warningDays?: number; pkiDir?: string } = {}): string {
  const clusters = options.clusters ?? ['east', 'west'];
  return [
    'apiVersion: meshforge.io/v1alpha1',
    'mesh:',
    '  id: mesh1',
    '  istio: { version: 1.29.0 }',
    '  ca:',
    '    root: { org: Istio, cn: Root CA, days: 3650 }',
    `    intermediate: { org: Istio, cn: Intermediate CA, days: ${options.intermediateDays ?? 3650} }`,
    '    ingress: { org: Test Corp, cn: Test Ingress CA, days: 365 }',
    ...(options.warningDays !== undefined ? [`    expiryWarningDays: ${options.warningDays}`] : []),
    ...(options.pkiDir !== undefined ? [`    pkiDir: ${options.pkiDir}`] : []),
    'clusters:',
    ...clusters.flatMap((name, i) => [`  - name: ${name}`, `    network: net${i + 1}`, '    install: { method: helm }', `    ingressGateway: { address: 10.0.0.${i + 1} }`]),
    'namespaces:',
    '  - { name: web, injection: true }',
    'services:',
    '  - name: shop',
    '    namespace: web',
    `    clusters: [${clusters[0]}]`,
    '    ports: [{ number: 8080, name: http, protocol: HTTP }]',
    'ingress:',
    '  - name: shop-mtls',
    '    host: shop.example.com',
    '    tls: { mode: MUTUAL, credentialName: shop-credential }',
    '    to: { service: web/shop, port: 8080 }',
    '  - name: shop-web',
    '    host: www.example.com',
    '    tls: { mode: SIMPLE }',
    '    to: { service: web/shop, port: 8080 }',
    '',
  ].join('\n');
}

export function modelOf(text: string, file = 'mesh.config.yaml'): MeshModel {
  const loaded = loadConfigString(text, file);
  if (!loaded.ok) throw new Error(`test config invalid: ${JSON.stringify(loaded.diagnostics, null, 1)}`);
  return loaded.value.model;
}

const created: string[] = [];

/** A new temporary folder, removed by removeTempDirs() (each test file calls it in afterAll). */
export function tempDir(prefix = 'mf-pki-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder tempDir() made. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs the real openssl binary. */
export async function openssl(args: readonly string[], options: { input?: string } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('openssl', [...args], { reject: false, ...(options.input !== undefined ? { input: options.input } : {}) });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export async function opensslText(certPath: string): Promise<string> {
  const result = await openssl(['x509', '-in', certPath, '-noout', '-text', '-nameopt', 'sep_comma_plus_space,show_type,sname']);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return result.stdout;
}

/** The public key of a certificate and of a private key, as openssl prints them: equal when they belong together. */
export async function publicKeys(certPath: string, keyPath: string): Promise<{ fromCert: string; fromKey: string }> {
  const fromCert = await openssl(['x509', '-in', certPath, '-noout', '-pubkey']);
  const fromKey = await openssl(['pkey', '-in', keyPath, '-pubout']);
  if (fromCert.exitCode !== 0 || fromKey.exitCode !== 0) throw new Error(fromCert.stderr + fromKey.stderr);
  return { fromCert: fromCert.stdout, fromKey: fromKey.stdout };
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

export function write(path: string, text: string): void {
  writeFileSync(path, text);
}
