/**
 * A WebSub subscription (W3C WebSub, 2018) of one source at one hub.
 *
 * requested: asked for, the hub has not verified it yet; active: verified, content is pushed until
 * the lease runs out (a renewal keeps it active while it is pending); failed: the hub refused the
 * request or never verified it, retried later; denied: the hub said no, retried much later;
 * unsubscribing: the feed no longer names a hub, courtesy asked to end it.
 */
export type SubscriptionState = 'requested' | 'active' | 'failed' | 'denied' | 'unsubscribing';

export interface Subscription {
  sourceId: number;
  /** The unguessable last segment of the callback URL, so that a callback names its subscription. */
  token: string;
  hub: string;
  /** The topic URL: the feed's rel="self", else its feed URL. */
  topic: string;
  /** The HMAC key the hub signs pushed content with. Never shown. */
  secret: string;
  state: SubscriptionState;
  requestedAt: Date;
  verifiedAt: Date | null;
  /** The lease the hub granted, in seconds. */
  leaseSeconds: number | null;
  expiresAt: Date | null;
  /** When courtesy asks again: before the lease runs out, or after a failure's backoff. */
  renewAt: Date;
  /** Requests in a row that were not (yet) verified; reset by a verification. */
  attempts: number;
  lastError: string | null;
  lastPushAt: Date | null;
  pushes: number;
  /** Deliveries ignored: bad signature, or content that is not a feed. */
  rejectedPushes: number;
}

/** Push is live: verified, and the lease has not run out. */
export function pushIsLive(sub: Subscription | null, now: Date): boolean {
  return sub !== null && sub.state === 'active' && sub.expiresAt !== null && sub.expiresAt > now;
}

/** The path of the WebSub callback; the subscription's token follows it. */
export const CALLBACK_PATH = '/websub/';

/** What a callback answers: the route turns it into an HTTP response as it is. */
export interface CallbackAnswer {
  status: 200 | 202 | 204 | 400 | 404 | 410;
  body: string;
}

/** What answers the hubs' calls on the callback (the WebSub subscriber): verification of intent, and pushed content. */
export interface PushCallbacks {
  verify(token: string, query: URLSearchParams): Promise<CallbackAnswer>;
  deliver(
    token: string,
    body: Uint8Array,
    contentType: string | null,
    signature: string | null,
  ): Promise<CallbackAnswer>;
}
