import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { describeRule } from '../../model/rights.js';
import { parseId } from '../arguments.js';
import { print } from '../output.js';
import type { WithContext } from './shared.js';
import { cliActor } from '../context.js';

/** `takedown revoke RULE`: revokes a rule; what it removed stays removed. */
export function registerRevoke(takedown: Command, withContext: WithContext): void {
  takedown
    .command('revoke')
    .description('revoke a rule (after a counter-notice, or a mistake); what it removed stays removed')
    .argument('<rule>', 'rule ID', parseId)
    .requiredOption('--reason <text>', 'why, for the audit log')
    .action((id: number, options: { reason: string }) =>
      withContext(async (ctx) => {
        const rule = await ctx.store.rights.revoke(id, options.reason, cliActor(), new Date());
        if (!rule) {
          const exists = await ctx.store.rights.getRule(id);
          throw new UsageError(
            'takedown.no-rule',
            exists ? `rule ${id} is already revoked` : `there is no rule ${id}`,
          );
        }
        print(`rule ${id} revoked: ${describeRule(rule)}; later polls may bring its content back`);
      }),
    );
}
