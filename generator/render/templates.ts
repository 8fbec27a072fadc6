import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../core/paths.js';
import { commentText, yamlKey, yamlScalar } from '../core/yaml-scalar.js';

/** The templates, one per resource kind: generator/templates/<name>.yaml.hbs. Files starting with `_` are partials. */
export type TemplateName =
  | 'namespace'
  | 'serviceentry'
  | 'destinationrule'
  | 'virtualservice'
  | 'gateway'
  | 'peerauthentication'
  | 'envoyfilter'
  | 'kustomization'
  | 'istiooperator'
  | 'helm-base-values'
  | 'helm-istiod-values'
  | 'helm-gateway-values'
  | 'helm-cni-values'
  | 'helm-ztunnel-values'
  // gateway.networking.k8s.io Gateway (east-west, waypoint, istio-remote peers and Gateway API ingress).
  | 'k8s-gateway'
  // Gateway API routes and grants of `api: gateway-api` ingress entries (render/gateway-api.ts).
  | 'httproute'
  | 'tlsroute'
  | 'tcproute'
  | 'referencegrant';

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
  // The block that stands in for an inlined partial: renders its body with the partial's context, empty or not.
  hb.registerHelper(INLINE_CONTEXT, function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
    return options.fn(context);
  });
  const dir = templatesDir();
  const files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort();
  // knownHelpersOnly: helper calls compile to direct calls instead of a lookup through the context on every use
  // (a third of the render time at 200,000 files). A template naming an unregistered helper fails to compile.
  const knownHelpers = { y: true, k: true, comment: true, has: true, eq: true, fields: true, [INLINE_CONTEXT]: true } as const;
  const options = { noEscape: true, strict: true, knownHelpers, knownHelpersOnly: true } as const;
  const partials = new Map<string, string>();
  for (const file of files.filter((f) => f.startsWith('_'))) {
    const name = file.slice(1, -SUFFIX.length);
    const source = readFileSync(`${dir}/${file}`, 'utf8');
    partials.set(name, source);
    hb.registerPartial(name, hb.compile(source, options));
  }
  const map = new Map<string, Handlebars.TemplateDelegate<TemplateContext>>();
  for (const file of files.filter((f) => !f.startsWith('_'))) {
    map.set(file.slice(0, -SUFFIX.length), hb.compile<TemplateContext>(inlinePartials(readFileSync(`${dir}/${file}`, 'utf8'), partials, []), options));
  }
  return map;
}

const INLINE_CONTEXT = 'meshforge-inline';
const STANDALONE_PARTIAL = /^([ ]*)\{\{> ([\w-]+)(?: ([^{}]+?))?\s*\}\}[ ]*$/;

/**
 * Replaces each standalone `{{> partial arg}}` line with the partial's source, indented as handlebars indents a
 * standalone partial's output and wrapped in a block that switches the context to `arg`. The output is the same;
 * the render is about twice as fast, because invoking a partial (a new frame, then splitting and re-joining its output
 * to indent it) cost more than the rest of a small template. Recursive partials and partials whose source does not
 * end with a newline are left as partial calls.
 */
export function inlinePartials(source: string, partials: ReadonlyMap<string, string>, stack: readonly string[]): string {
  return source
    .split('\n')
    .map((line) => {
      const match = STANDALONE_PARTIAL.exec(line);
      if (!match) return line;
      const [, indent = '', name = '', arg] = match;
      const body = partials.get(name);
      if (body === undefined || stack.includes(name) || !body.endsWith('\n') || body.includes('\r')) return line;
      const inner = inlinePartials(body, partials, [...stack, name]);
      // Handlebars indents every line of the partial's output except the empty one after the last newline.
      const indented = inner
        .slice(0, -1)
        .split('\n')
        .map((l) => indent + l)
        .join('\n');
      return arg === undefined ? indented : `{{#${INLINE_CONTEXT} ${arg}}}\n${indented}\n{{/${INLINE_CONTEXT}}}`;
    })
    .join('\n');
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
