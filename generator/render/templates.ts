import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { packagePath } from '../core/paths.js';
import { commentText, yamlKey, yamlScalar } from '../core/yaml-scalar.js';

const require = createRequire(import.meta.url);

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

type Template = Handlebars.TemplateDelegate<TemplateContext>;
type Environment = typeof Handlebars;

const SUFFIX = '.yaml.hbs';
const INLINE_CONTEXT = 'meshforge-inline';

// knownHelpersOnly: helper calls compile to direct calls instead of a lookup through the context on every use
// (a third of the render time at 200,000 files). A template naming an unregistered helper fails to compile.
const KNOWN_HELPERS = { y: true, k: true, comment: true, has: true, eq: true, fields: true, [INLINE_CONTEXT]: true } as const;

/**
 * The options every template and partial is compiled with, at build time (precompiled) and at run time alike. A fresh
 * object per call: handlebars writes its defaults into the options it is given.
 */
function compileOptions(): CompileOptions {
  return { noEscape: true, strict: true, knownHelpers: { ...KNOWN_HELPERS }, knownHelpersOnly: true };
}

/**
 * Bump when the helpers' contract or the precompiled module's shape changes: precompiled specs are keyed by a hash of
 * this, the handlebars version, the compile options and the template's source, so specs written under other terms are
 * never used.
 */
const PRECOMPILE_VERSION = 'meshforge-templates-1';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function templatesDir(): string {
  return packagePath('generator', 'templates');
}

/** Where `npm run build` writes the precompiled templates (scripts/precompile-templates.ts; inside dist/generator, so the package ships it). */
export function precompiledTemplatesFile(): string {
  return packagePath('dist', 'generator', 'render', 'templates.precompiled.cjs');
}

/** The template sources of a folder, partials inlined (what gets compiled), and the partials' own sources. */
export interface TemplateSources {
  /** Template name -> its source with the standalone partial calls inlined. */
  readonly templates: ReadonlyMap<string, string>;
  /** Partial name -> its source, for the partial calls that stay calls (see inlinePartials). */
  readonly partials: ReadonlyMap<string, string>;
}

/** Reads every template and partial of `dir` (sorted by name). */
export function readTemplateSources(dir: string = templatesDir()): TemplateSources {
  const files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort();
  const partials = new Map<string, string>();
  for (const file of files.filter((f) => f.startsWith('_'))) partials.set(file.slice(1, -SUFFIX.length), readFileSync(`${dir}/${file}`, 'utf8'));
  const templates = new Map<string, string>();
  for (const file of files.filter((f) => !f.startsWith('_'))) templates.set(file.slice(0, -SUFFIX.length), inlinePartials(readFileSync(`${dir}/${file}`, 'utf8'), partials, []));
  return { templates, partials };
}

/** The key of a template's (or partial's) compiled form: a hash of everything the compiled code depends on. */
export function templateKey(source: string, handlebarsVersion: string): string {
  return createHash('sha256').update(PRECOMPILE_VERSION).update('\0').update(handlebarsVersion).update('\0').update(JSON.stringify(compileOptions())).update('\0').update(source).digest('hex').slice(0, 32);
}

/**
 * The precompiled module: key -> a function returning the template spec (`Handlebars.precompile` output). The
 * function wrapper keeps V8 from compiling a template's code before its first use.
 */
export interface PrecompiledTemplates {
  readonly specs: Readonly<Record<string, () => unknown>>;
}

/** The module text of precompiled specs (key -> spec source), loadable with require() (CommonJS, `.cjs`). */
export function precompiledModule(specs: ReadonlyMap<string, string>): string {
  const entries = [...specs].map(([key, spec]) => `  ${JSON.stringify(key)}: function () { return ${spec}; },\n`).join('');
  return `'use strict';\n// Generated by scripts/precompile-templates.ts (Handlebars.precompile); do not edit.\nexports.specs = {\n${entries}};\n`;
}

/** Precompiles every template and partial of `dir`: key -> spec source (see templateKey). */
export function precompileTemplates(dir: string = templatesDir()): Map<string, string> {
  const full = fullHandlebars();
  const { templates, partials } = readTemplateSources(dir);
  const specs = new Map<string, string>();
  for (const source of [...templates.values(), ...partials.values()]) specs.set(templateKey(source, full.VERSION), String(full.precompile(source, compileOptions())));
  return specs;
}

/** The precompiled module at `file`, or undefined when there is none (running from source before a build). */
export function loadPrecompiledTemplates(file: string = precompiledTemplatesFile()): PrecompiledTemplates | undefined {
  return existsSync(file) ? (require(file) as PrecompiledTemplates) : undefined;
}

// The runtime is what precompiled templates need; the compiler (and its source-map library) loads only to compile a
// template that has no up-to-date precompiled spec.
function handlebarsRuntime(): Environment {
  return require('handlebars/runtime') as Environment;
}

