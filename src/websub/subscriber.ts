import { randomBytes } from 'node:crypto';
import { FetchError } from '../fetch/index.js';
import { ipLiteral, isPrivateAddress } from '../fetch/private-address.js';
import {
  readFeedBody,
  storeFeedEntries,
  withPushFallback,
  type IngestContext,
  type PushAnnouncement,
  type PushSide,
} from '../ingest/index.js';
import { errorMessage } from '../model/errors.js';
import type { Source } from '../model/source.js';
import {
  CALLBACK_PATH,
  pushIsLive,
  type CallbackAnswer,
  type PushCallbacks,
  type Subscription,
} from '../model/subscription.js';

export { CALLBACK_PATH, type CallbackAnswer } from '../model/subscription.js';
import { discoverPush, type PushLinks } from './discover.js';
import { parseUrl } from '../model/url.js';
import { checkSignature } from './signature.js';

/** What the subscriber needs: what a refresh does, since pushed content is stored as a poll's is. */
export type WebSubContext = Omit<IngestContext, 'websub'>;

/** How long a request waits for the hub's verification before it is asked again (doubling). */
const VERIFY_WAIT_MS = 60 * 60_000;
const MAX_RETRY_MS = 24 * 60 * 60_000;
/** After a hub's explicit denial, courtesy asks again only this much later. */
const DENIED_RETRY_MS = 7 * 24 * 60 * 60_000;
/** Renewals per poller pass at most. */
const RENEW_BATCH = 200;

/**
 * The WebSub subscriber (W3C WebSub, 2018): it subscribes to the hub a feed names, answers the
 * hub's verification of intent, accepts pushed content only with a valid HMAC signature, stores
 * it through the same path as a poll, and renews leases before they run out. Polling goes on
 * while push is live, at the longer `websub.fallback_interval_minutes`.
 *
 * Nothing here throws to its caller: failures are recorded on the subscription and logged.
 */
export class WebSub implements PushSide, PushCallbacks {
  /** Whether this site can receive pushes at all: enabled, and reachable by a hub. */
  readonly enabled: boolean;
  /** Why not, in words, when it is not. */
  readonly disabledBecause: string | null;

  constructor(private readonly ctx: WebSubContext) {
    const { websub, site, poll } = ctx.config;
    this.disabledBecause = !websub.enabled
      ? 'websub.enabled is false'
      : !poll.allowPrivateNetworks && !isPublicUrl(site.baseUrl)
        ? `site.base_url (${site.baseUrl}) is not a public address a hub can reach`
        : null;
    this.enabled = this.disabledBecause === null;
  }

  private now(): Date {
    return this.ctx.now?.() ?? new Date();
  }

  callbackUrl(token: string): string {
    return `${this.ctx.config.site.baseUrl}${CALLBACK_PATH}${token}`;
  }

  /** The subscription of a source, whatever its state, or null. */
  subscriptionOf(sourceId: number): Promise<Subscription | null> {
    return this.ctx.store.subscriptions.get(sourceId);
  }

  /**
   * After a full fetch: subscribes when the feed names a hub (or its hub or topic changed), and
   * unsubscribes when it no longer names one. A subscription already in place is left to
   * `renewDue`. `current` is the source's subscription as the caller read it.
   */
  /** After a stored refresh: the subscription that matches what the feed announced (WebSub §4). */
  announced(source: Source, announcement: PushAnnouncement, current: Subscription | null): Promise<void> {
    const { hubs, self, linkHeader, fetchedUrl } = announcement;
    return this.reconcile(source, discoverPush({ hubs, self }, linkHeader, fetchedUrl), current);
  }

  async reconcile(source: Source, links: PushLinks | null, current: Subscription | null): Promise<void> {
    try {
      if (!links || !this.enabled) {
        if (current && current.state !== 'unsubscribing') await this.unsubscribe(current);
        return;
      }
      const settled =
        current !== null &&
        current.state !== 'unsubscribing' &&
        current.topic === links.topic &&
        links.hubs.includes(current.hub);
      if (settled) return;
      await this.subscribe(source.id, links.hubs[0]!, links.topic, null);
    } catch (error) {
      this.ctx.logger.error({ err: error, sourceId: source.id }, 'websub: reconcile failed');
    }
  }

  /** Renews leases that are about to run out and retries requests that failed; returns how many. */
  async renewDue(): Promise<number> {
    if (!this.enabled) return 0;
    const due = await this.ctx.store.subscriptions.listDue(this.now(), RENEW_BATCH);
    const sources = await this.ctx.store.sources.getMany(due.map((s) => s.sourceId));
    for (const sub of due) {
      try {
        const source = sources.get(sub.sourceId);
        if (sub.state === 'unsubscribing') {
          // The hub never confirmed; the callback answers 410 to it from now on.
          await this.ctx.store.subscriptions.remove(sub.sourceId);
        } else if (!source || source.status !== 'active') {
          await this.unsubscribe(sub);
        } else {
          await this.subscribe(sub.sourceId, sub.hub, sub.topic, sub);
        }
      } catch (error) {
        this.ctx.logger.error({ err: error, sourceId: sub.sourceId }, 'websub: renewal failed');
      }
    }
    return due.length;
  }

