import type { DiagnosticId } from './catalogue.js';
import type { Severity } from './severity.js';

export type { DiagnosticId } from './catalogue.js';
export type { Severity } from './severity.js';

/** A path into a YAML/JSON document: keys and sequence indexes, root first. */
export type DocPath = readonly (string | number)[];

/**
 * Where a diagnostic points. Positions are resolved only when printed (see positions.ts):
 * stages record a file and a path into one of its documents, or a raw offset for syntax errors.
 */
export interface Location {
  readonly file: string;
  /** Index of the document in a multi-document file. Defaults to 0. */
  readonly docIndex?: number;
  readonly path?: DocPath;
  /** Point at the mapping key rather than its value (unknown keys, duplicate names). */
  readonly target?: 'key' | 'value';
  /** Raw character offset, for problems found before there is a document (syntax, encoding). */
  readonly offset?: number;
}

export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface Diagnostic {
  /** Rule or check id, kebab-case: e.g. yaml-duplicate-key, config-unknown-key, unique-vips (see catalogue.ts). */
  readonly rule: DiagnosticId;
  readonly severity: Severity;
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly hint?: string;
  readonly location?: Location;
  readonly resource?: ResourceRef;
  readonly cluster?: string;
  /** For findings on generated files: the mesh.config.yaml node the resource came from. */
  readonly origin?: Location;
  /** Other places the finding involves (a duplicate's first definition, other uses of an unknown name). */
  readonly related?: readonly RelatedLocation[];
}

/** A second place a diagnostic points at, with what it is. */
export interface RelatedLocation {
  readonly location: Location;
  /** e.g. "first defined here". */
  readonly message: string;
}

/** A position as shown to people: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}
