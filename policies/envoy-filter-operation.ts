import { asNumber, asRecord, asString, get, recordItems } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';
import { compareResources } from './utils/traffic.js';

/** Route-level targets where ADD and REMOVE do nothing. */
const ROUTE_TARGETS = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
/** The only targets REPLACE works on. */
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER']);
/** Operations whose outcome depends on what other EnvoyFilters did first. */
const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER', 'REPLACE', 'REMOVE']);

/** The filter a patch works on: the name in its value, else the filter its listener match names. */
function filterName(patch: Readonly<Record<string, unknown>>): string {
  return asString(get(patch, 'patch', 'value', 'name')) ?? asString(get(patch, 'match', 'listener', 'filterChain', 'filter', 'name')) ?? '';
}

const rule: Rule = {
  meta: {
    id: 'envoy-filter-operation',
    defaultSeverity: 'warning',
    description: 'EnvoyFilter patches use operations where Envoy applies them, and relative operations set a priority.',
    kinds: ['EnvoyFilter'],
    docs: 'policies/envoy-filter-operation.md',
    messages: {
      ignoredOperation: {
        message: '{{operation}} on applyTo {{applyTo}} is ignored: {{why}}',
        hint: '{{fix}}',
      },
      relativeWithoutPriority: {
        message: '{{operation}} on {{applyTo}} depends on the order EnvoyFilters are applied in, and this one sets no priority{{versionNote}}',
        hint: 'Set spec.priority, or use INSERT_FIRST / ADD, so the patch finds what it expects.',
      },
    },
  },
  check(context) {
    // Filters that patches restricted to a proxy version touch: relative patches on them may miss during upgrades.
    const versioned = new Set<string>();
    for (const filter of [...context.resources('EnvoyFilter')].sort(compareResources)) {
      const spec = asRecord(filter.object.spec);
      const priority = asNumber(spec.priority) ?? 0;
      for (const [index, patch] of recordItems(spec.configPatches)) {
        if (patch.patch === undefined) break;
        const operation = asString(get(patch, 'patch', 'operation')) ?? '';
        const applyTo = asString(patch.applyTo) ?? '';
        const name = filterName(patch);
        const path = ['spec', 'configPatches', index, 'patch', 'operation'];
        if ((operation === 'ADD' || operation === 'REMOVE') && ROUTE_TARGETS.has(applyTo)) {
          context.report({ resource: filter, path, messageId: 'ignoredOperation', data: { operation, applyTo, why: 'route configurations and routes cannot be added or removed by a patch', fix: operation === 'ADD' ? 'Use MERGE to change the route configuration, or add routes with a VirtualService.' : 'Remove routes with a VirtualService, or MERGE the route configuration.' } });
        } else if (operation === 'REPLACE' && !REPLACEABLE.has(applyTo)) {
          context.report({ resource: filter, path, messageId: 'ignoredOperation', data: { operation, applyTo, why: 'REPLACE only works on NETWORK_FILTER and HTTP_FILTER', fix: 'Use MERGE, or target the filter (applyTo: HTTP_FILTER or NETWORK_FILTER).' } });
        } else if (RELATIVE.has(operation) && priority === 0) {
          context.report({ resource: filter, path, messageId: 'relativeWithoutPriority', data: { operation, applyTo, versionNote: name !== '' && versioned.has(name) ? ', and another patch of the same filter is limited to a proxy version: during an upgrade it may not apply' : '' } });
        }
        if (asString(get(patch, 'match', 'proxy', 'proxyVersion'))) versioned.add(name);
      }
    }
  },
};

export default rule;
