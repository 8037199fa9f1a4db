import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { feedHost, type Source } from '../model/source.js';
import { refreshSource, type IngestContext, type RefreshOutcome } from './refresh.js';

export interface PollSelection {
  /** Every active source, due or not. */
  all?: boolean;
  sourceId?: number;
}

export interface PollReport {
  outcomes: RefreshOutcome[];
}

/**
 * How long a poller with few free slots (under a quarter) waits for more before it claims, so that
 * checks ending one by one make a claim of several sources, not one each (see startPoller).
 */
const CLAIM_GATHER_MS = 25;

/** How many sources one pass takes at most; the rest wait for the next pass. */
const PASS_LIMIT = 10_000;

/**
 * Refreshes the selected sources (by default, those due now), several at a time. Sources are taken
 * host by host in turn, and a source is started only when its host has a free slot
 * (`per_host_concurrency`): a host that is slow or stalls holds its own slots, never the whole pass,
 * and within a host the sources that failed last time are taken after the healthy ones.
 */
export async function pollSources(
  ctx: IngestContext,
  selection: PollSelection = {},
  onOutcome?: (outcome: RefreshOutcome, done: number, total: number) => void,
): Promise<PollReport> {
  const sources = await selectSources(ctx, selection);
  const outcomes: RefreshOutcome[] = [];
  const queues = new Map<string, Source[]>();
  // Within a host, sources that failed last time go last: a feed that times out holds one of its
  // host's slots for the whole timeout, and the healthy feeds of that host should not wait behind it.
  const ordered = [...sources].sort(
    (a, b) => Math.min(a.consecutiveFailures, 1) - Math.min(b.consecutiveFailures, 1),
  );
  for (const source of ordered) {
    const host = feedHost(source.feedUrl);
    const queue = queues.get(host);
    if (queue) queue.push(source);
    else queues.set(host, [source]);
  }
  const hosts = [...queues.keys()];
  const active = new Map<string, number>();
  const perHost = ctx.config.poll.perHostConcurrency;
  let turn = 0;
  let inFlight = 0;

  /** The next source whose host has a free slot, taking hosts in turn; null when none can start now. */
  const nextReady = (): { source: Source; host: string } | null => {
    for (let tried = 0; tried < hosts.length; tried++) {
      const host = hosts[(turn + tried) % hosts.length]!;
      const queue = queues.get(host)!;
      if (queue.length === 0 || (active.get(host) ?? 0) >= perHost) continue;
      turn = (turn + tried + 1) % hosts.length;
      return { source: queue.shift()!, host };
    }
    return null;
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (inFlight < ctx.config.poll.concurrency) {
        const next = nextReady();
        if (!next) break;
        inFlight++;
        active.set(next.host, (active.get(next.host) ?? 0) + 1);
        void refreshSource(ctx, next.source)
          .then((outcome) => {
            outcomes.push(outcome);
            onOutcome?.(outcome, outcomes.length, sources.length);
          })
          .catch((error: unknown) => ctx.logger.error({ err: error }, 'poll: reporting an outcome failed'))
          .finally(() => {
            inFlight--;
            active.set(next.host, active.get(next.host)! - 1);
            pump();
          });
      }
      if (inFlight === 0) resolve();
    };
    pump();
  });
  return { outcomes };
}

async function selectSources(ctx: IngestContext, selection: PollSelection): Promise<Source[]> {
  if (selection.sourceId !== undefined) {
    const source = await ctx.store.sources.get(selection.sourceId);
    return source ? [source] : [];
  }
  if (selection.all) return ctx.store.sources.listActive();
  return ctx.store.sources.listDue(ctx.now?.() ?? new Date(), PASS_LIMIT);
}

/** A running poller: stop() lets its checks in flight finish, gives up its claims and resolves. */
export interface Poller {
  /** This poller's name in the claims it makes (host, process and a random part). */
  readonly id: string;
  stop(): Promise<void>;
}

/**
 * The poller of `courtesy serve` and `courtesy worker`: it claims due sources (see
 * SourceRepository.claimDue) as it has free slots (`[poll] concurrency`), checks each, and claims
 * more as checks finish; when nothing is due it looks again every `[poll] check_every_seconds`, and
 * renews the WebSub leases that are due. Any number of pollers, in any number of processes on one
 * database, share the work: no source is checked by two at once, and the per-host limit holds
 * across them all.
 */
export function startPoller(ctx: IngestContext, id = pollerId()): Poller {
  let stopped = false;
  let inFlight = 0;
  const checks = new Set<Promise<void>>();
  let wake: (() => void) | null = null;
  /** Ends the wait for more free slots before a claim (see CLAIM_GATHER_MS), once enough are free. */
  let gathered: (() => void) | null = null;
  /** A check ended while the loop was busy: look again at once. */
  let nudged = false;
  let lastRenewal = -Infinity;
  const { concurrency, perHostConcurrency: perHost, claimMs, checkEveryMs } = ctx.config.poll;
  const gatherFrom = Math.max(1, Math.ceil(concurrency / 4));

  const rest = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const check = (source: Source): void => {
    inFlight++;
    const running: Promise<void> = refreshSource(ctx, source)
      .then(() => undefined)
      .catch((error: unknown) =>
        ctx.logger.error({ err: error, sourceId: source.id }, 'poll: a check failed'),
      )
      .finally(() => {
        inFlight--;
        checks.delete(running);
        nudged = true;
        wake?.();
        if (concurrency - inFlight >= gatherFrom) gathered?.();
      });
    checks.add(running);
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      // Checks that end one by one would each make a claim of one source (a transaction, and a
      // lock every poller takes in turn): when only a few slots are free, wait a moment for more.
      if (nudged && inFlight > 0 && concurrency - inFlight < gatherFrom) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, CLAIM_GATHER_MS);
          function done() {
            clearTimeout(timer);
            gathered = null;
            resolve();
          }
          gathered = done;
        });
        if (stopped) break;
      }
      const now = ctx.now?.() ?? new Date();
      if (now.getTime() - lastRenewal >= checkEveryMs) {
        lastRenewal = now.getTime();
        await (ctx.websub?.renewDue() ?? Promise.resolve(0)).catch((error: unknown) =>
          ctx.logger.error({ err: error }, 'websub: renewing leases failed'),
        );
      }
      let claimed: Source[] = [];
      nudged = false;
      if (inFlight < concurrency) {
        try {
          claimed = await ctx.store.sources.claimDue(id, now, concurrency - inFlight, { claimMs, perHost });
        } catch (error) {
          ctx.logger.error({ err: error }, 'poll: claiming due sources failed');
        }
        for (const source of claimed) check(source);
      }
      if (stopped) break;
      if (nudged) continue;
      // Until a check ends (a slot, perhaps a host's, is free again) or it is time to look again.
      await rest(checkEveryMs);
    }
  };

  const looping = loop();
  return {
    id,
    async stop() {
      stopped = true;
      wake?.();
      gathered?.();
      await looping;
      await Promise.all([...checks]);
      await ctx.store.sources.releaseClaims(id).catch(() => 0);
    },
  };
}

function pollerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
