import type { IntakeRules } from '../model/intake.js';
import type { Fetcher } from '../fetch/index.js';
import { CourtesyError } from '../model/errors.js';
import type { RightsPolicy, Source, SearchEnginePolicy } from '../model/source.js';
import { ParseError, parseFeedBytes } from '../parse/index.js';
import type { Feed } from '../model/feed.js';
import type { Store } from '../store/index.js';

/** Why a URL could not be subscribed to: not a feed's address, or its body held no feed. */
export class SubscribeError extends CourtesyError<'subscribe.bad-url' | 'subscribe.no-body'> {}

export interface SubscribeRequest {
  url: string;
  name?: string | null;
  policy?: RightsPolicy;
  fullText?: boolean;
  /** Scraper rules for full text (see Source). */
  scraperSelector?: string | null;
  scraperRemove?: readonly string[];
  attributionTemplate?: string | null;
  searchEngines?: SearchEnginePolicy | null;
  /** Hold its new entries for review (Source.holdNew). */
  holdNew?: boolean;
  /** The section of the site its articles belong to. */
  section?: string | null;
  /** What it takes in of its feed (Source.intake). */
  intake?: IntakeRules;
  /** The language of its articles; the feed's when absent. */
  language?: string | null;
}

export interface Subscription {
  source: Source;
  /** Set when the URL given was a page and the feed was found through its <link rel="alternate">. */
  discoveredFrom: string | null;
  entries: number;
}

/** A feed found at an address: the feed's own URL, its body, and the page it was found on, if any. */
export interface FoundFeed {
  feedUrl: string;
  /** Set when the URL given was a page and the feed was found through its <link rel="alternate">. */
  discoveredFrom: string | null;
  body: Uint8Array;
  contentType: string | null;
  /** Where the body came from (after redirects): its relative references resolve against it. */
  bodyUrl: string;
  feed: Feed;
}

/**
 * Finds the feed at a feed URL, or the feed a site's page names through <link rel="alternate">:
 * fetched and parsed, so that a URL that is not a feed is refused with the reason. Nothing is stored.
 */
export async function findFeed(fetcher: Fetcher, given: string): Promise<FoundFeed> {
  const url = normalizeUrl(given);
  const first = await fetcher.fetch(url);
  if (first.kind !== 'modified')
    throw new SubscribeError('subscribe.no-body', `subscribe: ${url} sent no content`);
  try {
    const feed = parseFeedBytes(first.body, { contentType: first.contentType, url: first.finalUrl });
    return {
      feedUrl: first.movedTo ?? first.finalUrl,
      discoveredFrom: null,
      body: first.body,
      contentType: first.contentType,
      bodyUrl: first.finalUrl,
      feed,
    };
  } catch (error) {
    if (!(error instanceof ParseError) || error.code !== 'parse.html-page' || error.discovered.length === 0)
      throw error;
    const feedUrl = error.discovered[0]!;
    const second = await fetcher.fetch(feedUrl);
    if (second.kind !== 'modified')
      throw new SubscribeError('subscribe.no-body', `subscribe: ${feedUrl} sent no content`);
    const feed = parseFeedBytes(second.body, { contentType: second.contentType, url: second.finalUrl });
    return {
      feedUrl: second.movedTo ?? second.finalUrl,
      discoveredFrom: url,
      body: second.body,
      contentType: second.contentType,
      bodyUrl: second.finalUrl,
      feed,
    };
  }
}

/**
 * Subscribes to a feed URL, or to a site's page URL whose <link rel="alternate"> names its feed.
 * The feed is fetched and parsed first, so a URL that is not a feed is refused with the reason.
 */
export async function subscribe(
  store: Store,
  fetcher: Fetcher,
  request: SubscribeRequest,
  now: Date,
): Promise<Subscription> {
  const { feedUrl, discoveredFrom, feed } = await findFeed(fetcher, request.url);
  const source = await store.sources.add(
    {
      feedUrl,
      name: request.name ?? null,
      title: feed.title,
      siteUrl: feed.link,
      description: feed.description,
      policy: request.policy ?? 'full',
      fullText: request.fullText ?? false,
      scraperSelector: request.scraperSelector ?? null,
      scraperRemove: request.scraperRemove ?? [],
      attributionTemplate: request.attributionTemplate ?? null,
      searchEngines: request.searchEngines ?? null,
      holdNew: request.holdNew ?? false,
      section: request.section ?? null,
      intake: request.intake,
      language: request.language ?? null,
    },
    now,
  );
  return {
    source,
    discoveredFrom,
    entries: feed.entries.length,
  };
}

function normalizeUrl(value: string): string {
  const text = value.trim();
  if (/^[./\\~]/.test(text))
    throw new SubscribeError(
      'subscribe.bad-url',
      `subscribe: "${value}" looks like a file path; sources are feed URLs (http:// or https://)`,
    );
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme))
    throw new SubscribeError('subscribe.bad-url', `subscribe: "${value}" is not a URL`);
  return new URL(withScheme).href;
}
