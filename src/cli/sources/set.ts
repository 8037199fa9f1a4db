import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { UsageError } from '../../model/errors.js';
import type { RightsPolicy, SearchEnginePolicy } from '../../model/source.js';
import { changeSource } from '../../sources/index.js';
import { parseCount, parseId, parsePolicy, parseSearchEngines } from '../arguments.js';
import { cliActor } from '../context.js';
import { NO_INTAKE_RULES, describeIntake, type IntakeRules } from '../../model/intake.js';
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
  hold?: boolean;
  /** A section's name; false for --no-section. */
  section?: string | false;
  include?: string[] | false;
  exclude?: string[] | false;
  maxPerCheck?: number | false;
  maxAge?: number | false;
  /** A language tag; false for --no-language. */
  language?: string | false;
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
    .option('--hold', 'hold new entries for review until published at the desk')
    .option('--no-hold', 'publish new entries at once')
    .option('--section <name>', 'the section of the site its articles belong to')
    .option('--no-section', 'no section')
    .option(
      '--include <rule>',
      'take only entries that match one of these rules (repeatable; replaces the list); see docs/newsroom.md',
      collect,
    )
    .option('--no-include', 'no include rules: every entry may be taken')
    .option(
      '--exclude <rule>',
      'keep out entries that match this rule (repeatable; replaces the list)',
      collect,
    )
    .option('--no-exclude', 'no exclude rules')
    .option('--max-per-check <n>', 'take at most this many new entries a check, the newest', parseCount)
    .option('--no-max-per-check', 'take every new entry')
    .option('--max-age <days>', 'do not take entries published more than this many days before', parseCount)
    .option('--no-max-age', 'take entries of any age')
    .option(
      '--language <tag>',
      'the language of its articles (en, fr, pt-BR), when its feed does not say or says wrong',
    )
    .option('--no-language', 'the language its feed declares')
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
            holdNew: options.hold,
            section: options.section === undefined ? undefined : options.section || null,
            intake: intakeChange(options),
            language: options.language === undefined ? undefined : options.language || null,
          },
          new Date(),
          cliActor(),
        );
        print(`source ${id}: ${changed.fields.join(', ')} changed`);
        if (changed.intake) {
          const source = await ctx.store.sources.get(id);
          print(`intake: ${describeIntake(source?.intake ?? NO_INTAKE_RULES)}`);
          print(
            `stored articles: ${changed.intake.filtered} filtered out, ${changed.intake.restored} taken back (see "courtesy sources show ${id}")`,
          );
        }
        if (changed.requeued !== null) {
          print(
            `queued the ${changed.requeued} newest entries for extraction: "courtesy sources extract ${id}" does them now, or the poller will`,
          );
        }
      }),
    );
}

/** The intake parts the options name; undefined when they name none. */
function intakeChange(options: SetOptions): Partial<IntakeRules> | undefined {
  const change: Partial<IntakeRules> = {};
  if (options.include !== undefined) change.include = options.include || [];
  if (options.exclude !== undefined) change.exclude = options.exclude || [];
  if (options.maxPerCheck !== undefined) change.maxPerCheck = options.maxPerCheck || null;
  if (options.maxAge !== undefined) change.maxAgeDays = options.maxAge || null;
  return Object.keys(change).length > 0 ? change : undefined;
}
