import { github } from './github.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

/** Every output format, by name. Add a format by adding its file and one entry here. */
export const FORMATTERS: readonly Formatter[] = [stylish, json, sarif, junit, github];

export function formatNames(): string[] {
  return FORMATTERS.map((f) => f.name);
}

export function findFormatter(name: string): Formatter | undefined {
  return FORMATTERS.find((f) => f.name === name);
}
