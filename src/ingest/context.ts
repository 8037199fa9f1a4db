import type { Config } from '../config/index.js';
import type { Fetcher } from '../fetch/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../store/index.js';
import type { FeedProcessor } from './feed-processor.js';
import type { PushSide } from './push.js';

/** What a refresh needs: built once by the CLI and shared by `poll --once` and the server's poller. */
export interface IngestContext {
  store: Store;
  fetcher: Fetcher;
  processor: FeedProcessor;
  config: Config;
  logger: Logger;
  /** The push side (the WebSub subscriber); without it, sources are only polled. */
  websub?: PushSide;
  /** Where checks are counted, when the process exposes metrics. */
  metrics?: Metrics;
  /** Told when a full-text source's refresh stored new entries: their pages wait in the full-text queue. */
  onFullTextQueued?: () => void;
  /** Told when a refresh stored new entries: their lead images wait in the media queue. */
  onMediaQueued?: () => void;
  now?: () => Date;
}
