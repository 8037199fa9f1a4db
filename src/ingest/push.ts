import type { Source } from '../model/source.js';
import type { Subscription } from '../model/subscription.js';

/** What a fetched feed says about being pushed: its hubs and self link, and the response's Link header. */
export interface PushAnnouncement {
  hubs: readonly string[];
  self: string | null;
  linkHeader: string | null;
  fetchedUrl: string;
}

/**
 * The push side of a source, as a refresh sees it (the WebSub subscriber in websub/ is one): ingest
 * tells it what each stored refresh announced, and asks whether a push is live to poll less often.
 */
export interface PushSide {
  subscriptionOf(sourceId: number): Promise<Subscription | null>;
  /** After a stored refresh: subscribes, moves or drops the source's subscription to match what its feed announced. */
  announced(source: Source, announcement: PushAnnouncement, current: Subscription | null): Promise<void>;
  /** Renews the leases that run out soon; the number renewed. */
  renewDue(): Promise<number>;
}
