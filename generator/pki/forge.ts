import { createRequire } from 'node:module';
import type Forge from 'node-forge';

const require = createRequire(import.meta.url);
let loaded: typeof Forge | undefined;

/**
 * node-forge, loaded on first use: `check` imports the PKI checks for their rule ids on every run, and most runs have
 * no certificates to read (cold start, issue 19).
 */
export function nodeForge(): typeof Forge {
  return (loaded ??= require('node-forge') as typeof Forge);
}
