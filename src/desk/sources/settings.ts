import { SelectorError, checkScraperRules } from '../../markup/selectors.js';
import {
  RIGHTS_POLICIES,
  SEARCH_ENGINE_POLICIES,
  type RightsPolicy,
  type SearchEnginePolicy,
  sectionName,
  type Source,
} from '../../model/source.js';
import type { SourceChange } from '../../sources/index.js';
import type { FormFields } from '../../takedown/form.js';
import type { SourceSettings } from './settings-fields.js';

const MAX_ATTRIBUTION = 1000;

/** The settings form of a source as it shows them. */
export function settingsOf(source: Source): SourceSettings {
  return {
    name: source.name ?? '',
    policy: source.policy,
    attribution: source.attributionTemplate ?? '',
    searchEngines: source.searchEngines ?? 'site',
    fullText: source.fullText,
    selector: source.scraperSelector ?? '',
    remove: source.scraperRemove.join('\n'),
    holdNew: source.holdNew,
    section: source.section ?? '',
  };
}

export const DEFAULT_SETTINGS: SourceSettings = {
  name: '',
  policy: 'full',
  attribution: '',
  searchEngines: 'site',
  fullText: false,
  selector: '',
  remove: '',
  holdNew: false,
  section: '',
};

/**
 * The settings a form sent, checked: what was typed (to show again), the change to make, and what
 * is wrong with it, field by field. Scraper rules are checked as `sources set` checks them.
 */
export function readSettings(fields: FormFields): {
  values: SourceSettings;
  change: SourceChange;
  errors: Partial<Record<keyof SourceSettings, string>>;
} {
  const policy = (RIGHTS_POLICIES as readonly string[]).includes(fields.policy ?? '')
    ? (fields.policy as RightsPolicy)
    : 'full';
  const searchEngines = (SEARCH_ENGINE_POLICIES as readonly string[]).includes(fields.searchEngines ?? '')
    ? (fields.searchEngines as SearchEnginePolicy)
    : 'site';
  const values: SourceSettings = {
    name: (fields.name ?? '').trim().slice(0, 200),
    policy,
    attribution: (fields.attribution ?? '').trim(),
    searchEngines,
    fullText: fields.fullText === 'on',
    selector: (fields.selector ?? '').trim(),
    remove: (fields.remove ?? '').trim(),
    holdNew: fields.holdNew === 'on',
    section: sectionName(fields.section) ?? '',
  };
  const errors: Partial<Record<keyof SourceSettings, string>> = {};
  if (values.attribution.length > MAX_ATTRIBUTION)
    errors.attribution = `The attribution text is ${values.attribution.length} characters long; ${MAX_ATTRIBUTION} at most.`;
  const remove = values.remove
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let rules = { selector: null as string | null, remove: [] as string[] };
  try {
    rules = checkScraperRules({ selector: values.selector || null, remove });
  } catch (error) {
    if (!(error instanceof SelectorError)) throw error;
    const field = error.message.includes('article selector') ? 'selector' : 'remove';
    errors[field] = error.message;
  }
  const hasRules = rules.selector !== null || rules.remove.length > 0;
  return {
    values,
    errors,
    change: {
      name: values.name,
      policy,
      attributionTemplate: values.attribution || null,
      searchEngines: searchEngines === 'site' ? null : searchEngines,
      fullText: values.fullText || hasRules,
      selector: rules.selector,
      remove: rules.remove,
      holdNew: values.holdNew,
      section: values.section || null,
    },
  };
}
