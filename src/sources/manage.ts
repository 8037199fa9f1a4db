import { readFile } from 'node:fs/promises';
import type { Fetcher } from '../fetch/index.js';
import { CourtesyError, UsageError } from '../model/errors.js';
import {
  languageTag,
  sectionName,
  type RightsPolicy,
  type SearchEnginePolicy,
  type Source,
} from '../model/source.js';
import { checkScraperRules } from '../markup/selectors.js';
import type { IntakeApplied, SourcePatch, Store } from '../store/index.js';
import { compileIntake, normalizeIntake, type IntakeRules } from '../model/intake.js';
import { parseOpml } from './opml.js';

/**
 * What an operator does to a subscribed source, whatever asks (a command, the admin area): each
 * decides and writes here, and the caller only reads its input and shows the outcome.
 */

/** How many of a source's newest entries are extracted again when its full text or rules change. */
export const RECENT_EXTRACTIONS = 20;

export async function requireSource(store: Store, id: number): Promise<Source> {
  const source = await store.sources.get(id);
  if (!source) throw new CourtesyError('store.not-found', `there is no source ${id}`);
  return source;
}

/** A change to how a source is republished; what is absent stays as it is. */
export interface SourceChange {
  name?: string;
  policy?: RightsPolicy;
  /** A template; null for the site's own. */
  attributionTemplate?: string | null;
  /** null for the site's own. */
  searchEngines?: SearchEnginePolicy | null;
  fullText?: boolean;
  /** A CSS selector; null to let Readability find the article again. */
  selector?: string | null;
  /** CSS selectors of what to take out first; [] for nothing. */
  remove?: readonly string[];
  /** Hold new entries for review. */
  holdNew?: boolean;
  /** The section its articles belong to; null for none. */
  section?: string | null;
  /** What it takes in of its feed: each part given replaces the one in force (model/intake.ts). */
  intake?: Partial<IntakeRules>;
  /** The language of its articles (a BCP 47 tag); null for the feed's. */
  language?: string | null;
}

export interface SourceChanged {
  /** The fields that changed, as the store names them. */
  fields: string[];
  /** How many of its newest entries were queued for extraction again; null when none needed to be. */
  requeued: number | null;
  /** What new intake rules did to its stored entries; null when they did not change. */
  intake: IntakeApplied | null;
}

/**
 * Changes how a source is republished: at once, on every page and feed that shows its articles.
 * Scraper rules are checked as CSS first; turning full text on, or changing the rules of a
 * full-text source, queues its newest entries for extraction again.
 */
export async function changeSource(
  store: Store,
  id: number,
  change: SourceChange,
  now: Date,
  actor: string,
): Promise<SourceChanged> {
  const before = await requireSource(store, id);
  const rules = checkScraperRules({ selector: change.selector ?? null, remove: change.remove ?? [] });
  const intake = change.intake ? normalizeIntake({ ...before.intake, ...change.intake }) : null;
  // Checked before anything is written: a rule that cannot be read changes nothing.
  if (intake) compileIntake(intake);
  const intakeChanged = intake !== null && JSON.stringify(intake) !== JSON.stringify(before.intake);
  const patch: SourcePatch = {
    ...(change.fullText !== undefined ? { fullText: change.fullText } : {}),
    ...(change.selector !== undefined ? { scraperSelector: rules.selector } : {}),
    ...(change.remove !== undefined ? { scraperRemove: rules.remove } : {}),
    ...(change.name !== undefined ? { name: change.name.trim() || null } : {}),
    ...(change.policy ? { policy: change.policy } : {}),
    ...(change.attributionTemplate !== undefined ? { attributionTemplate: change.attributionTemplate } : {}),
    ...(change.searchEngines !== undefined ? { searchEngines: change.searchEngines } : {}),
    ...(change.holdNew !== undefined ? { holdNew: change.holdNew } : {}),
    ...(change.section !== undefined ? { section: sectionName(change.section) } : {}),
    ...(change.language !== undefined ? { language: checkedLanguage(change.language) } : {}),
  };
  if (Object.keys(patch).length === 0 && !change.intake) {
    throw new UsageError('sources.usage', 'sources set: nothing to change (see --help)');
  }
  if (Object.keys(patch).length > 0) await store.sources.update(id, patch);
  const applied = intakeChanged ? await store.entries.applyIntake(id, intake, actor, now) : null;
  const rulesChanged = patch.scraperSelector !== undefined || patch.scraperRemove !== undefined;
  const extractAgain =
    (patch.fullText === true && !before.fullText) || (rulesChanged && (patch.fullText ?? before.fullText));
  return {
    fields: [...Object.keys(patch), ...(intakeChanged ? ['intake'] : [])],
    requeued: extractAgain ? await store.extractions.requeue(id, RECENT_EXTRACTIONS, now) : null,
    intake: applied,
  };
}

