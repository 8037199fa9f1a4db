import type { Command } from 'commander';
import { withAppContext, type AppContext, type GlobalOptions } from '../context.js';
import { registerAdd } from './add.js';
import { registerExport } from './export.js';
import { registerExtract } from './extract.js';
import { registerImport } from './import.js';
import { registerList } from './list.js';
import { registerPause } from './pause.js';
import { registerRemove } from './remove.js';
import { registerSet } from './set.js';
import { registerShow } from './show.js';

/** `courtesy sources …`: one file per subcommand; what each decides lives in src/sources/. */
export function registerSources(program: Command, global: () => GlobalOptions): void {
  const sources = program.command('sources').description('subscribe to feeds and manage them');
  const withContext = (fn: (ctx: AppContext) => Promise<void>) => withAppContext(global(), fn);
  for (const register of [
    registerAdd,
    registerList,
    registerShow,
    registerRemove,
    registerSet,
    registerExtract,
    registerPause,
    registerImport,
    registerExport,
  ])
    register(sources, withContext);
}
