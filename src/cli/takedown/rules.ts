import type { Command } from 'commander';
import { describeRule } from '../../model/rights.js';
import { print, relative, table } from '../output.js';
import type { WithContext } from './shared.js';

/** `takedown rules`: the rules in force, or all of them. */
export function registerRules(takedown: Command, withContext: WithContext): void {
  takedown
    .command('rules')
    .description('list the suppression rules in force (with --all, the revoked ones too)')
    .option('--all', 'include revoked rules')
    .action((options: { all?: boolean }) =>
      withContext(async (ctx) => {
        const rules = await ctx.store.rights.listRules({ includeRevoked: options.all });
        if (rules.length === 0) return print(options.all ? 'no rules' : 'no rules in force');
        print(
          table(
            ['ID', 'KIND', 'SCOPE', 'REMOVED', 'KEPT OUT', 'GRANTED', 'BY', 'STATE', 'REASON'],
            rules.map((r) => [
              String(r.id),
              r.kind,
              describeRule(r),
              String(r.removed),
              String(r.keptOut),
              relative(r.createdAt),
              r.actor,
              r.revokedAt ? `revoked ${relative(r.revokedAt)}: ${r.revokeReason ?? ''}` : 'in force',
              r.reason,
            ]),
          ),
        );
      }),
    );
}
