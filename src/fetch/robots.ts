import { createRequire } from 'node:module';
import { FetchError } from './errors.js';
import type { Fetcher } from './fetcher.js';

/** A parsed robots.txt (robots-parser). */
interface Robot {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
}

/**
 * robots-parser is CommonJS, and its declarations describe an ES default export that it does not
 * have; it is loaded as what it is.
 */
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, text: string) => Robot;

/** What a site's robots.txt says about one URL, for courtesy's User-Agent. */
export interface RobotsVerdict {
  allowed: boolean;
  /** The site's Crawl-delay for courtesy, in seconds, when it sets one. */
  crawlDelaySeconds: number | null;
  /** Why, in words: which robots.txt, or why none could be read. */
  basis: string;
  /** The robots.txt could not be read this time (nothing is fetched until it can be): true; else absent. */
  unreachable?: boolean;
}

interface Rules {
  verdict: (url: string) => RobotsVerdict;
  until: number;
}

/** RFC 9309 §2.4: a robots.txt may be cached for up to 24 hours. */
const CACHE_MS = 24 * 60 * 60 * 1000;
/** A robots.txt that could not be fetched (a 5xx, no answer) is asked for again this much later. */
const UNREACHABLE_RETRY_MS = 10 * 60 * 1000;
/** Sites kept at once; the least recently fetched go first. */
const MAX_SITES = 5_000;

/**
 * The robots.txt rules of the sites courtesy fetches article pages from (RFC 9309), through the
 * same polite fetcher: each site's file is fetched once a day at most, and concurrent questions
 * about one site share one fetch. A 4xx answer means no rules (everything allowed); a 5xx or no
 * answer means, until it can be read, that nothing is (RFC 9309 §2.3.1.3–4). Feeds themselves are
 * not subject to it: a feed is published to be polled.
 */
export class RobotsRules {
  private readonly sites = new Map<string, Rules>();
  private readonly pending = new Map<string, Promise<Rules>>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly userAgent: string,
    private readonly now: () => number = Date.now,
  ) {}

  async check(url: string): Promise<RobotsVerdict> {
    const origin = new URL(url).origin;
    let rules = this.sites.get(origin);
    if (!rules || rules.until <= this.now()) {
      let loading = this.pending.get(origin);
      if (!loading) {
        loading = this.load(origin).finally(() => this.pending.delete(origin));
        this.pending.set(origin, loading);
      }
      rules = await loading;
    }
    return rules.verdict(url);
  }

  private async load(origin: string): Promise<Rules> {
    const robotsUrl = `${origin}/robots.txt`;
    let rules: Rules;
    try {
      const result = await this.fetcher.fetch(robotsUrl, undefined, { accept: 'text/plain, */*;q=0.5' });
      const text = result.kind === 'modified' ? Buffer.from(result.body).toString('utf8') : '';
      const robot = robotsParser(robotsUrl, text);
      rules = {
        until: this.now() + CACHE_MS,
        verdict: (url) => ({
          allowed: robot.isAllowed(url, this.userAgent) !== false,
          crawlDelaySeconds: robot.getCrawlDelay(this.userAgent) ?? null,
          basis: robotsUrl,
        }),
      };
    } catch (error) {
      const status = error instanceof FetchError ? error.status : null;
      if (status !== null && status >= 400 && status < 500) {
        rules = {
          until: this.now() + CACHE_MS,
          verdict: () => ({
            allowed: true,
            crawlDelaySeconds: null,
            basis: `${robotsUrl} answered ${status}: no rules`,
          }),
        };
      } else {
        const why = error instanceof Error ? error.message : String(error);
        rules = {
          until: this.now() + UNREACHABLE_RETRY_MS,
          verdict: () => ({
            allowed: false,
            crawlDelaySeconds: null,
            basis: `${robotsUrl} could not be read (${why}): nothing is fetched from the site until it can be`,
            unreachable: true,
          }),
        };
      }
    }
    this.sites.delete(origin);
    this.sites.set(origin, rules);
    if (this.sites.size > MAX_SITES) this.sites.delete(this.sites.keys().next().value!);
    return rules;
  }
}
