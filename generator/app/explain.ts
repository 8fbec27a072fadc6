import { readFileSync } from 'node:fs';
import { CATALOGUE, CATALOGUE_IDS, type CatalogueId, type DiagnosticStage } from '../diagnostics/catalogue.js';
import type { PolicyRuleId } from '../diagnostics/policy-rules.js';
import type { Severity } from '../diagnostics/types.js';
import { nearest } from '../config/suggest.js';
import { environmentError, usageError } from '../core/errors.js';
import { packagePath } from '../core/paths.js';
import { RULES } from '../../policies/index.js';
import type { AppContext } from './context.js';
import type { ServiceResult } from './result.js';

/** One id `meshforge explain` knows: a policy rule (meta in policies/) or a catalogue entry. */
export interface ExplainEntry {
  readonly id: PolicyRuleId | CatalogueId;
  readonly defaultSeverity: Severity;
  readonly description: string;
  /** The page, relative to the package root. */
  readonly docs: string;
  /** 'policy' for policy rules; otherwise the stage that emits it. */
  readonly source: 'policy' | DiagnosticStage;
  readonly retired?: string;
}

export interface ExplainOptions {
  /** The id to explain; without it, every id is listed. */
  readonly id?: string;
}

export interface ExplainResult extends ServiceResult {
  /** The listing (no id) or the one entry explained. */
  readonly entries: readonly ExplainEntry[];
  /** The page's text, when an id was given. */
  readonly page?: string;
}

/** Every id meshforge can print, policy rules first (in registry order), then the catalogue. */
export function explainEntries(): ExplainEntry[] {
  return [
    ...RULES.map((r): ExplainEntry => ({ id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, description: r.meta.description, docs: r.meta.docs, source: 'policy' })),
    ...CATALOGUE_IDS.map((id): ExplainEntry => {
      const entry = CATALOGUE[id];
      return { id, defaultSeverity: entry.defaultSeverity, description: entry.description, docs: entry.docs, source: entry.stage, ...('retired' in entry ? { retired: entry.retired as string } : {}) };
    }),
  ];
}

/** `meshforge explain [id]`: a page per diagnostic id, or the list of them all. */
export async function runExplain(options: ExplainOptions, _context: AppContext): Promise<ExplainResult> {
  const all = explainEntries();
  if (options.id === undefined) {
    const width = Math.max(...all.map((e) => e.id.length));
    const lines = all.map((e) => `${e.id.padEnd(width)}  ${e.defaultSeverity.padEnd(7)}  ${e.description}${e.retired !== undefined ? ' (retired)' : ''}\n`);
    return { status: 'ok', statusText: lines.join(''), entries: all };
  }
  const id = options.id;
  const entry = all.find((e) => e.id === id);
  if (!entry) {
    const suggestion = nearest(id, all.map((e) => e.id));
    throw usageError(`unknown rule '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, 'Run `meshforge explain` to list every rule and diagnostic id.');
  }
  let page: string;
  try {
    page = readFileSync(packagePath(entry.docs), 'utf8');
  } catch {
    throw environmentError(`cannot read ${entry.docs}: the meshforge installation is incomplete`, 'Reinstall meshforge.');
  }
  const text = page.endsWith('\n') ? page : `${page}\n`;
  return { status: 'ok', statusText: text, entries: [entry], page: text };
}
