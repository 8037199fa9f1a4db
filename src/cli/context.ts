import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  CONFIG_FILE_NAME,
  LiveSettings,
  loadConfig,
  type Config,
  type ConfigOverrides,
} from '../config/index.js';
import { Fetcher, RobotsRules } from '../fetch/index.js';
import { createExtractionPool, type ExtractionPool } from '../extract/pool.js';
import { FullTextExtractor } from '../extract/full-text.js';
import { MediaCache } from '../media/index.js';
import { createFeedProcessor, type IngestContext } from '../ingest/index.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openStore, type Store } from '../store/index.js';
import { PROJECT_ROOT } from '../config/project.js';
import { WebSub } from '../websub/index.js';
import { OutboxSender } from '../mail/outbox-sender.js';
import { Takedowns } from '../takedown/service.js';
import { boundHeapGrowth } from '../threads/heap.js';
import type { Metrics } from '../metrics/metrics.js';

/**
 * Who decides from the command line, for the audit log and the notices: the system user running
 * the command ("ada (command line)"); the desk records the signed-in user's name.
 */
export function cliActor(): string {
  let name = '';
  try {
    name = userInfo().username;
  } catch {
    // A user without an entry in the system's user database (some containers).
  }
  return `${name || process.env.USER || 'someone'} (command line)`;
}

/** The options every command accepts (see main.ts). */
export interface GlobalOptions {
  data?: string;
  database?: string;
  config?: string;
  allowPrivateNetworks?: boolean;
}

export function configFrom(global: GlobalOptions, extra: ConfigOverrides = {}): Config {
  return loadConfig({
    dataDir: global.data,
    database: global.database,
    config: global.config,
    allowPrivateNetworks: global.allowPrivateNetworks,
    ...extra,
  });
}

/** Everything a command that touches the store and the network needs; close() releases it all. */
export interface AppContext extends IngestContext {
  websub: WebSub;
  /** Works the full-text queue; serve (when it polls), worker and poll start it. */
  fullText: FullTextExtractor;
  /** Fetches and keeps lead images; serve (when it polls), worker and poll start it. */
  media: MediaCache;
  /** The extraction threads (the full-text queue's, and the desk's previews). */
  extractions: ExtractionPool;
  /** robots.txt of the article pages' sites, as full text asks it. */
  robots: RobotsRules;
  takedowns: Takedowns;
  /** Sends the notices the takedown workflow queues. */
  outbox: OutboxSender;
  /** The site's settings saved from the desk, kept applied over the file's in `config`. */
  settings: LiveSettings;
  close(): Promise<void>;
}

/**
 * Opens the store and everything that works on it. `metrics`, when given, counts what the poller
 * and the WebSub callbacks do (serve and worker give one).
 */
export async function openContext(
  config: Config,
  logger: Logger = createLogger(),
  metrics?: Metrics,
): Promise<AppContext> {
  boundHeapGrowth();
  const store: Store = await openStore(config.databaseUrl);
  const settings = new LiveSettings(config, {
    all: () => store.settings.all(),
    hint: () => store.pageChangeHint(),
  });
  await settings.sync();
  if (settings.ignored.length > 0)
    logger.warn({ keys: settings.ignored }, 'stored site settings that do not pass the checks are ignored');
  const fetcher = createFetcher(config);
  const processor = createFeedProcessor(config.poll.workers, {
    onError: (error) => logger.error({ err: error }, 'a feed worker thread failed'),
  });
  const pool = createExtractionPool(config.fullText.workers, {
    onError: (error) => logger.error({ err: error }, 'an extraction worker thread failed'),
  });
  const robots = new RobotsRules(fetcher, config.poll.userAgent);
  const fullText = new FullTextExtractor({
    store,
    fetcher,
    robots,
    pool,
    config,
    logger,
    metrics,
  });
  const media = new MediaCache({ store, fetcher, robots, config, logger, metrics });
  const onFullTextQueued = () => fullText.wake();
  const onMediaQueued = () => media.wake();
  const websub = new WebSub({ store, fetcher, processor, config, logger, metrics, onFullTextQueued });
  const takedowns = new Takedowns({ store, fetcher, config, logger });
  const outbox = new OutboxSender(store, config, logger, settings);
  return {
    store,
    fetcher,
    processor,
    config,
    logger,
    websub,
    takedowns,
    outbox,
    settings,
    metrics,
    fullText,
    extractions: pool,
    robots,
    onFullTextQueued,
    media,
    onMediaQueued,
    async close() {
      await fullText.stop();
      await media.stop();
      await pool.close();
      await outbox.close();
      await processor.close();
      await fetcher.close();
      await store.close();
    },
  };
}

/** Runs a subcommand's body with the application opened (and closed after). */
export type WithContext = (fn: (ctx: AppContext) => Promise<void>) => Promise<void>;

/** Runs `fn` with a context opened from the global options, and closes it whatever happens. */
export async function withAppContext(
  global: GlobalOptions,
  fn: (ctx: AppContext) => Promise<void>,
): Promise<void> {
  const ctx = await openContext(configFrom(global), createLogger(process.env.LOG_LEVEL ?? 'warn'));
  try {
    await fn(ctx);
  } finally {
    await ctx.close();
  }
}

export function createFetcher(config: Config): Fetcher {
  return new Fetcher({
    userAgent: config.poll.userAgent,
    allowPrivateNetworks: config.poll.allowPrivateNetworks,
    // The site's own origin is never a third party's private network: it serves the bundled samples.
    allowedOrigins: [new URL(config.site.baseUrl).origin],
    maxBodyBytes: config.poll.maxBodyBytes,
    connectTimeoutMs: config.poll.connectTimeoutMs,
    headersTimeoutMs: config.poll.firstByteTimeoutMs,
    totalTimeoutMs: config.poll.timeoutMs,
    minBytesPerSecond: config.poll.minBytesPerSecond,
    perHostConcurrency: config.poll.perHostConcurrency,
    totalConcurrency: config.poll.concurrency,
  });
}

/**
 * On the very first start (no config file in the data dir and none named), writes the sample config,
 * which subscribes to the feeds that ship with courtesy. Returns the path written, or null.
 */
export function writeSampleConfigIfMissing(
  global: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (global.config) return null;
  const dataDir = global.data ?? env.COURTESY_DATA_DIR ?? 'data';
  const target = join(dataDir, CONFIG_FILE_NAME);
  if (existsSync(target)) return null;
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(join(PROJECT_ROOT, 'samples', CONFIG_FILE_NAME), target);
  return target;
}
