import type { Command } from 'commander';
import { withAppContext, type AppContext, type GlobalOptions } from '../context.js';
import { registerList } from './list.js';
import { registerShow } from './show.js';
import { registerGrant } from './grant.js';
import { registerReject } from './reject.js';
import { registerVerify } from './verify.js';
import { registerCounterNotice } from './counter-notice.js';
import { registerSuppress } from './suppress.js';
import { registerRules } from './rules.js';
import { registerRevoke } from './revoke.js';
import { registerLog } from './log.js';

/** `courtesy takedown`: suppression rules from the command line, and the audit log. */
export function registerTakedown(program: Command, global: () => GlobalOptions): void {
  const takedown = program
    .command('takedown')
    .description('remove content now and in the future: requests, suppression rules and the audit log');
  const withContext = (fn: (ctx: AppContext) => Promise<void>) => withAppContext(global(), fn);
  for (const register of [
    registerList,
    registerShow,
    registerGrant,
    registerReject,
    registerVerify,
    registerCounterNotice,
    registerSuppress,
    registerRules,
    registerRevoke,
    registerLog,
  ])
    register(takedown, withContext);
}
