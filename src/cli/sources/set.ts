import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { UsageError } from '../../model/errors.js';
import type { RightsPolicy, SearchEnginePolicy } from '../../model/source.js';
import { changeSource } from '../../sources/index.js';
import { parseId, parsePolicy, parseSearchEngines } from '../arguments.js';
import { print } from '../output.js';
import { collect } from './shared.js';

interface SetOptions {
  name?: string;
  policy?: RightsPolicy;
  fullText?: boolean;
  /** A CSS selector; false for --no-selector. */
  selector?: string | false;
  remove?: string[] | false;
  attribution?: string;
  siteAttribution?: boolean;
  searchEngines?: SearchEnginePolicy | 'site';
}

/** `sources set ID …`: how a source is republished, applied at once to its articles already stored. */
export function registerSet(sources: Command, withContext: WithContext): void {
  sources
    .command('set')
    .description(
      'change how a source is republished; it applies at once to its articles already stored, on every page and feed',
    )
    .argument('<id>', 'source ID', parseId)
    .option('--name <name>', 'the name to show for this source')
    .option('--policy <policy>', 'what may be republished: full, excerpt or link', parsePolicy)
    .option(
      '--attribution <template>',
      "this source's attribution template (same syntax as site.attribution)",
    )
    .option('--site-attribution', "use the site's attribution template again")
    .option('--full-text', "republish the article from each new entry's original page")
    .option('--no-full-text', "republish the feed's own content again")
    .option('--selector <css>', 'the CSS selector of the article body on its pages')
    .option('--no-selector', 'let Readability find the article again')
    .option(
      '--remove <css>',
      'remove what this CSS selector matches first (repeatable; replaces the list)',
      collect,
    )
    .option('--no-remove', 'remove nothing first')
    .option(
      '--search-engines <policy>',
      "canonical, noindex or both; or site for the site's own",
      parseSearchEngines,
    )
    .action((id: number, options: SetOptions) =>
      withContext(async (ctx) => {
        if (options.attribution !== undefined && options.siteAttribution) {
          throw new UsageError(
            'sources.usage',
            'sources set: give --attribution or --site-attribution, not both',
          );
        }
        const engines = options.searchEngines;
        const changed = await changeSource(
          ctx.store,
          id,
          {
            name: options.name,
            policy: options.policy,
            attributionTemplate: options.siteAttribution ? null : options.attribution,
            searchEngines: engines === 'site' ? null : engines,
            fullText: options.fullText,
            selector: options.selector === undefined ? undefined : options.selector || null,
            remove: options.remove === undefined ? undefined : options.remove || [],
          },
          new Date(),
        );
        print(`source ${id}: ${changed.fields.join(', ')} changed`);
        if (changed.requeued !== null) {
          print(
            `queued the ${changed.requeued} newest entries for extraction: "courtesy sources extract ${id}" does them now, or the poller will`,
          );
        }
      }),
    );
}
