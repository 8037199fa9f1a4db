import type { Config } from '../config/index.js';
import { FetchError, type Fetcher, type RobotsRules } from '../fetch/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { errorCode, errorMessage } from '../model/errors.js';
import type { ExtractionOutcome, ExtractionTask, Store } from '../store/index.js';
import { fetchPage } from './page.js';
import type { ExtractionPool } from './pool.js';

export interface FullTextContext {
  store: Store;
  fetcher: Fetcher;
  robots: RobotsRules;
  pool: ExtractionPool;
  config: Config;
  logger: Logger;
  /** Where outcomes are counted, when the process exposes metrics. */
  metrics?: Metrics;
  now?: () => Date;
}

/** How one page went, for a caller that reports progress. */
export interface PageReport {
  task: ExtractionTask;
  outcome: ExtractionOutcome;
}

/** A page that could not be fetched is tried again 10 minutes later, then 40, 160... */
const RETRY_BASE_MS = 10 * 60_000;
/** A Crawl-delay is honoured up to this many seconds between two pages of a site. */
const MAX_CRAWL_DELAY_S = 60;
/** Failures of the network or the server, which may pass: the page is tried again later. */
const TRANSIENT_CODES = new Set(['fetch.timeout', 'fetch.network', 'fetch.connection-refused', 'fetch.dns']);

/**
 * Fetches and extracts the pages of the full-text queue: for each new entry of a full-text
 * source, its original page, through the polite fetcher and only where robots.txt allows, then its
 * article, in the extraction threads; a page whose article looks wrong, or that cannot be had,
 * leaves the feed's content in place, with the reason recorded. Runs beside the poller, in
 * `serve` and in `worker`; any number of them can share one database.
 */
export class FullTextExtractor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;
  /** When each site may next be fetched from, for sites with a Crawl-delay. */
  private readonly nextAllowed = new Map<string, number>();

  constructor(private readonly ctx: FullTextContext) {}

  /** Works the queue now and then every poll.check_every_seconds, until stop(). */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks at the queue soon (a refresh has just queued pages). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /**
   * Works every page that is due, pass after pass, until none is left; resolves to how many were
   * worked. Passes never overlap: a call while one runs makes it go round once more.
   */
  drain(onPage?: (report: PageReport) => void): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let worked = 0;
      for (;;) {
        this.again = false;
        const n = await this.pass(onPage);
        worked += n;
        if (n === 0 && !this.again) break;
      }
      return worked;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain()
        .catch((error: unknown) => this.ctx.logger.error({ err: error }, 'full text: a pass failed'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.ctx.config.poll.checkEveryMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Claims as many due pages as may be worked at once, and works them; how many. */
  private async pass(onPage?: (report: PageReport) => void): Promise<number> {
    const now = this.now();
    const tasks = await this.ctx.store.extractions.claim(now, this.ctx.config.fullText.concurrency, {
      claimMs: this.ctx.config.poll.claimMs,
      perHost: this.ctx.config.poll.perHostConcurrency,
    });
    await Promise.all(
      tasks.map(async (task) => {
        const outcome = await this.work(task);
        await this.ctx.store.extractions.finish(task.entryId, outcome, this.now());
        this.ctx.metrics?.fullText(outcome.state);
        const log = this.ctx.logger.child({ entryId: task.entryId, sourceId: task.sourceId, url: task.url });
        if (outcome.state === 'done') log.debug('full text: article extracted');
        else log.info({ state: outcome.state, note: outcome.note }, 'full text: the feed’s content stays');
        onPage?.({ task, outcome });
      }),
    );
    return tasks.length;
  }

  private async work(task: ExtractionTask): Promise<ExtractionOutcome> {
    let page;
    try {
      await this.crawlDelay(task.url);
      page = await fetchPage(this.ctx.fetcher, this.ctx.robots, task.url);
    } catch (error) {
      return this.fetchFailed(task, error);
    }
    const result = await this.ctx.pool.extract({
      html: page.html,
      url: page.url,
      feedHtml: task.feedHtml,
      selector: task.selector,
      remove: task.remove,
      sanitize: this.ctx.config.content,
    });
    if (!result.ok) return { state: 'kept-feed', note: result.message };
    return {
      state: 'done',
      html: result.html,
      searchText: result.searchText,
      image: result.image,
      pictures: result.pictures,
      canonical: result.canonical,
      print: result.print,
    };
  }

  /** A page not fetched: tried again later when the failure may pass, else the feed's content stays. */
  private fetchFailed(task: ExtractionTask, error: unknown): ExtractionOutcome {
    const code = errorCode(error);
    // Messages name their stage ("fetch: …", "extract: …").
    const note = errorMessage(error);
    if (code === null) {
      // Not a failure of the network or the page but of courtesy: logged as one, and not tried
      // again as if the network might do better next time.
      this.ctx.logger.error(
        { err: error, entryId: task.entryId, url: task.url },
        'full text: internal error',
      );
      return { state: 'kept-feed', note: `extract: internal error: ${note}` };
    }
    const status = error instanceof FetchError ? error.status : null;
    const transient = TRANSIENT_CODES.has(code) || (status !== null && (status === 429 || status >= 500));
    const attempts = task.attempts + 1;
    if (!transient || attempts >= this.ctx.config.fullText.maxAttempts) {
      return { state: 'kept-feed', note: transient ? `gave up after ${attempts} tries: ${note}` : note };
    }
    const now = this.now().getTime();
    const backoff = RETRY_BASE_MS * 4 ** (attempts - 1);
    const asked = error instanceof FetchError && error.retryAt ? error.retryAt.getTime() : 0;
    return { state: 'pending', note, retryAt: new Date(Math.max(now + backoff, asked)) };
  }

  /** Waits for the site's Crawl-delay since the last page fetched from it, when it sets one. */
  private async crawlDelay(url: string): Promise<void> {
    const verdict = await this.ctx.robots.check(url);
    if (!verdict.crawlDelaySeconds || !verdict.allowed) return;
    const origin = new URL(url).origin;
    const now = Date.now();
    const at = Math.max(now, this.nextAllowed.get(origin) ?? 0);
    this.nextAllowed.set(origin, at + Math.min(verdict.crawlDelaySeconds, MAX_CRAWL_DELAY_S) * 1000);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  private now(): Date {
    return this.ctx.now?.() ?? new Date();
  }
}