function fullHandlebars(): Environment {
  return require('handlebars') as Environment;
}

function registerHelpers(hb: Environment): void {
  hb.registerHelper('y', (value: unknown) => yamlScalar(value));
  hb.registerHelper('k', (value: unknown) => yamlKey(value));
  hb.registerHelper('comment', (value: unknown) => commentText(String(value)));
  // `{{#has object "field"}}` instead of plain #if: an empty string or 0 is a value to write, not an absent field. A
  // block of its own: `{{#if (has ...)}}` cost two helper calls (each with its options object) per optional field.
  hb.registerHelper('has', function (this: unknown, object: unknown, key: unknown, options: Handlebars.HelperOptions) {
    const present = isRecord(object) && typeof key === 'string' && Object.hasOwn(object, key) && object[key] !== undefined;
    return present ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // The names among the given fields that an object has, in the given order (for list items whose first key varies).
  hb.registerHelper('fields', (object: unknown, ...rest: unknown[]) => rest.slice(0, -1).filter((key): key is string => typeof key === 'string' && isRecord(object) && object[key] !== undefined));
  // The block that stands in for an inlined partial: renders its body with the partial's context, empty or not.
  hb.registerHelper(INLINE_CONTEXT, function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
    return options.fn(context);
  });
}

/** How a template was made ready: from its precompiled spec, or compiled at run time (no up-to-date spec). */
export type TemplateOrigin = 'precompiled' | 'compiled';

/**
 * The templates of one folder, each made ready on first use: from the precompiled spec whose key matches its source,
 * else compiled at run time (a changed or added template, or running from source without a build).
 */
export class TemplateSet {
  private readonly sources: TemplateSources;
  private readonly ready = new Map<string, { readonly template: Template; readonly origin: TemplateOrigin }>();
  private runtime: Environment | undefined;
  private compiler: Environment | undefined;

  constructor(
    readonly dir: string,
    private readonly precompiled: PrecompiledTemplates | undefined,
  ) {
    this.sources = readTemplateSources(dir);
  }

  names(): string[] {
    return [...this.sources.templates.keys()];
  }

  /** How each template used so far was made ready. */
  origins(): ReadonlyMap<string, TemplateOrigin> {
    return new Map([...this.ready].map(([name, r]) => [name, r.origin]));
  }

  render(name: string, context: TemplateContext): string {
    return this.template(name)(context);
  }

  private template(name: string): Template {
    const known = this.ready.get(name);
    if (known) return known.template;
    const source = this.sources.templates.get(name);
    if (source === undefined) throw new Error(`meshforge: template ${name}${SUFFIX} is missing from ${this.dir}`);
    const made = this.make(source);
    this.ready.set(name, made);
    return made.template;
  }

  private make(source: string): { readonly template: Template; readonly origin: TemplateOrigin } {
    const runtime = this.runtimeEnvironment();
    const spec = this.precompiled?.specs[templateKey(source, runtime.VERSION)];
    if (spec) return { template: runtime.template<TemplateContext>(spec() as Parameters<Environment['template']>[0]), origin: 'precompiled' };
    if (!this.compiler) {
      this.compiler = fullHandlebars().create();
      this.setUp(this.compiler);
    }
    return { template: this.compiler.compile<TemplateContext>(source, compileOptions()), origin: 'compiled' };
  }

  private runtimeEnvironment(): Environment {
    if (!this.runtime) {
      this.runtime = handlebarsRuntime().create();
      this.setUp(this.runtime);
    }
    return this.runtime;
  }

  // An isolated environment: helpers and partials registered here never leak into other users of handlebars.
  // Partials are made ready on their first call, as templates are (only partial calls that were not inlined call them).
  private setUp(hb: Environment): void {
    registerHelpers(hb);
    for (const [name, source] of this.sources.partials) {
      let partial: Template | undefined;
      hb.registerPartial(name, (context: TemplateContext, options?: Handlebars.RuntimeOptions) => (partial ??= this.make(source).template)(context, options));
    }
  }
}

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

const STANDALONE_PARTIAL = /^([ ]*)\{\{> ([\w-]+)(?: ([^{}]+?))?\s*\}\}[ ]*$/;

let active: TemplateSet | undefined;

function templates(): TemplateSet {
  return (active ??= new TemplateSet(templatesDir(), loadPrecompiledTemplates()));
}

/** Renders one template. Each template is made ready once per process, on first use (precompiled when it can be). */
export function renderTemplate(name: TemplateName, context: TemplateContext): string {
  return templates().render(name, context);
}

/** Names of the templates found on disk (tests check every kind has one). */
export function templateNames(): string[] {
  return templates().names();
}

/** Makes `set` the one renderTemplate uses and returns the one it replaces (tests compare precompiled and compiled). */
export function useTemplateSet(set: TemplateSet | undefined): TemplateSet | undefined {
  const previous = active;
  active = set;
  return previous;
}
