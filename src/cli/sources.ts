import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createLogger } from '../log/logger.js';
import { CourtesyError } from '../model/errors.js';
import { sourceDisplayName, type RightsPolicy } from '../model/source.js';
import { parseOpml, renderOpml, subscribe } from '../sources/index.js';
import { StoreError } from '../store/index.js';
import { parseId, parsePolicy } from './arguments.js';
import { configFrom, openContext, type AppContext, type GlobalOptions } from './context.js';
import { print, relative, table } from './output.js';

interface AddOptions {
  name?: string;
  policy?: RightsPolicy;
  fullText?: boolean;
  attribution?: string;
}

export function registerSources(program: Command, global: () => GlobalOptions): void {
  const sources = program.command('sources').description('subscribe to feeds and manage them');
  const withContext = async (fn: (ctx: AppContext) => Promise<void>) => {
    const ctx = await openContext(configFrom(global()), createLogger(process.env.LOG_LEVEL ?? 'warn'));
    try {
      await fn(ctx);
    } finally {
      await ctx.close();
    }
  };

  sources
    .command('add')
    .description(
      'subscribe to a feed URL, or to a site\'s page URL (its feed is found through <link rel="alternate">)',
    )
    .argument('<url>', 'feed or page URL')
    .option('--name <name>', 'the name to show for this source (default: the feed title)')
    .option('--policy <policy>', 'what may be republished: full, excerpt or link', parsePolicy, 'full')
    .option('--full-text', 'mark the source for full-text extraction (not acted on yet)')
    .option(
      '--attribution <template>',
      "this source's attribution template (same syntax as site.attribution)",
    )
    .action((url: string, options: AddOptions) =>
      withContext(async (ctx) => {
        const sub = await subscribe(
          ctx.store,
          ctx.fetcher,
          {
            url,
            name: options.name,
            policy: options.policy,
            fullText: options.fullText,
            attributionTemplate: options.attribution,
          },
          new Date(),
        );
        if (sub.discoveredFrom) print(`found the feed ${sub.source.feedUrl} on ${sub.discoveredFrom}`);
        print(
          `added source ${sub.source.id}: ${sourceDisplayName(sub.source)} (${sub.entries} entries in the feed now; run "courtesy poll --once" to fetch them)`,
        );
      }),
    );

  sources
    .command('list')
    .description('list sources with their status, last check and last error')
    .option('--json', 'print one JSON object per source, a line each')
    .action((options: { json?: boolean }) =>
      withContext(async (ctx) => {
        const list = await ctx.store.sources.list();
        if (options.json) {
          for (const source of list) print(JSON.stringify(source));
          return;
        }
        if (list.length === 0) return print('no sources yet: add one with "courtesy sources add URL"');
        const now = new Date();
        print(
          table(
            ['ID', 'STATUS', 'POLICY', 'ENTRIES', 'CHECKED', 'NEXT', 'NAME', 'FEED', 'LAST ERROR'],
            list.map((s) => [
              String(s.id),
              s.status === 'active' && s.lastError ? 'failing' : s.status,
              s.policy,
              String(s.entryCount),
              relative(s.lastCheckedAt, now),
              s.status === 'active' ? relative(s.nextCheckAt, now) : '-',
              sourceDisplayName(s),
              s.feedUrl,
              s.lastError
                ? `${s.lastError}${s.consecutiveFailures > 1 ? ` (${s.consecutiveFailures} failures in a row)` : ''}`
                : '',
            ]),
          ),
        );
      }),
    );

  sources
    .command('remove')
    .description('unsubscribe and delete the source with all its entries')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        if (!(await ctx.store.sources.remove(id)))
          throw new StoreError('store.not-found', `there is no source ${id}`);
        print(`removed source ${id} and its entries`);
      }),
    );

  sources
    .command('pause')
    .description('stop polling a source (its articles stay on the site)')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await requireSource(ctx, id);
        await ctx.store.sources.update(id, { status: 'paused' });
        print(`paused source ${id}`);
      }),
    );

  sources
    .command('resume')
    .description('poll a paused or disabled source again, starting now')
    .argument('<id>', 'source ID', parseId)
    .action((id: number) =>
      withContext(async (ctx) => {
        await requireSource(ctx, id);
        await ctx.store.sources.update(id, {
          status: 'active',
          consecutiveFailures: 0,
          nextCheckAt: new Date(),
        });
        print(`resumed source ${id}`);
      }),
    );

  sources
    .command('import')
    .description('subscribe to every feed in an OPML file (feeds already subscribed are skipped)')
    .argument('<file>', 'OPML file')
    .option(
      '--policy <policy>',
      'rights policy for the new sources: full, excerpt or link',
      parsePolicy,
      'full',
    )
    .action((file: string, options: { policy: RightsPolicy }) =>
      withContext(async (ctx) => {
        const outlines = parseOpml(await readFile(file, 'utf8'));
        let added = 0;
        let skipped = 0;
        for (const outline of outlines) {
          if (await ctx.store.sources.findByUrl(outline.feedUrl)) {
            skipped++;
            continue;
          }
          await ctx.store.sources.add(
            {
              feedUrl: outline.feedUrl,
              title: outline.title,
              siteUrl: outline.siteUrl,
              policy: options.policy,
            },
            new Date(),
          );
          added++;
        }
        print(
          `imported ${added} source(s) from ${file}; ${skipped} already subscribed. They are polled at the next poll.`,
        );
      }),
    );

  sources
    .command('export')
    .description('print every source as OPML 2.0')
    .action(() =>
      withContext(async (ctx) => {
        process.stdout.write(
          renderOpml(await ctx.store.sources.list(), `${ctx.config.site.name} sources`, new Date()),
        );
      }),
    );
}

async function requireSource(ctx: AppContext, id: number): Promise<void> {
  if (!(await ctx.store.sources.get(id)))
    throw new CourtesyError('store.not-found', `there is no source ${id}`);
}
