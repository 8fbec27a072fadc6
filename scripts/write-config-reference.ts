import { writeFileSync } from 'node:fs';
import { renderConfigReference } from '../generator/config/reference.js';
import { packagePath } from '../generator/core/paths.js';

// `npm run docs:config`: regenerates docs/config-reference.md from the schema.
writeFileSync(packagePath('docs', 'config-reference.md'), renderConfigReference());