  /**
   * Asks the hub for a subscription (a new one, or the renewal of `existing`). The row is written
   * first: a hub may verify before it even answers the request.
   */
  private async subscribe(
    sourceId: number,
    hub: string,
    topic: string,
    existing: Subscription | null,
  ): Promise<void> {
    const now = this.now();
    // A renewal keeps its callback, secret, lease and counts; anything else starts afresh.
    const base: Subscription =
      existing !== null && existing.hub === hub && existing.topic === topic
        ? existing
        : {
            sourceId,
            token: randomBytes(24).toString('base64url'),
            hub,
            topic,
            secret: randomBytes(32).toString('hex'),
            state: 'requested',
            requestedAt: now,
            verifiedAt: null,
            leaseSeconds: null,
            expiresAt: null,
            renewAt: now,
            attempts: 0,
            lastError: null,
            lastPushAt: null,
            pushes: 0,
            rejectedPushes: 0,
          };
    const attempts = base.attempts + 1;
    const sub: Subscription = {
      ...base,
      // A renewal keeps push live under the old lease until the hub verifies the new one.
      state: pushIsLive(base, now) ? 'active' : 'requested',
      requestedAt: now,
      renewAt: new Date(now.getTime() + retryDelay(attempts)),
      attempts,
    };
    await this.ctx.store.subscriptions.put(sub);
    const log = this.ctx.logger.child({ sourceId, hub, topic });
    const problem = await this.askHub(hub, {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.callback': this.callbackUrl(sub.token),
      'hub.secret': sub.secret,
      'hub.lease_seconds': String(this.ctx.config.websub.leaseSeconds),
    });
    if (problem === null) {
      log.info({ renewing: base === existing }, 'websub: subscription requested');
      return;
    }
    log.warn({ problem }, 'websub: the hub refused the subscription request');
    await this.ctx.store.subscriptions.update(
      sourceId,
      { state: pushIsLive(sub, now) ? 'active' : 'failed', lastError: problem },
      ['requested', 'active'],
    );
  }

  /** Asks the hub to end a subscription; without a hub that answers, forgets it at once. */
  private async unsubscribe(sub: Subscription): Promise<void> {
    const now = this.now();
    await this.ctx.store.subscriptions.update(sub.sourceId, {
      state: 'unsubscribing',
      requestedAt: now,
      renewAt: new Date(now.getTime() + VERIFY_WAIT_MS),
    });
    const problem = await this.askHub(sub.hub, {
      'hub.mode': 'unsubscribe',
      'hub.topic': sub.topic,
      'hub.callback': this.callbackUrl(sub.token),
    });
    if (problem !== null) {
      this.ctx.logger.info({ sourceId: sub.sourceId, problem }, 'websub: unsubscribing failed; forgotten');
      await this.ctx.store.subscriptions.remove(sub.sourceId);
    }
  }

  /** POSTs a request to a hub; null when accepted (2xx), else what went wrong, in words. */
  private async askHub(hub: string, form: Record<string, string>): Promise<string | null> {
    try {
      const answer = await this.ctx.fetcher.postForm(hub, new URLSearchParams(form));
      if (answer.status >= 200 && answer.status < 300) return null;
      const said = answer.body.replace(/\s+/g, ' ').trim().slice(0, 200);
      return `the hub answered ${answer.status}${said ? `: ${said}` : ''}`;
    } catch (error) {
      return error instanceof FetchError ? error.message : `websub: ${errorMessage(error)}`;
    }
  }

