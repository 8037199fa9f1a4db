import { sql, type Kysely } from 'kysely';
import { feedHost } from '../../model/source.js';
import { LISTING } from '../../model/page-tags.js';
import type { SqlEngine } from './engine.js';
import { date, recordPageChange, tagsOfEntries } from './common.js';
import type { Database } from '../schema.js';
import { queueMedia } from './media.js';
import { appendAudit, removeEntries } from './rights.js';
import { activeRules } from './rule-rows.js';
import { copiesOfRemoved, removedBands } from './prints.js';
import { refold } from './stories.js';
import { printColumn } from '../refresh-plan.js';
import { packedHtmlFingerprint } from '../../markup/html-fingerprint.js';
import { urlHostKey, urlKey } from '../../model/identity.js';
import { coveringDomains, describeRule, suppressingRule } from '../../model/rights.js';
import type {
  ClaimOptions,
  ExtractionOutcome,
  ExtractionRepository,
  ExtractionState,
  ExtractionSummary,
  ExtractionTask,
} from '../store.js';

/** How many due pages a claim looks at, per page it may take, to find ones whose host has a free slot. */
const CLAIM_SCAN = 4;

/** The full-text queue on SQL (see ExtractionRepository). */
export class SqlExtractions implements ExtractionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Pick<
      SqlEngine,
      'fullText' | 'skipLocked' | 'beginClaim' | 'holdStories' | 'storyCatchUp' | 'hotWrites'
    >,
  ) {}

  async claim(now: Date, limit: number, { claimMs, perHost }: ClaimOptions): Promise<ExtractionTask[]> {
    if (limit <= 0) return [];
    const at = now.getTime();
    // Moving a page's time past the claim is the claim: no other worker sees it as due until this
    // one records how it went, or dies and the claim runs out. Within a host, pages are taken only
    // while fewer than `perHost` of its pages are claimed, by any worker; one claim decides at a
    // time (as for sources), so two workers never both take a host's last free slot. Pages of a
    // source whose full text was turned off wait, and go on if it is turned on again.
    const claimed = await this.db.transaction().execute(async (trx) => {
      await this.engine.beginClaim(trx);
      return sql<{ entryId: number; attempts: number }>`
        UPDATE extractions SET next_at = ${at + claimMs}, claimed_until = ${at + claimMs}
        WHERE entry_id IN (
          SELECT entry_id FROM (
            SELECT c.entry_id, c.next_at, row_number() OVER (
              PARTITION BY c.page_host ORDER BY c.next_at, c.entry_id) AS nth,
              (SELECT count(*) FROM extractions b
                WHERE b.page_host = c.page_host AND b.claimed_until > ${at}) AS busy
            FROM (
              SELECT entry_id, page_host, next_at FROM extractions
              WHERE state = 'pending' AND next_at <= ${at}
                AND source_id IN (SELECT id FROM sources WHERE full_text = 1)
              ORDER BY next_at, entry_id LIMIT ${limit * CLAIM_SCAN} ${this.engine.skipLocked}
            ) AS c
          ) AS ranked
          WHERE ranked.nth + ranked.busy <= ${perHost}
          ORDER BY ranked.next_at, ranked.entry_id
          LIMIT ${limit}
        )
        RETURNING entry_id, attempts`.execute(trx);
    });
    if (claimed.rows.length === 0) return [];
    const attempts = new Map(claimed.rows.map((r) => [Number(r.entryId), Number(r.attempts)]));
    const rows = await this.db
      .selectFrom('entries as e')
      .innerJoin('sources as s', 's.id', 'e.sourceId')
      .select([
        'e.id',
        'e.sourceId',
        'e.url',
        'e.contentHtml',
        'e.summaryHtml',
        's.scraperSelector',
        's.scraperRemove',
      ])
      .where('e.id', 'in', [...attempts.keys()])
      .execute();
    return rows
      .filter((r) => r.url !== null)
      .map((r) => ({
        entryId: Number(r.id),
        sourceId: Number(r.sourceId),
        url: r.url!,
        feedHtml: r.contentHtml ?? r.summaryHtml,
        attempts: attempts.get(Number(r.id)) ?? 0,
        selector: r.scraperSelector,
        remove: JSON.parse(r.scraperRemove || '[]') as string[],
      }))
      .sort((a, b) => a.entryId - b.entryId);
  }

  finish(entryId: number, outcome: ExtractionOutcome, now: Date): Promise<void> {
    if (this.engine.hotWrites) return this.engine.hotWrites.finishExtraction(entryId, outcome, now);
    const at = now.getTime();
    return this.db.transaction().execute(async (trx) => {
      if (outcome.state === 'done') {
        const print = outcome.print !== undefined ? outcome.print : packedHtmlFingerprint(outcome.html);
        const entry = await trx
          .updateTable('entries')
          .set({ articleHtml: outcome.html, print: printColumn(print) })
          .where('id', '=', entryId)
          .returning([
            'id',
            'sourceId',
            'sortAt',
            'title',
            'author',
            'summaryHtml',
            'contentHtml',
            'withheld',
            'url',
            'urlKey',
          ])
          .executeTakeFirst();
        // Taken down meanwhile: the entry and its queue line are gone, and so is the article.
        if (!entry) return;
        // The page names its own address: a rule for that address covers the entry from now on.
        if (await this.canonicalTakenDown(trx, entry, outcome.canonical ?? null, now)) return;
        // The article is a copy of a text a takedown removed: it goes as that text did.
        if (await this.copyTakenDown(trx, entry, print, now)) return;
        // The article is what the page shows: the story it belongs to is found by it.
        const mates = await refold(
          trx,
          { ...entry, sortAt: Number(entry.sortAt), print: printColumn(print) },
          at,
          this.engine,
        );
        if (mates.length > 0) await recordPageChange(trx, [...mates, LISTING], now);
        await queueMedia(
          trx,
          [
            ...(outcome.image ? [{ entryId, url: outcome.image, role: 'lead' as const }] : []),
            ...(outcome.pictures ?? []).map((url) => ({ entryId, url, role: 'inline' as const })),
          ],
          now,
        );
        // A withheld entry is on no page and in no search until it is shown (which indexes it).
        if (entry.withheld === null) {
          await this.engine.fullText.replace(trx, { ...entry, searchText: outcome.searchText });
          await recordPageChange(trx, await tagsOfEntries(trx, [entry]), now);
        }
        await trx
          .updateTable('extractions')
          .set({ state: 'done', note: null, nextAt: null, claimedUntil: null, updatedAt: at })
          .where('entryId', '=', entryId)
          .execute();
        return;
      }
      await trx
        .updateTable('extractions')
        .set((eb) => ({
          state: outcome.state,
          note: outcome.note,
          attempts: eb('attempts', '+', 1),
          nextAt: outcome.state === 'pending' ? outcome.retryAt.getTime() : null,
          claimedUntil: null,
          updatedAt: at,
        }))
        .where('entryId', '=', entryId)
        .execute();
    });
  }

  /**
   * Records the page's canonical address when it differs from the entry's own, and removes the
   * entry when an active rule covers it by that address (true then).
   */
  private async canonicalTakenDown(
    trx: Kysely<Database>,
    entry: { id: number; sourceId: number; url: string | null; urlKey: string | null; author: string | null },
    canonical: string | null,
    now: Date,
  ): Promise<boolean> {
    const key = urlKey(canonical);
    if (!canonical || !key || key === entry.urlKey) return false;
    await trx
      .updateTable('entries')
      .set({ canonicalUrl: canonical, canonicalKey: key })
      .where('id', '=', entry.id)
      .execute();
    const subject = { ...entry, canonicalUrl: canonical };
    const rules = await activeRules(trx, {
      urlKeys: [key],
      domains: coveringDomains(urlHostKey(canonical)),
    });
    const rule = suppressingRule(rules, subject);
    if (!rule) return false;
    await removeEntries(trx, [subject], rule.id, now);
    await appendAudit(
      trx,
      'courtesy',
      'entry.removed',
      `entry ${entry.id} removed under rule ${rule.id} (${describeRule(rule)}): its page names ${canonical} as its address`,
      now,
    );
    return true;
  }

  /** Removes the entry when its article is a copy of a text a takedown removed (true then). */
  private async copyTakenDown(
    trx: Kysely<Database>,
    entry: { id: number; sourceId: number; url: string | null; author: string | null },
    print: Uint8Array | null,
    now: Date,
  ): Promise<boolean> {
    const sharesBand = print ? await removedBands(trx, this.engine) : null;
    if (!sharesBand?.(print)) return false;
    const [copy] = await copiesOfRemoved(trx, [print]);
    if (!copy) return false;
    await removeEntries(trx, [{ ...entry, canonicalUrl: null }], copy.rule.id, now);
    await appendAudit(
      trx,
      'courtesy',
      'entry.removed',
      `entry ${entry.id} removed under rule ${copy.rule.id} (${describeRule(copy.rule)}): its article is a copy of removed entry ${copy.text.id}'s text`,
      now,
    );
    return true;
  }

  async requeue(sourceId: number, limit: number, now: Date): Promise<number> {
    const at = now.getTime();
    const newest = await this.db
      .selectFrom('entries')
      .select(['id', 'url'])
      .where('sourceId', '=', sourceId)
      .where('url', 'is not', null)
      .orderBy('sortAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    if (newest.length === 0) return 0;
    await this.db
      .insertInto('extractions')
      .values(
        newest.map((r) => ({
          entryId: r.id,
          sourceId,
          state: 'pending',
          attempts: 0,
          nextAt: at,
          note: null,
          updatedAt: at,
          pageHost: feedHost(r.url!),
          claimedUntil: null,
        })),
      )
      .onConflict((oc) =>
        oc.column('entryId').doUpdateSet({
          state: 'pending',
          attempts: 0,
          nextAt: at,
          note: null,
          updatedAt: at,
          claimedUntil: null,
        }),
      )
      .execute();
    return newest.length;
  }

  async summary(sourceId: number, recent: number): Promise<ExtractionSummary> {
    const counts: Record<ExtractionState, number> = { pending: 0, done: 0, 'kept-feed': 0 };
    const rows = await this.db
      .selectFrom('extractions')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
      .where('sourceId', '=', sourceId)
      .groupBy('state')
      .execute();
    for (const row of rows) counts[row.state as ExtractionState] = Number(row.n);
    const lines = await this.db
      .selectFrom('extractions as x')
      .innerJoin('entries as e', 'e.id', 'x.entryId')
      .select(['x.entryId', 'e.title', 'e.url', 'x.state', 'x.attempts', 'x.note', 'x.updatedAt'])
      .where('x.sourceId', '=', sourceId)
      .orderBy('x.updatedAt', 'desc')
      .orderBy('x.entryId', 'desc')
      .limit(recent)
      .execute();
    return {
      counts,
      recent: lines.map((l) => ({
        entryId: Number(l.entryId),
        title: l.title,
        url: l.url,
        state: l.state as ExtractionState,
        attempts: Number(l.attempts),
        note: l.note,
        updatedAt: date(l.updatedAt)!,
      })),
    };
  }

  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('extractions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
