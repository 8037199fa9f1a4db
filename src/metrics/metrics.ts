import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { pollStall, type Store } from '../store/index.js';

/** What a finished check reports to the metrics (a RefreshOutcome has these fields). */
export interface CheckReport {
  kind: 'stored' | 'not-modified' | 'failed';
  code?: string;
  inserted?: number;
  updated?: number;
  suppressed?: number;
}

/** What the page cache reports: its counters and its size, read at each scrape. */
export interface CacheReport {
  readonly stats: { hits: number; misses: number; invalidations: number };
  readonly size: number;
  readonly byteSize: number;
}

/** How long a read of the queue, and of the sources by status, serves later scrapes. */
const QUEUE_KEEP_MS = 5_000;
const STATUS_KEEP_MS = 60_000;

/**
 * A read that is made again only once it is `keepMs` old; a read that fails gives null (and is
 * tried again at the next call).
 */
function remembered<T>(keepMs: number, read: () => Promise<T>): () => Promise<T | null> {
  let last: { at: number; value: Promise<T | null> } | null = null;
  return () => {
    const now = Date.now();
    if (last && now - last.at < keepMs) return last.value;
    const value = read().catch(() => {
      last = null;
      return null;
    });
    last = { at: now, value };
    return value;
  };
}

/** Seconds: a fetch is a few milliseconds on a near host and up to the total timeout on a far one. */
const FETCH_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: a kept page takes microseconds, a search tens of milliseconds. */
const PAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The Prometheus metrics of one process: what its poller did (checks by outcome, errors by code,
 * fetch latency, entries stored), what its web server answered (page latency by route, cache hits),
 * and, read from the database at each scrape, the polling queue and the outbox, which every
 * process on the database sees alike. Names follow Prometheus's conventions (`courtesy_` prefix,
 * `_total` counters, seconds).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly checks: Counter<'outcome'>;
  private readonly errors: Counter<'code'>;
  private readonly fetchSeconds: Histogram<'result'>;
  private readonly entries: Counter<'change'>;
  private readonly pushes: Counter<'result'>;
  private readonly pages: Counter<'outcome'>;
  private readonly images: Counter<'outcome'>;
  private readonly pageSeconds: Histogram<'route' | 'status' | 'cache'>;
  private watching = false;

  /** `processMetrics`: also the process's CPU, memory, event-loop lag and the like (off in tests). */
  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.checks = new Counter({
      name: 'courtesy_poll_checks_total',
      help: 'Checks of sources, by outcome: stored (a full fetch), not_modified (304) or failed.',
      labelNames: ['outcome'],
      registers,
    });
    this.errors = new Counter({
      name: 'courtesy_poll_errors_total',
      help: 'Failed checks by error code (see docs/polling.md), such as fetch.timeout or http.status.',
      labelNames: ['code'],
      registers,
    });
    this.fetchSeconds = new Histogram({
      name: 'courtesy_fetch_duration_seconds',
      help: 'Time from sending a feed request to having its whole body (or its failure), by result.',
      labelNames: ['result'],
      buckets: FETCH_BUCKETS,
      registers,
    });
    this.entries = new Counter({
      name: 'courtesy_entries_stored_total',
      help: 'Entries written by checks and pushes: inserted, updated, or suppressed (kept out by a takedown rule).',
      labelNames: ['change'],
      registers,
    });
    this.pushes = new Counter({
      name: 'courtesy_websub_pushes_total',
      help: 'Content pushed by WebSub hubs, by result: stored, ignored (unsigned or a bad signature) or refused.',
      labelNames: ['result'],
      registers,
    });
    this.pages = new Counter({
      name: 'courtesy_full_text_pages_total',
      help: 'Original pages of full-text entries worked: done (the article is shown), kept_feed (the feed’s content stays, see sources show) or retried (to be tried again later).',
      labelNames: ['outcome'],
      registers,
    });
    this.images = new Counter({
      name: 'courtesy_media_images_total',
      help: 'Lead images worked: ready (resized copies kept and shown), failed (not shown; the reason is on its line) or retried (to be tried again later).',
      labelNames: ['outcome'],
      registers,
    });
    this.pageSeconds = new Histogram({
      name: 'courtesy_http_request_duration_seconds',
      help: 'Time to answer a request, by route (the pattern that answered it), status class and page cache use.',
      labelNames: ['route', 'status', 'cache'],
      buckets: PAGE_BUCKETS,
      registers,
    });
    for (const change of ['inserted', 'updated', 'suppressed']) this.entries.inc({ change }, 0);
    for (const outcome of ['stored', 'not_modified', 'failed']) this.checks.inc({ outcome }, 0);
    for (const outcome of ['done', 'kept_feed', 'retried']) this.pages.inc({ outcome }, 0);
    for (const outcome of ['ready', 'failed', 'retried']) this.images.inc({ outcome }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'courtesy_' });
  }

  /** A check finished (whatever its outcome). */
  check(report: CheckReport): void {
    this.checks.inc({ outcome: report.kind === 'not-modified' ? 'not_modified' : report.kind });
    if (report.kind === 'failed') this.errors.inc({ code: report.code ?? 'internal' });
    this.stored(report);
  }

  /** Entries a check or a push wrote. */
  stored(report: { inserted?: number; updated?: number; suppressed?: number }): void {
    if (report.inserted) this.entries.inc({ change: 'inserted' }, report.inserted);
    if (report.updated) this.entries.inc({ change: 'updated' }, report.updated);
    if (report.suppressed) this.entries.inc({ change: 'suppressed' }, report.suppressed);
  }

  /** A feed request ended: `result` is modified (a body), not_modified (304) or failed. */
  fetched(seconds: number, result: 'modified' | 'not_modified' | 'failed'): void {
    this.fetchSeconds.observe({ result }, seconds);
  }

  /** A full-text page was worked, with this outcome. */
  fullText(state: 'done' | 'kept-feed' | 'pending'): void {
    this.pages.inc({
      outcome: state === 'kept-feed' ? 'kept_feed' : state === 'pending' ? 'retried' : 'done',
    });
  }

  /** A lead image was worked, with this outcome. */
  media(state: 'ready' | 'failed' | 'pending'): void {
    this.images.inc({ outcome: state === 'pending' ? 'retried' : state });
  }

  push(result: 'stored' | 'ignored' | 'refused'): void {
    this.pushes.inc({ result });
  }

  /** A request was answered: `route` is the pattern that answered it, never the path itself. */
  request(route: string, status: number, seconds: number, cache: 'hit' | 'miss' | 'none'): void {
    this.pageSeconds.observe({ route, status: `${Math.floor(status / 100)}xx`, cache }, seconds);
  }

  /**
   * Reads the shared state at each scrape: the polling queue (sources by status, due and waiting,
   * being checked) and the outbox, from the database; the page cache, from this process. A
   * database that fails to answer leaves those gauges out of that scrape rather than failing it.
   */
  watch(store: Store, stallAfterMs: number, cache?: CacheReport): void {
    if (this.watching) return;
    this.watching = true;
    const registers = [this.registry];
    // One read serves every gauge of a scrape, and is kept a moment: many processes may be
    // scraped, and they all read the same rows. Counting by status reads every source, so it is
    // kept longer.
    const queue = remembered(QUEUE_KEEP_MS, () => store.sources.queue(new Date()));
    const byStatus = remembered(STATUS_KEEP_MS, () => store.sources.countByStatus());
    new Gauge({
      name: 'courtesy_sources',
      help: 'Sources by status (active, paused, disabled), across the whole database (counted once a minute).',
      labelNames: ['status'],
      registers,
      async collect() {
        const read = await byStatus();
        if (!read) return;
        for (const [status, count] of Object.entries(read)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'courtesy_poll_queue_due',
      help: 'Active sources whose check is due and that no poller is checking: the polling queue’s depth (counted up to 100,000).',
      registers,
      async collect() {
        const read = await queue();
        if (read) this.set(read.due);
      },
    });
    new Gauge({
      name: 'courtesy_poll_queue_claimed',
      help: 'Sources a poller (in any process) is checking now.',
      registers,
      async collect() {
        const read = await queue();
        if (read) this.set(read.claimed);
      },
    });
    const ageOf = (at: Date | null) => (at ? Math.max(0, (Date.now() - at.getTime()) / 1000) : null);
    new Gauge({
      name: 'courtesy_poll_oldest_due_seconds',
      help: 'How long the due source that has waited longest (and that no poller is checking) has been due; 0 when none is.',
      registers,
      async collect() {
        const read = await queue();
        if (read) this.set(ageOf(read.oldestDueAt) ?? 0);
      },
    });
    new Gauge({
      name: 'courtesy_poll_last_check_timestamp_seconds',
      help: 'When the last check of any source ended, in any process, in Unix seconds (0 before the first).',
      registers,
      async collect() {
        const read = await queue();
        if (read) this.set(read.lastCheckAt ? read.lastCheckAt.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: 'courtesy_poll_stalled',
      help: '1 when the polling has stalled: a source has been due for poll.stall_after_seconds and no check has ended in that time (then /readyz answers 503).',
      registers,
      async collect() {
        const read = await queue();
        if (read) this.set(pollStall(read, new Date(), stallAfterMs) === null ? 0 : 1);
      },
    });
    new Gauge({
      name: 'courtesy_full_text_pending',
      help: 'Original pages of full-text entries waiting to be fetched and extracted (new ones, and ones to be tried again).',
      registers,
      async collect() {
        const pending = await store.extractions.pending().catch(() => null);
        if (pending !== null) this.set(pending);
      },
    });
    new Gauge({
      name: 'courtesy_outbox_pending',
      help: 'Takedown notices waiting to be sent.',
      registers,
      async collect() {
        const pending = await store.outbox.pending().catch(() => null);
        if (pending !== null) this.set(pending);
      },
    });
    if (!cache) return;
    new Gauge({
      name: 'courtesy_page_cache_pages',
      help: 'Rendered pages this process keeps.',
      registers,
      collect() {
        this.set(cache.size);
      },
    });
    new Gauge({
      name: 'courtesy_page_cache_bytes',
      help: 'Memory the kept pages take, compressed copies included.',
      registers,
      collect() {
        this.set(cache.byteSize);
      },
    });
    for (const [name, key, help] of [
      ['courtesy_page_cache_hits_total', 'hits', 'Requests answered from kept pages.'],
      ['courtesy_page_cache_misses_total', 'misses', 'Pages rendered and kept.'],
      ['courtesy_page_cache_invalidations_total', 'invalidations', 'Kept pages dropped by changes.'],
    ] as const) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(cache.stats[key]);
        },
      });
    }
  }

  /** The exposition: its content type and text. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
