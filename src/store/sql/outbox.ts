import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { NOTICE_GIVEN_UP, type QueuedNotice } from '../../model/takedown.js';
import { date } from './common.js';
import type { Database, OutboxTable } from '../schema.js';
import type { OutboxRepository } from '../store.js';

export class SqlOutbox implements OutboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly skipLocked: RawBuilder<unknown>,
  ) {}

  async claim(now: Date, limit: number, holdMs: number): Promise<QueuedNotice[]> {
    const at = now.getTime();
    // Moving the next attempt past the hold is the claim: no other sender sees the notice as due
    // until this one marks it sent or failed, or dies and the hold runs out.
    const claimed = await sql<Selectable<OutboxTable>>`
      UPDATE outbox SET next_attempt_at = ${at + holdMs}
      WHERE id IN (
        SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ${at}
        ORDER BY next_attempt_at, id LIMIT ${limit} ${this.skipLocked}
      )
      RETURNING *`.execute(this.db);
    return claimed.rows
      .map(toNotice)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  }

  async due(now: Date, limit: number): Promise<QueuedNotice[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('sentAt', 'is', null)
      .where('nextAttemptAt', '<=', now.getTime())
      .orderBy('nextAttemptAt')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toNotice);
  }

  async markSent(id: number, now: Date): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ sentAt: now.getTime(), attempts: eb('attempts', '+', 1), lastError: null }))
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        lastError: error,
        nextAttemptAt: nextAttemptAt.getTime(),
      }))
      .where('id', '=', id)
      .execute();
  }

  async summary(): Promise<{ waiting: number; failing: number; givenUp: number }> {
    const givenUp = NOTICE_GIVEN_UP.getTime();
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('unsent'),
        eb.fn.sum<number>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('tried'),
        eb.fn.sum<number>(eb.case().when('nextAttemptAt', '>=', givenUp).then(1).else(0).end()).as('givenUp'),
      ])
      .where('sentAt', 'is', null)
      .executeTakeFirstOrThrow();
    const unsent = Number(row.unsent);
    const tried = Number(row.tried ?? 0);
    const given = Number(row.givenUp ?? 0);
    return { waiting: unsent - tried, failing: tried - given, givenUp: given };
  }

  async list(query: {
    sent: boolean;
    limit: number;
    offset: number;
  }): Promise<{ notices: QueuedNotice[]; total: number }> {
    const base = this.db.selectFrom('outbox').where('sentAt', query.sent ? 'is not' : 'is', null);
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy(query.sent ? 'sentAt' : 'createdAt', query.sent ? 'desc' : 'asc')
        .orderBy('id', query.sent ? 'desc' : 'asc')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { notices: rows.map(toNotice), total: Number(total.n) };
  }

  async get(id: number): Promise<QueuedNotice | null> {
    const row = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toNotice(row) : null;
  }

  async retry(ids: readonly number[], now: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .updateTable('outbox')
      .set({ nextAttemptAt: now.getTime() })
      .where('id', 'in', [...ids])
      .where('sentAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sentAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function toNotice(r: Selectable<OutboxTable>): QueuedNotice {
  return {
    id: r.id,
    to: r.toAddress,
    subject: r.subject,
    text: r.body,
    createdAt: new Date(Number(r.createdAt)),
    attempts: r.attempts,
    nextAttemptAt: new Date(Number(r.nextAttemptAt)),
    lastError: r.lastError,
    sentAt: date(r.sentAt),
  };
}
