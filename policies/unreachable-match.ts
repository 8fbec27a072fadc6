import { asRecord, canonical, isRecord, recordItems, type Json } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';

/** Keys of a match entry that do not narrow it: a name is a label only. */
const LABEL_KEYS = new Set(['name']);

/** Whether a match entry matches every request: no condition, or a URI prefix '/' or '' / regex '.*' alone. */
function matchesEverything(match: Json): boolean {
  const keys = Object.keys(match).filter((k) => !LABEL_KEYS.has(k));
  if (keys.length === 0) return true;
  if (keys.length !== 1 || keys[0] !== 'uri') return false;
  const uri = asRecord(match.uri);
  // Every path starts with '' and, in HTTP, with '/'.
  return uri.prefix === '/' || uri.prefix === '' || uri.regex === '.*' || uri.regex === '.+' || uri.regex === '/.*';
}

function isCatchAll(route: Json): boolean {
  const matches = recordItems(route.match);
  if (!Array.isArray(route.match) || route.match.length === 0) return true;
  return matches.some(([, match]) => matchesEverything(match));
}

function withoutLabels(match: Json): string {
  return canonical(Object.fromEntries(Object.entries(match).filter(([k]) => !LABEL_KEYS.has(k))));
}

const rule: Rule = {
  meta: {
    id: 'unreachable-match',
    defaultSeverity: 'error',
    description: 'No route follows a catch-all route, and no match condition repeats an earlier one.',
    kinds: ['VirtualService'],
    docs: 'policies/unreachable-match.md',
    messages: {
      unreachable: {
        message: '{{section}} route {{index}} is unreachable: route {{catchAll}} before it matches every request',
        hint: 'Move the catch-all route to the end of the list, or give it a match condition.',
      },
      duplicateMatch: {
        message: 'this match repeats the match of {{section}} route {{first}}: it can never be chosen',
        hint: 'Remove the duplicate match, or change its conditions.',
      },
    },
  },
  check(context) {
    for (const service of context.resources('VirtualService')) {
      const spec = service.object.spec;
      if (!isRecord(spec)) continue;
      for (const section of ['http', 'tcp', 'tls'] as const) {
        let catchAll: number | undefined;
        const seen = new Map<string, number>();
        for (const [index, route] of recordItems(spec[section])) {
          if (catchAll !== undefined) {
            context.report({ resource: service, path: ['spec', section, index], messageId: 'unreachable', data: { section, index, catchAll } });
            continue;
          }
          for (const [j, match] of recordItems(route.match)) {
            const key = withoutLabels(match);
            const first = seen.get(key);
            if (first !== undefined && first !== index) context.report({ resource: service, path: ['spec', section, index, 'match', j], messageId: 'duplicateMatch', data: { section, first } });
            else if (first === undefined) seen.set(key, index);
          }
          // tls routes always need an SNI match; a tls route without one is invalid rather than a catch-all.
          if (section !== 'tls' && isCatchAll(route)) catchAll = index;
        }
      }
    }
  },
};

export default rule;