  /**
   * The hub's verification of intent (GET on the callback, WebSub §5.3): the challenge is echoed
   * only for a request courtesy really made, for that topic.
   */
  async verify(token: string, query: URLSearchParams): Promise<CallbackAnswer> {
    const mode = query.get('hub.mode');
    const topic = query.get('hub.topic');
    const challenge = query.get('hub.challenge');
    const sub = await this.ctx.store.subscriptions.findByToken(token);
    if (!sub) return { status: 404, body: 'no such subscription' };
    if (topic !== sub.topic) return { status: 404, body: 'not subscribed to that topic' };
    const now = this.now();
    const log = this.ctx.logger.child({ sourceId: sub.sourceId, hub: sub.hub });
    if (mode === 'denied') {
      const reason = query.get('hub.reason');
      await this.ctx.store.subscriptions.update(sub.sourceId, {
        state: 'denied',
        lastError: `the hub denied the subscription${reason ? `: ${reason.slice(0, 200)}` : ''}`,
        renewAt: new Date(now.getTime() + DENIED_RETRY_MS),
      });
      log.warn({ reason }, 'websub: subscription denied');
      return { status: 200, body: 'ok' };
    }
    if (!challenge) return { status: 400, body: 'hub.challenge is missing' };
    if (mode === 'subscribe' && (sub.state === 'requested' || sub.state === 'active')) {
      const asked = Number(query.get('hub.lease_seconds'));
      const lease = Number.isSafeInteger(asked) && asked > 0 ? asked : this.ctx.config.websub.leaseSeconds;
      const changed = await this.ctx.store.subscriptions.update(
        sub.sourceId,
        {
          state: 'active',
          verifiedAt: now,
          leaseSeconds: lease,
          expiresAt: new Date(now.getTime() + lease * 1000),
          renewAt: new Date(now.getTime() + renewAfterMs(lease)),
          attempts: 0,
          lastError: null,
        },
        ['requested', 'active'],
      );
      if (!changed) return { status: 404, body: 'no pending subscription' };
      await this.slowPolling(sub.sourceId, sub.hub, now);
      log.info({ lease }, 'websub: subscription verified; content will be pushed');
      return { status: 200, body: challenge };
    }
    if (mode === 'unsubscribe' && sub.state === 'unsubscribing') {
      await this.ctx.store.subscriptions.remove(sub.sourceId);
      log.info('websub: unsubscribed');
      return { status: 200, body: challenge };
    }
    return { status: 404, body: `no pending ${mode ?? 'request'} for this callback` };
  }

  /** Once push is live, the next poll of the source is only a fallback: moved back if it is sooner. */
  private async slowPolling(sourceId: number, hub: string, now: Date): Promise<void> {
    const source = await this.ctx.store.sources.get(sourceId);
    if (!source?.nextCheckAt) return;
    const current = { at: source.nextCheckAt, basis: source.checkBasis ?? '' };
    const next = withPushFallback(now, current, this.ctx.config.websub.fallbackIntervalMs, hub);
    if (next !== current) {
      await this.ctx.store.sources.update(sourceId, { nextCheckAt: next.at, checkBasis: next.basis });
    }
  }

  /**
   * Content pushed by the hub (POST on the callback, WebSub §7): checked against the signature,
   * parsed and sanitized like a polled feed, and stored through the same path.
   */
  async deliver(
    token: string,
    body: Uint8Array,
    contentType: string | null,
    signature: string | null,
  ): Promise<CallbackAnswer> {
    const sub = await this.ctx.store.subscriptions.findByToken(token);
    if (!sub || sub.state === 'unsubscribing') return { status: 410, body: 'no such subscription' };
    const source = await this.ctx.store.sources.get(sub.sourceId);
    if (!source || source.status !== 'active') return { status: 410, body: 'the source is not active' };
    const now = this.now();
    const log = this.ctx.logger.child({ sourceId: sub.sourceId, hub: sub.hub });
    const check = checkSignature(sub.secret, body, signature);
    if (!check.ok) {
      // Acknowledged all the same (WebSub §8), so a forger learns nothing from the answer.
      await this.ctx.store.subscriptions.recordPush(sub.sourceId, now, check.reason);
      log.warn({ reason: check.reason }, 'websub: push ignored');
      this.ctx.metrics?.push('ignored');
      return { status: 202, body: 'ignored' };
    }
    const processed = await readFeedBody(this.ctx, body, contentType, sub.topic);
    if (!processed.ok) {
      await this.ctx.store.subscriptions.recordPush(
        sub.sourceId,
        now,
        `pushed content: ${processed.message}`,
      );
      log.warn({ code: processed.code }, processed.message);
      this.ctx.metrics?.push('refused');
      return { status: 400, body: processed.message };
    }
    const saved = await storeFeedEntries(this.ctx, source, processed.feed.entries, {}, now);
    await this.ctx.store.subscriptions.recordPush(sub.sourceId, now, null);
    log.info({ ...saved }, 'websub: pushed content stored');
    this.ctx.metrics?.push('stored');
    this.ctx.metrics?.stored(saved);
    return { status: 204, body: '' };
  }
}

/** Doubling from the verification wait, up to a day. */
function retryDelay(attempts: number): number {
  return Math.min(VERIFY_WAIT_MS * 2 ** Math.min(attempts - 1, 10), MAX_RETRY_MS);
}

/** Renew well before the lease runs out: a day early, or at 80% of a short lease. */
function renewAfterMs(leaseSeconds: number): number {
  const lease = leaseSeconds * 1000;
  return Math.max(lease * 0.8, lease - 24 * 60 * 60_000);
}

/** Whether a URL names a host that others on the internet could reach. */
export function isPublicUrl(url: string): boolean {
  const host = parseUrl(url)?.hostname.toLowerCase();
  if (host === undefined) return false;
  const literal = ipLiteral(host);
  if (literal) return !isPrivateAddress(literal);
  if (!host.includes('.')) return false;
  return !/\.(localhost|local|internal|home\.arpa|lan)$/.test(host);
}
