import { asNumber, isRecord, recordItems } from '../generator/manifest/access.js';
import type { Rule } from './utils/rule.js';

const rule: Rule = {
  meta: {
    id: 'route-weights',
    defaultSeverity: 'error',
    description: 'Route weights are not negative and do not add up to 0.',
    kinds: ['VirtualService'],
    docs: 'policies/route-weights.md',
    messages: {
      negative: {
        message: 'weight {{weight}} is negative',
        hint: 'Weights are percentages from 0 to 100; make them add up to 100.',
      },
      zeroTotal: {
        message: 'the weights of this route add up to 0: no destination receives traffic',
        hint: 'Give at least one destination a positive weight; weights should add up to 100.',
      },
    },
  },
  check(context) {
    for (const service of context.resources('VirtualService')) {
      const spec = service.object.spec;
      if (!isRecord(spec)) continue;
      for (const section of ['http', 'tcp', 'tls'] as const) {
        for (const [i, route] of recordItems(spec[section])) {
          const targets = recordItems(route.route);
          const weights = targets.map(([j, target]) => [j, asNumber(target.weight)] as const).filter((w): w is readonly [number, number] => w[1] !== undefined);
          let negative = false;
          for (const [j, weight] of weights) {
            if (weight < 0) {
              negative = true;
              context.report({ resource: service, path: ['spec', section, i, 'route', j, 'weight'], messageId: 'negative', data: { weight } });
            }
          }
          // Unset weights mean "the rest"; only a route whose every weight is written can total zero.
          if (!negative && targets.length > 0 && weights.length === targets.length && weights.reduce((sum, [, w]) => sum + w, 0) === 0) {
            context.report({ resource: service, path: ['spec', section, i, 'route'], messageId: 'zeroTotal' });
          }
        }
      }
    }
  },
};

export default rule;
