import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../paths.js';
import { commentText, yamlKey, yamlScalar } from './yaml-scalar.js';

/** The templates, one per resource kind: generator/templates/<name>.yaml.hbs. Files starting with `_` are partials. */
export type TemplateName =
  | 'namespace'
  | 'serviceentry'
  | 'destinationrule'
  | 'virtualservice'
  | 'gateway'
  | 'peerauthentication'
  | 'envoyfilter'
  | 'serviceaccount'
  | 'secret'
  | 'clusterrole'
  | 'clusterrolebinding'
  | 'kustomization'
  | 'istiooperator'
  | 'helm-base-values'
  | 'helm-istiod-values'
  | 'helm-gateway-values';

/** What every template receives: the header lines and the object to write. */
export interface TemplateContext {
  readonly header: { readonly source: string };
  readonly o: unknown;
}

const SUFFIX = '.yaml.hbs';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

let compiled: ReadonlyMap<string, Handlebars.TemplateDelegate<TemplateContext>> | undefined;

export function templatesDir(): string {
  return packagePath('generator', 'templates');
}

function compileAll(): ReadonlyMap<string, Handlebars.TemplateDelegate<TemplateContext>> {
  // An isolated environment: helpers and partials registered here never leak into other users of handlebars.
  const hb = Handlebars.create();
  hb.registerHelper('y', (value: unknown) => yamlScalar(value));
  hb.registerHelper('k', (value: unknown) => yamlKey(value));
  hb.registerHelper('comment', (value: unknown) => commentText(String(value)));
  // `has` instead of plain #if: an empty string or 0 is a value to write, not an absent field.
  hb.registerHelper('has', (object: unknown, key: unknown) => isRecord(object) && typeof key === 'string' && Object.hasOwn(object, key) && object[key] !== undefined);
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // The names among the given fields that an object has, in the given order (for list items whose first key varies).
  hb.registerHelper('fields', (object: unknown, ...rest: unknown[]) => rest.slice(0, -1).filter((key): key is string => typeof key === 'string' && isRecord(object) && object[key] !== undefined));
  const dir = templatesDir();
  const files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort();
  const options = { noEscape: true, strict: true } as const;
  for (const file of files.filter((f) => f.startsWith('_'))) {
    hb.registerPartial(file.slice(1, -SUFFIX.length), hb.compile(readFileSync(`${dir}/${file}`, 'utf8'), options));
  }
  const map = new Map<string, Handlebars.TemplateDelegate<TemplateContext>>();
  for (const file of files.filter((f) => !f.startsWith('_'))) {
    map.set(file.slice(0, -SUFFIX.length), hb.compile<TemplateContext>(readFileSync(`${dir}/${file}`, 'utf8'), options));
  }
  return map;
}

/** Renders one template. Templates are read and compiled once per process, on first use. */
export function renderTemplate(name: TemplateName, context: TemplateContext): string {
  compiled ??= compileAll();
  const template = compiled.get(name);
  if (!template) throw new Error(`meshforge: template ${name}${SUFFIX} is missing from ${templatesDir()}`);
  return template(context);
}

/** Names of the templates found on disk (tests check every kind has one). */
export function templateNames(): string[] {
  compiled ??= compileAll();
  return [...compiled.keys()];
}
