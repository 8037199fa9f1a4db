import { SelectorError, checkScraperRules } from '../../markup/selectors.js';
import {
  RIGHTS_POLICIES,
  SEARCH_ENGINE_POLICIES,
  type RightsPolicy,
  type SearchEnginePolicy,
  sectionName,
  type Source,
} from '../../model/source.js';
import { checkedLanguage, type SourceChange } from '../../sources/index.js';
import { UsageError } from '../../model/errors.js';
import { NO_INTAKE_RULES, compileIntake, normalizeIntake, type IntakeRules } from '../../model/intake.js';
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
    include: source.intake.include.join('\n'),
    exclude: source.intake.exclude.join('\n'),
    maxPerCheck: source.intake.maxPerCheck === null ? '' : String(source.intake.maxPerCheck),
    maxAgeDays: source.intake.maxAgeDays === null ? '' : String(source.intake.maxAgeDays),
    language: source.language ?? '',
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
  include: '',
  exclude: '',
  maxPerCheck: '',
  maxAgeDays: '',
  language: '',
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
    include: (fields.include ?? '').trim(),
    exclude: (fields.exclude ?? '').trim(),
    maxPerCheck: (fields.maxPerCheck ?? '').trim(),
    maxAgeDays: (fields.maxAgeDays ?? '').trim(),
    language: (fields.language ?? '').trim().slice(0, 35),
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
  const intake = readIntake(values, errors);
  let language: string | null = null;
  try {
    language = checkedLanguage(values.language);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    errors.language = `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;
  }
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
      intake,
      language,
    },
  };
}

/** The intake fields as rules, each checked; what is wrong goes to its field. */
function readIntake(
  values: SourceSettings,
  errors: Partial<Record<keyof SourceSettings, string>>,
): IntakeRules {
  const lines = (text: string) => text.split('\n');
  const whole = (key: 'maxPerCheck' | 'maxAgeDays', max: number): number | null => {
    const typed = values[key];
    if (typed === '') return null;
    const n = Number(typed);
    if (!/^\d+$/.test(typed) || n < 1 || n > max) {
      errors[key] = `“${typed}” is not a whole number from 1 to ${max}.`;
      return null;
    }
    return n;
  };
  const rules = normalizeIntake({
    include: lines(values.include),
    exclude: lines(values.exclude),
    maxPerCheck: whole('maxPerCheck', 10_000),
    maxAgeDays: whole('maxAgeDays', 36_500),
  });
  for (const key of ['include', 'exclude'] as const) {
    try {
      compileIntake({ ...NO_INTAKE_RULES, [key]: rules[key] });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      errors[key] = `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;
    }
  }
  return rules;
}
