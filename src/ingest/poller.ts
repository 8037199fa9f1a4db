import type { Source } from '../model/source.js';
import { refreshSource, type IngestContext, type RefreshOutcome } from './refresh.js';

export interface PollSelection {
  /** Every active source, due or not. */
  all?: boolean;
  sourceId?: number;
}

export interface PollReport {
  outcomes: RefreshOutcome[];
}

/** How many sources one pass takes at most; the rest wait for the next pass. */
const PASS_LIMIT = 10_000;

/** Refreshes the selected sources (by default, those due now), several at a time. */
export async function pollSources(
  ctx: IngestContext,
  selection: PollSelection = {},
  onOutcome?: (outcome: RefreshOutcome, done: number, total: number) => void,
): Promise<PollReport> {
  const sources = await selectSources(ctx, selection);
  const outcomes: RefreshOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sources.length) {
      const source = sources[next++]!;
      const outcome = await refreshSource(ctx, source);
      outcomes.push(outcome);
      onOutcome?.(outcome, outcomes.length, sources.length);
    }
  };
  const workers = Math.min(ctx.config.poll.concurrency, sources.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return { outcomes };
}

async function selectSources(ctx: IngestContext, selection: PollSelection): Promise<Source[]> {
  if (selection.sourceId !== undefined) {
    const source = await ctx.store.sources.get(selection.sourceId);
    return source ? [source] : [];
  }
  if (selection.all) return (await ctx.store.sources.list()).filter((s) => s.status === 'active');
  return ctx.store.sources.listDue(ctx.now?.() ?? new Date(), PASS_LIMIT);
}

/**
 * The poller inside `courtesy serve`: a pass over the due sources every `tickMs`, one pass at a time,
 * until stopped. Returns a function that stops it and resolves when the current pass has finished.
 */
export function startPoller(ctx: IngestContext, tickMs = 30_000): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const pass = (): void => {
    running = pollSources(ctx)
      .then(() => undefined)
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'poll pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, tickMs);
      });
  };
  pass();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