/** A language as typed, canonical; null for none; a UsageError for what is no language tag. */
export function checkedLanguage(typed: string | null): string | null {
  if (typed === null || typed.trim() === '') return null;
  const tag = languageTag(typed);
  if (!tag)
    throw new UsageError('sources.language', `“${typed}” is not a language tag (such as en, fr or pt-BR)`);
  return tag;
}

/** Stops polling a source; its articles stay on the site. */
export async function pauseSource(store: Store, id: number): Promise<void> {
  await requireSource(store, id);
  await store.sources.update(id, { status: 'paused' });
}

/** Polls a paused or disabled source again, starting now. */
export async function resumeSource(store: Store, id: number, now: Date): Promise<void> {
  await requireSource(store, id);
  await store.sources.update(id, {
    status: 'active',
    consecutiveFailures: 0,
    nextCheckAt: now,
    checkBasis: 'resumed by the operator',
  });
}

/** Unsubscribes and deletes the source with all its entries. */
export async function removeSource(store: Store, id: number): Promise<void> {
  if (!(await store.sources.remove(id)))
    throw new CourtesyError('store.not-found', `there is no source ${id}`);
}

/** One feed of an OPML import: added, already subscribed (as `source`), or refused, and why. */
export type ImportStep =
  | { kind: 'added'; feedUrl: string; title: string | null; section: string | null; source: Source }
  | { kind: 'known'; feedUrl: string; title: string | null; section: string | null; source: Source }
  | { kind: 'refused'; feedUrl: string; title: string | null; section: string | null; problem: string };

export interface ImportOptions {
  policy: RightsPolicy;
  /** Hold the new sources' articles for review. */
  holdNew?: boolean;
  /** Each feed's folder (its innermost) becomes its section; true unless said otherwise. */
  sectionsFromFolders?: boolean;
  /** When the new sources are first due (default: now). */
  firstCheckAt?: Date;
}

/**
 * Subscribes to every feed of an OPML document that is not subscribed yet, in the file's order;
 * the new sources share `now` as the moment they were added, so the import's sources can be listed
 * together. A feed whose address is not a web address is refused, and the rest go on. Feeds already
 * subscribed are left as they are (their section included).
 */
export async function importOpml(
  store: Store,
  opml: string,
  options: ImportOptions,
  now: Date,
  onStep?: (step: ImportStep, total: number) => void,
): Promise<ImportStep[]> {
  const outlines = parseOpml(opml);
  const steps: ImportStep[] = [];
  for (const outline of outlines) {
    const section = options.sectionsFromFolders === false ? null : sectionName(outline.categories.at(-1));
    const base = { feedUrl: outline.feedUrl, title: outline.title, section };
    const problem = feedUrlProblem(outline.feedUrl);
    const known = problem ? null : await store.sources.findByUrl(outline.feedUrl);
    let step: ImportStep;
    if (problem) step = { ...base, kind: 'refused', problem };
    else if (known) step = { ...base, kind: 'known', source: known };
    else {
      const source = await store.sources.add(
        {
          feedUrl: outline.feedUrl,
          title: outline.title,
          siteUrl: outline.siteUrl,
          policy: options.policy,
          holdNew: options.holdNew ?? false,
          section,
        },
        now,
      );
      if (options.firstCheckAt) await store.sources.update(source.id, { nextCheckAt: options.firstCheckAt });
      step = { ...base, kind: 'added', source };
    }
    steps.push(step);
    onStep?.(step, outlines.length);
  }
  return steps;
}

/** Why an OPML file's feed address cannot be subscribed to, or null when it can. */
function feedUrlProblem(url: string): string | null {
  if (!URL.canParse(url)) return `“${url}” is not a web address`;
  const { protocol } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:') return `“${url}” is not an http:// or https:// address`;
  return null;
}

/**
 * The text of an OPML file named by its path, or fetched from its http(s) address through the
 * guarded fetcher (private addresses refused unless allowed, the body capped as a feed's is).
 */
export async function readOpml(fetcher: Fetcher, file: string): Promise<string> {
  if (/^https?:\/\//i.test(file)) {
    const fetched = await fetcher.fetch(file, undefined, {
      accept: 'text/x-opml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    });
    if (fetched.kind !== 'modified')
      throw new CourtesyError('sources.no-opml', `${file} sent no OPML (HTTP ${fetched.status})`);
    return new TextDecoder('utf-8').decode(fetched.body);
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CourtesyError('sources.read', `cannot read ${file}: ${why}`);
  }
}

/** active, paused, disabled; or failing: active, but its last check failed. */
export function sourceState(source: Source): string {
  return source.status === 'active' && source.lastError ? 'failing' : source.status;
}

/** The last error in words, with its HTTP status and the length of the streak. */
export function describeLastError(source: Source): string {
  if (!source.lastError) return '';
  const http = source.lastHttpStatus && source.lastHttpStatus >= 300 ? `HTTP ${source.lastHttpStatus}: ` : '';
  const streak =
    source.status === 'active' && source.consecutiveFailures > 1
      ? ` (${source.consecutiveFailures} failures in a row)`
      : '';
  return `${http}${source.lastError}${streak}`;
}
