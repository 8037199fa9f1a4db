import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import type { Store } from '../../store/index.js';

/** What every group of routes reads: the store, the settings and the log. */
export interface RouteContext {
  store: Store;
  config: Config;
  logger: Logger;
}

/**
 * Pages change when a poll stores entries and when a takedown removes them: caches must ask every
 * time (a cheap 304 when the ETag still matches), so that removed content is gone at once.
 */
export const PAGE_CACHE = 'public, no-cache';
