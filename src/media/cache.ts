import type { Config } from '../config/index.js';
import { FetchError, type Fetcher, type RobotsRules } from '../fetch/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { errorCode, errorMessage } from '../model/errors.js';
import type { MediaOutcome, MediaTask, Store } from '../store/index.js';
import { MediaError } from './errors.js';
import { MediaFiles } from './files.js';
import { resizeImage } from './resize.js';

export interface MediaContext {
  store: Store;
  fetcher: Fetcher;
  robots: RobotsRules;
  config: Config;
  logger: Logger;
  metrics?: Metrics;
  now?: () => Date;
}

/** What one pass did, for tests and reports. */
export interface MediaPass {
  fetched: number;
  purged: number;
  evicted: number;
}

const IMAGE_ACCEPT = 'image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.8, */*;q=0.1';
/** An image that could not be fetched is tried again 10 minutes later, then 40, 160. */
const RETRY_BASE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 3;
const TRANSIENT_CODES = new Set([
  'fetch.timeout',
  'fetch.network',
  'fetch.connection-refused',
  'fetch.dns',
  'media.robots-unreachable',
]);
/** Purged lines handled in one pass. */
const PURGE_BATCH = 500;
/** Lines of entries removed without being purged are looked for this often. */
const SWEEP_EVERY_MS = 3_600_000;
/** Past the disk bound, the oldest images go until the cache is this share of it. */
const EVICT_TO = 0.9;

/**
 * The media cache: fetches each entry's lead image once, politely (through the fetcher, so its
 * per-host limits, time and size limits and its refusal of private addresses hold, and only where
 * robots.txt allows), resizes it to the copies the pages use (on libvips' threads), and keeps them
 * on disk within `media.max_disk_mb`, the oldest going first. Deletes the copies of hidden and
 * removed entries' images at its next pass (the site stops serving them at once). Runs beside the
 * poller, in `serve` and in `worker`; any number of them can share one database and one folder.
 */
export class MediaCache {
  readonly files: MediaFiles;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<MediaPass> | null = null;
  private again = false;
  private stopped = true;
  /** What the kept copies take on disk, as this process counts it (null: to be read from the store). */
  private diskBytes: number | null = null;
  private sweptAt = 0;

  constructor(private readonly ctx: MediaContext) {
    this.files = new MediaFiles(ctx.config.media.dir);
  }

  /** Works the queue now and then every poll.check_every_seconds, until stop(). */
  start(): void {
    if (!this.ctx.config.media.enabled) return;
    this.stopped = false;
    void this.files.removeLeftovers().catch(() => 0);
    this.schedule(0);
  }

