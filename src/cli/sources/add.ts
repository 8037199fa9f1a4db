import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { checkScraperRules } from '../../markup/selectors.js';
import { sourceDisplayName, type RightsPolicy, type SearchEnginePolicy } from '../../model/source.js';
import { subscribe } from '../../sources/index.js';
import { parsePolicy, parseSearchEngines } from '../arguments.js';
import { print } from '../output.js';
import { collect } from './shared.js';

interface AddOptions {
  name?: string;
  policy?: RightsPolicy;
  fullText?: boolean;
  selector?: string;
  remove: string[];
  attribution?: string;
  searchEngines?: SearchEnginePolicy | 'site';
}

/** `sources add URL`: subscribes to a feed, or to the feed a page names. */
export function registerAdd(sources: Command, withContext: WithContext): void {
  sources
    .command('add')
    .description(
      'subscribe to a feed URL, or to a site\'s page URL (its feed is found through <link rel="alternate">)',
    )
    .argument('<url>', 'feed or page URL')
    .option('--name <name>', 'the name to show for this source (default: the feed title)')
    .option('--policy <policy>', 'what may be republished: full, excerpt or link', parsePolicy, 'full')
    .option(
      '--full-text',
      "republish the article from each new entry's original page instead of the feed's summary",
    )
    .option(
      '--selector <css>',
      'a scraper rule: the CSS selector of the article body on its pages (implies --full-text)',
    )
    .option(
      '--remove <css>',
      'a scraper rule: remove what this CSS selector matches first (repeatable; implies --full-text)',
      collect,
      [] as string[],
    )
    .option(
      '--attribution <template>',
      "this source's attribution template (same syntax as site.attribution)",
    )
    .option(
      '--search-engines <policy>',
      "what search engines are told of this source's copies: canonical, noindex or both (default: the site's)",
      parseSearchEngines,
    )
    .action((url: string, options: AddOptions) =>
      withContext(async (ctx) => {
        const rules = checkScraperRules({ selector: options.selector, remove: options.remove });
        const sub = await subscribe(
          ctx.store,
          ctx.fetcher,
          {
            url,
            name: options.name,
            policy: options.policy,
            fullText: options.fullText || rules.selector !== null || rules.remove.length > 0,
            scraperSelector: rules.selector,
            scraperRemove: rules.remove,
            attributionTemplate: options.attribution,
            searchEngines: options.searchEngines === 'site' ? null : options.searchEngines,
          },
          new Date(),
        );
        if (sub.discoveredFrom) print(`found the feed ${sub.source.feedUrl} on ${sub.discoveredFrom}`);
        print(
          `added source ${sub.source.id}: ${sourceDisplayName(sub.source)} (${sub.entries} entries in the feed now; run "courtesy poll --once" to fetch them)`,
        );
      }),
    );
}
