import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { describeResolved } from '../../takedown/scope.js';
import { describeRule } from '../../model/rights.js';
import { describeScope, normalizeReference } from '../../model/takedown.js';
import { print } from '../output.js';
import { details, requestNamed } from './shared.js';
import type { WithContext } from './shared.js';

/** `takedown show TD-…|CN-…`: one request with what granting it would remove, or one counter-notice. */
export function registerShow(takedown: Command, withContext: WithContext): void {
  takedown
    .command('show')
    .description('show a request (or a counter-notice): its details, and what granting it would remove')
    .argument('<reference>', 'TD-... (or CN-... for a counter-notice)')
    .action((reference: string) =>
      withContext(async (ctx) => {
        const ref = normalizeReference(reference);
        if (ref.startsWith('CN-')) {
          const c = await ctx.store.takedowns.findCounterNoticeByReference(ref);
          if (!c) throw new UsageError('takedown.no-request', `there is no counter-notice ${ref}`);
          const r = await ctx.store.takedowns.get(c.requestId);
          print(
            details([
              ['counter-notice', c.reference],
              ['against', r?.reference ?? '?'],
              ['state', c.state],
              ['filed', c.createdAt.toISOString()],
              ['from', `${c.name} <${c.email}>`],
              ['address', c.address],
              ['explanation', c.explanation],
              ['signed', c.signature],
              [
                'decision',
                c.decidedAt ? `${c.state} by ${c.decidedBy ?? '?'}: ${c.decisionReason ?? ''}` : '-',
              ],
            ]),
          );
          return;
        }
        const r = await requestNamed(ctx, ref);
        print(
          details([
            ['request', r.reference],
            ['state', r.state],
            ['filed', r.createdAt.toISOString()],
            [
              'from',
              `${r.name} <${r.email}>, ${r.capacity === 'author' ? 'the author' : 'for the publishing site'}`,
            ],
            ['asks to remove', describeScope(r)],
            ['addresses', r.urls.join('\n')],
            ['message', r.message ?? '-'],
            ['signed', r.signature],
            [
              'decision',
              r.decidedAt ? `${r.state} by ${r.decidedBy ?? '?'}: ${r.decisionReason ?? ''}` : '-',
            ],
            ['rules', r.ruleIds.join(', ') || '-'],
            ['self-verification', r.scope === 'site' ? (r.lastVerifyResult ?? 'not tried') : '-'],
          ]),
        );
        if (r.state === 'received') {
          const scope = await ctx.takedowns.scopeOf(r, 20);
          print();
          print(`its addresses stand for: ${describeResolved(scope.resolved)}`);
          print(
            `granting it makes: ${scope.rules.map(describeRule).join('; ') || 'nothing (its addresses name nothing)'}`,
          );
          print(
            scope.nothing
              ? `and removes nothing now, since ${scope.nothing} (grant it with --even-if-nothing-now to keep the addresses out of later polls)`
              : `and removes ${scope.count} stored article(s) now${scope.copies ? ` (${scope.copies} of them copies of their text elsewhere)` : ''}, then keeps copies of their text out at any address, under any byline, from any source${scope.entries.length ? '; among them:' : ''}`,
          );
          for (const e of scope.entries) print(`  ${e.id}  ${e.title ?? '(untitled)'}  ${e.url ?? ''}`);
        }
        for (const c of await ctx.store.takedowns.counterNoticesOf(r.id)) {
          print(`counter-notice ${c.reference} (${c.state}) from ${c.name} <${c.email}>`);
        }
      }),
    );
}
