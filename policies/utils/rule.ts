import type { DocPath, Severity } from '../../generator/diagnostics/types.js';
import type { PolicyRuleId } from '../../generator/diagnostics/policy-rules.js';
import type { ManifestResource } from '../../generator/manifest/types.js';
import type { MeshModel } from '../../generator/model/types.js';

/** One message a rule can report: a template with {{name}} placeholders, and how to fix it. */
export interface RuleMessage {
  readonly message: string;
  readonly hint: string;
}

export interface RuleMeta {
  /** Kebab-case, equal to the rule's file name in policies/ (and listed in generator/diagnostics/policy-rules.ts). */
  readonly id: PolicyRuleId;
  readonly defaultSeverity: Severity;
  /** One line, shown in `meshforge lint` rule lists and docs/policies.md. */
  readonly description: string;
  /** Resource kinds the rule reads ('*' for every kind). The context refuses any other kind. */
  readonly kinds: readonly string[];
  /** The rule's doc page, relative to the package root: policies/<id>.md. */
  readonly docs: string;
  /** Message catalogue: ids are stable, tests assert on them, never on the text. */
  readonly messages: Readonly<Record<string, RuleMessage>>;
}

/** A resource as a rule sees it: always with its cluster ('' when the input named none). */
export type LintResource = ManifestResource & { readonly cluster: string };

export type MessageData = Readonly<Record<string, string | number>>;

export interface ReportDescriptor {
  readonly resource: LintResource;
  /** Path to the offending field inside the resource's object; [] for the whole document. */
  readonly path: DocPath;
  readonly messageId: string;
  readonly data?: MessageData;
}

export interface RuleContext {
  readonly ruleId: string;
  /** Resources of one declared kind (or of every declared kind when none is given), from every cluster. */
  resources(kind?: string): readonly LintResource[];
  /** Every cluster name present in the input, sorted. */
  readonly clusters: readonly string[];
  /** The normalized mesh config, when one was loaded (VIP ranges, services, exports). */
  readonly model?: MeshModel;
  report(descriptor: ReportDescriptor): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(context: RuleContext): void;
}

/** Thrown when a rule asks for a kind it did not declare in meta.kinds: a bug in the rule, caught by its tests. */
export class UndeclaredKindError extends Error {
  constructor(
    readonly ruleId: string,
    readonly kind: string,
  ) {
    super(`rule ${ruleId} read kind ${kind}, which is not in its meta.kinds`);
    this.name = 'UndeclaredKindError';
  }
}

/** Fills {{name}} placeholders; unknown names stay visible so a broken template is noticed. */
export function interpolate(template: string, data: MessageData | undefined): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (match, name: string) => (data && name in data ? String(data[name]) : match));
}
