import { writeFileSync } from 'node:fs';
import { renderConfigReference } from '../config/reference.js';
import { packagePath } from '../paths.js';

// `npm run docs:config`: regenerates docs/config-reference.md from the schema.
writeFileSync(packagePath('docs', 'config-reference.md'), renderConfigReference());
