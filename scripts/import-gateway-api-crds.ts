import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_SOURCES_DIR, crdSourceFromBundle, GATEWAY_API_KINDS, GATEWAY_API_SOURCE_FILE } from '../generator/validate/derive-crd.js';

/**
 * `npm run schemas:gateway-api -- <bundle.yaml>`: reads the Gateway API kinds meshforge writes out of a CRD bundle
 * (the experimental-install.yaml of the Gateway API release the Istio version requires) into
 * schemas/sources/gateway-api.json. Then `npm run schemas` derives the strict schemas from it. Run from the
 * repository root; needed only when the required bundle changes.
 */
const bundle = process.argv[2];
if (bundle === undefined) {
  process.stderr.write('usage: npm run schemas:gateway-api -- <experimental-install.yaml>\n');
  process.exit(2);
}
const source = crdSourceFromBundle(readFileSync(bundle, 'utf8'), 'gateway.networking.k8s.io', GATEWAY_API_KINDS);
const outDir = join(process.cwd(), CRD_SOURCES_DIR);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, GATEWAY_API_SOURCE_FILE), `${JSON.stringify(source, null, 1)}\n`);
process.stdout.write(`wrote ${CRD_SOURCES_DIR}/${GATEWAY_API_SOURCE_FILE}: ${Object.keys(source.schemas).length} kinds, bundle ${source.bundleVersion} ${source.channel}\n`);
