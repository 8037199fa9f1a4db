import { htmlToText } from '../../markup/html-text.js';
import type { Entry } from '../../model/entry.js';
import { unpackEntries } from '../../model/entry-batch.js';
import { compileIntake, intakeVerdicts, type IntakeRules } from '../../model/intake.js';
import type { Source } from '../../model/source.js';
import { findFeed } from '../../sources/index.js';
import type { DeskDeps } from '../context.js';
import type { FeedPreview } from './add.js';
import type { SourceSettings } from './settings-fields.js';

/** How many of a feed's entries the add page's preview shows. */
const PREVIEW_ENTRIES = 3;

/** Fetches and parses the feed at an address, and prepares its first entries as a poll would, storing nothing. */
export async function previewFeed(
  deps: DeskDeps,
  url: string,
  values: SourceSettings,
  intake: IntakeRules,
): Promise<FeedPreview> {
  const found = await findFeed(deps.fetcher, url);
  const processed = await deps.processor.process({
    body: found.body,
    contentType: found.contentType,
    url: found.bodyUrl,
    sanitize: deps.config.content,
  });
  if (!processed.ok) throw new Error(processed.message);
  const entries = unpackEntries(processed.feed.entries);
  const now = new Date();
  const source: Source = {
    id: 0,
    feedUrl: found.feedUrl,
    siteUrl: processed.feed.link,
    name: values.name || null,
    title: processed.feed.title,
    description: processed.feed.description,
    policy: values.policy,
    fullText: values.fullText,
    scraperSelector: values.selector || null,
    scraperRemove: [],
    attributionTemplate: values.attribution || null,
    searchEngines: values.searchEngines === 'site' ? null : values.searchEngines,
    status: 'active',
    etag: null,
    lastModified: null,
    lastCheckedAt: null,
    lastSuccessAt: null,
    nextCheckAt: null,
    lastHttpStatus: null,
    lastErrorCode: null,
    lastError: null,
    consecutiveFailures: 0,
    createdAt: now,
    feedIntervalMs: null,
    checkBasis: null,
    holdNew: values.holdNew,
    section: values.section || null,
    intake,
    language: values.language || null,
    feedLanguage: processed.feed.language,
  };
  // As a first check would take them in: what the intake rules keep out is not shown.
  const verdicts = intakeVerdicts(
    compileIntake(intake),
    entries.map((e) => ({
      subject: {
        title: e.title,
        author: e.author,
        categories: e.categories,
        text: () => e.searchText ?? htmlToText(e.contentHtml ?? e.summaryHtml ?? ''),
      },
      publishedAt: e.publishedAt,
      sortAt: (e.publishedAt && e.publishedAt <= now ? e.publishedAt : now).getTime(),
    })),
    now,
  );
  const taken = entries.filter((_, i) => verdicts[i] === null);
  const shown: Entry[] = taken.slice(0, PREVIEW_ENTRIES).map((e, i) => ({
    ...e,
    id: i + 1,
    sourceId: 0,
    createdAt: now,
    sortAt: e.publishedAt && e.publishedAt <= now ? e.publishedAt : now,
    articleHtml: null,
    withheld: null,
  }));
  return {
    feedUrl: found.feedUrl,
    discoveredFrom: found.discoveredFrom,
    title: processed.feed.title,
    entries: entries.length,
    filtered: entries.length - taken.length,
    source,
    shown,
    warnings: processed.feed.warnings,
  };
}