  /** Looks at the queue soon (a refresh has just stored entries). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => null);
  }

  /**
   * Purges, fetches every due image and keeps the disk bound, pass after pass until nothing is left;
   * what it did. Passes never overlap: a call while one runs makes it go round once more.
   */
  drain(): Promise<MediaPass> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      this.diskBytes = null;
      const total: MediaPass = { fetched: 0, purged: 0, evicted: 0 };
      for (;;) {
        this.again = false;
        const pass = await this.pass();
        total.fetched += pass.fetched;
        total.purged += pass.purged;
        total.evicted += pass.evicted;
        if (pass.fetched === 0 && pass.purged === 0 && !this.again) break;
      }
      return total;
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
        .catch((error: unknown) => this.ctx.logger.error({ err: error }, 'media: a pass failed'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.ctx.config.poll.checkEveryMs);
        });
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<MediaPass> {
    if (this.now().getTime() - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweptAt = this.now().getTime();
      await this.ctx.store.media.sweep();
    }
    // What the copies take: read once a drain, then counted as images are kept and evicted.
    this.diskBytes ??= (await this.ctx.store.media.usage()).bytes;
    const purged = await this.purge();
    const tasks = await this.ctx.store.media.claim(
      this.now(),
      this.ctx.config.media.concurrency,
      this.ctx.config.poll.claimMs,
    );
    let written = false;
    // Entries of one pass that share an image share its one fetch.
    const byKey = new Map<string, Promise<MediaOutcome>>();
    await Promise.all(
      tasks.map(async (task) => {
        let work = byKey.get(task.key);
        if (!work) byKey.set(task.key, (work = this.work(task)));
        const outcome = await work;
        await this.ctx.store.media.finish(task, outcome, this.now());
        this.ctx.metrics?.media(outcome.state);
        if (outcome.state === 'ready') written = true;
        else
          this.ctx.logger.info(
            { entryId: task.entryId, url: task.url, state: outcome.state, note: outcome.note },
            'media: no lead image',
          );
      }),
    );
    const evicted = written ? await this.bound() : 0;
    return { fetched: tasks.length, purged, evicted };
  }

  /** Deletes the copies of purged lines that no other entry shows; how many lines. */
  private async purge(): Promise<number> {
    const lines = await this.ctx.store.media.purges(PURGE_BATCH);
    if (lines.length === 0) return 0;
    for (const key of new Set(lines.map((l) => l.key))) {
      if (!(await this.ctx.store.media.inUse(key, lines))) await this.files.remove(key);
    }
    await this.ctx.store.media.settle(lines);
    return lines.length;
  }

  /** Past the disk bound, evicts the oldest images down to EVICT_TO of it; how many. */
  private async bound(): Promise<number> {
    const max = this.ctx.config.media.maxDiskBytes;
    if ((this.diskBytes ?? 0) <= max) return 0;
    // Over by this process's count: the store's figure (every process's images) decides.
    const { bytes } = await this.ctx.store.media.usage();
    this.diskBytes = bytes;
    if (bytes <= max) return 0;
    const keys = await this.ctx.store.media.evict(bytes - max * EVICT_TO, this.now());
    for (const key of keys) await this.files.remove(key);
    this.diskBytes = (await this.ctx.store.media.usage()).bytes;
    this.ctx.logger.info({ images: keys.length, bytes, max }, 'media: the oldest images made room');
    return keys.length;
  }

  private async work(task: MediaTask): Promise<MediaOutcome> {
    // The same image for another entry (a source's default picture): its copies serve this one too.
    const kept = await this.ctx.store.media.kept(task.key);
    if (kept) return { state: 'ready', ...kept };
    try {
      const verdict = await this.ctx.robots.check(task.url);
      if (!verdict.allowed) {
        throw new MediaError(
          verdict.unreachable ? 'media.robots-unreachable' : 'media.robots',
          `media: ${verdict.basis.includes('could not') ? verdict.basis : `${verdict.basis} does not allow courtesy to fetch ${task.url}`}`,
        );
      }
      const result = await this.ctx.fetcher.fetch(task.url, undefined, { accept: IMAGE_ACCEPT });
      if (result.kind !== 'modified')
        throw new MediaError('media.not-image', `media: ${task.url} sent nothing`);
      const type = result.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (type && !type.startsWith('image/') && type !== 'application/octet-stream') {
        throw new MediaError('media.format', `media: ${task.url} is ${type}, not an image`);
      }
      if (result.body.byteLength > this.ctx.config.media.maxImageBytes) {
        throw new MediaError(
          'media.too-large',
          `media: ${Math.round(result.body.byteLength / 1024)} KB is more than media.max_image_mb allows`,
        );
      }
      const copies = await resizeImage(result.body, task.role);
      const bytes = await this.files.write(task.key, copies);
      this.diskBytes = (this.diskBytes ?? 0) + bytes;
      const widest = copies[copies.length - 1]!;
      return { state: 'ready', width: widest.pixelWidth, height: widest.pixelHeight, bytes };
    } catch (error) {
      return this.failed(task, error);
    }
  }

  private failed(task: MediaTask, error: unknown): MediaOutcome {
    const code = errorCode(error);
    const note = errorMessage(error);
    if (code === null) {
      this.ctx.logger.error({ err: error, entryId: task.entryId, url: task.url }, 'media: internal error');
      return { state: 'failed', note: `media: internal error: ${note}` };
    }
    const status = error instanceof FetchError ? error.status : null;
    const transient = TRANSIENT_CODES.has(code) || (status !== null && (status === 429 || status >= 500));
    const attempts = task.attempts + 1;
    if (!transient || attempts >= MAX_ATTEMPTS) {
      return { state: 'failed', note: transient ? `gave up after ${attempts} tries: ${note}` : note };
    }
    const now = this.now().getTime();
    const asked = error instanceof FetchError && error.retryAt ? error.retryAt.getTime() : 0;
    return {
      state: 'pending',
      note,
      retryAt: new Date(Math.max(now + RETRY_BASE_MS * 4 ** (attempts - 1), asked)),
    };
  }

  private now(): Date {
    return this.ctx.now?.() ?? new Date();
  }
}
