import type { Kysely, Selectable } from 'kysely';
import { describeRule, type NewRule, type SuppressionRule } from '../../model/rights.js';
import type {
  ResolvedScope,
  Capacity,
  CounterNotice,
  CounterNoticeState,
  NewCounterNotice,
  NewTakedownRequest,
  Notice,
  RequestScope,
  RequestState,
  TakedownRequest,
} from '../../model/takedown.js';
import { date } from './common.js';
import { appendAudit, grantRule, revokeRule } from './rights.js';
import type { CounterNoticesTable, Database, TakedownRequestsTable } from '../schema.js';
import type { Decision, FilingKeys, GrantOptions, GrantOutcome, TakedownRepository } from '../store.js';

export class SqlTakedowns implements TakedownRepository {
  constructor(private readonly db: Kysely<Database>) {}

  create(
    request: NewTakedownRequest & { verifyToken: string; resolved: ResolvedScope | null },
    keys: FilingKeys,
    now: Date,
    notices: (request: TakedownRequest) => Notice[],
  ): Promise<TakedownRequest> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('takedownRequests')
        .values({
          reference: keys.reference,
          statusTokenHash: keys.statusTokenHash,
          name: request.name,
          email: request.email,
          capacity: request.capacity,
          scope: request.scope,
          urls: JSON.stringify(request.urls),
          author: request.author,
          message: request.message,
          signature: request.signature,
          state: 'received',
          createdAt: now.getTime(),
          ruleIds: '[]',
          verifyToken: request.verifyToken,
          resolved: request.resolved ? JSON.stringify(request.resolved) : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const created = toRequest(row);
      await appendAudit(
        trx,
        `requester ${created.email}`,
        'request.received',
        `${created.reference}: ${created.capacity} asks to remove ${created.scope === 'article' ? `${created.urls.length} article(s)` : created.scope === 'author' ? `everything by ${created.author ?? '?'}` : 'everything from the site'}: ${created.urls.join(' ')}`,
        now,
      );
      await enqueue(trx, notices(created), now);
      return created;
    });
  }

  get(id: number): Promise<TakedownRequest | null> {
    return this.requestWhere('id', id);
  }

  findByReference(reference: string): Promise<TakedownRequest | null> {
    return this.requestWhere('reference', reference);
  }

  findByStatusToken(tokenHash: string): Promise<TakedownRequest | null> {
    return this.requestWhere('statusTokenHash', tokenHash);
  }

  private async requestWhere(
    column: 'id' | 'reference' | 'statusTokenHash',
    value: string | number,
  ): Promise<TakedownRequest | null> {
    const row = await this.db
      .selectFrom('takedownRequests')
      .selectAll()
      .where(column, '=', value)
      .executeTakeFirst();
    return row ? toRequest(row) : null;
  }

  async list(options: { state?: RequestState; limit: number }): Promise<TakedownRequest[]> {
    let q = this.db.selectFrom('takedownRequests').selectAll();
    if (options.state) q = q.where('state', '=', options.state);
    const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toRequest);
  }

  grant(
    id: number,
    rules: NewRule[],
    decision: Decision,
    options: GrantOptions,
    now: Date,
    notices: (outcome: GrantOutcome) => Notice[],
  ): Promise<GrantOutcome | null> {
    return this.db.transaction().execute(async (trx) => {
      // Claim the request first: of two operators granting at once, one wins and the other changes nothing.
      const claimed = await trx
        .updateTable('takedownRequests')
        .set({
          state: 'granted',
          decidedAt: now.getTime(),
          decidedBy: decision.actor,
          decisionReason: decision.reason,
        })
        .where('id', '=', id)
        .where('state', '=', 'received')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return null;
      const granted: SuppressionRule[] = [];
      let removed = 0;
      let copies = 0;
      for (const rule of rules) {
        const result = await grantRule(trx, { ...rule, actor: decision.actor, requestId: id }, now, options);
        granted.push(result.rule);
        removed += result.removed;
        copies += result.copies;
      }
      const row = await trx
        .updateTable('takedownRequests')
        .set({ ruleIds: JSON.stringify(granted.map((r) => r.id)) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const request = toRequest(row);
      await appendAudit(
        trx,
        decision.actor,
        'request.granted',
        `${request.reference}: rules ${granted.map((r) => r.id).join(', ') || 'none'} (${granted.map(describeRule).join('; ')}); ${removed} entries removed${copies ? ` (${copies} of them copies of a removed text)` : ''}; reason: ${decision.reason}${decision.scope ? `; scope: ${decision.scope}` : ''}`,
        now,
      );
      const outcome = { request, rules: granted, removed, copies };
      await enqueue(trx, notices(outcome), now);
      return outcome;
    });
  }

  reject(
    id: number,
    decision: Decision,
    now: Date,
    notices: (request: TakedownRequest) => Notice[],
  ): Promise<TakedownRequest | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('takedownRequests')
        .set({
          state: 'rejected',
          decidedAt: now.getTime(),
          decidedBy: decision.actor,
          decisionReason: decision.reason,
        })
        .where('id', '=', id)
        .where('state', '=', 'received')
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      const request = toRequest(row);
      await appendAudit(
        trx,
        decision.actor,
        'request.rejected',
        `${request.reference}: reason: ${decision.reason}`,
        now,
      );
      await enqueue(trx, notices(request), now);
      return request;
    });
  }

  recordVerification(id: number, result: string, now: Date): Promise<void> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('takedownRequests')
        .set({ lastVerifyAt: now.getTime(), lastVerifyResult: result })
        .where('id', '=', id)
        .returning('reference')
        .executeTakeFirst();
      if (row)
        await appendAudit(
          trx,
          'self-service verification',
          'request.verification',
          `${row.reference}: ${result}`,
          now,
        );
    });
  }

  fileCounterNotice(
    notice: NewCounterNotice,
    keys: FilingKeys,
    now: Date,
    notices: (notice: CounterNotice, request: TakedownRequest) => Notice[],
  ): Promise<CounterNotice> {
    return this.db.transaction().execute(async (trx) => {
      const requestRow = await trx
        .selectFrom('takedownRequests')
        .selectAll()
        .where('id', '=', notice.requestId)
        .executeTakeFirstOrThrow();
      const row = await trx
        .insertInto('counterNotices')
        .values({
          ...notice,
          reference: keys.reference,
          statusTokenHash: keys.statusTokenHash,
          state: 'received',
          createdAt: now.getTime(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const filed = toCounterNotice(row);
      const request = toRequest(requestRow);
      await appendAudit(
        trx,
        `counter-notice ${filed.email}`,
        'counter-notice.received',
        `${filed.reference} against ${request.reference}`,
        now,
      );
      await enqueue(trx, notices(filed, request), now);
      return filed;
    });
  }

  getCounterNotice(id: number): Promise<CounterNotice | null> {
    return this.counterNoticeWhere('id', id);
  }

  findCounterNoticeByReference(reference: string): Promise<CounterNotice | null> {
    return this.counterNoticeWhere('reference', reference);
  }

  findCounterNoticeByStatusToken(tokenHash: string): Promise<CounterNotice | null> {
    return this.counterNoticeWhere('statusTokenHash', tokenHash);
  }

  private async counterNoticeWhere(
    column: 'id' | 'reference' | 'statusTokenHash',
    value: string | number,
  ): Promise<CounterNotice | null> {
    const row = await this.db
      .selectFrom('counterNotices')
      .selectAll()
      .where(column, '=', value)
      .executeTakeFirst();
    return row ? toCounterNotice(row) : null;
  }

  async counterNoticesOf(requestId: number): Promise<CounterNotice[]> {
    const rows = await this.db
      .selectFrom('counterNotices')
      .selectAll()
      .where('requestId', '=', requestId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toCounterNotice);
  }

  async listCounterNotices(options: { state?: CounterNoticeState; limit: number }): Promise<CounterNotice[]> {
    let q = this.db.selectFrom('counterNotices').selectAll();
    if (options.state) q = q.where('state', '=', options.state);
    const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toCounterNotice);
  }

  decideCounterNotice(
    id: number,
    upheld: boolean,
    decision: Decision,
    now: Date,
    notices: (notice: CounterNotice, request: TakedownRequest) => Notice[],
  ): Promise<CounterNotice | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('counterNotices')
        .set({
          state: upheld ? 'upheld' : 'rejected',
          decidedAt: now.getTime(),
          decidedBy: decision.actor,
          decisionReason: decision.reason,
        })
        .where('id', '=', id)
        .where('state', '=', 'received')
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      const decided = toCounterNotice(row);
      const request = toRequest(
        await trx
          .selectFrom('takedownRequests')
          .selectAll()
          .where('id', '=', decided.requestId)
          .executeTakeFirstOrThrow(),
      );
      const revoked: number[] = [];
      if (upheld) {
        for (const ruleId of request.ruleIds) {
          const rule = await revokeRule(
            trx,
            ruleId,
            `counter-notice ${decided.reference} upheld: ${decision.reason}`,
            decision.actor,
            now,
          );
          if (rule) revoked.push(rule.id);
        }
      }
      await appendAudit(
        trx,
        decision.actor,
        upheld ? 'counter-notice.upheld' : 'counter-notice.rejected',
        `${decided.reference} against ${request.reference}${upheld ? `: rules revoked: ${revoked.join(', ') || 'none in force'}` : ''}; reason: ${decision.reason}`,
        now,
      );
      await enqueue(trx, notices(decided, request), now);
      return decided;
    });
  }
}

async function enqueue(trx: Kysely<Database>, notices: Notice[], now: Date): Promise<void> {
  if (notices.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(
      notices.map((n) => ({
        toAddress: n.to,
        subject: n.subject,
        body: n.text,
        createdAt: now.getTime(),
        attempts: 0,
        nextAttemptAt: now.getTime(),
      })),
    )
    .execute();
}

function toRequest(row: Selectable<TakedownRequestsTable>): TakedownRequest {
  return {
    id: row.id,
    reference: row.reference,
    name: row.name,
    email: row.email,
    capacity: row.capacity as Capacity,
    scope: row.scope as RequestScope,
    urls: JSON.parse(row.urls) as string[],
    author: row.author,
    message: row.message,
    signature: row.signature,
    state: row.state as RequestState,
    createdAt: new Date(Number(row.createdAt)),
    decidedAt: date(row.decidedAt),
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    ruleIds: JSON.parse(row.ruleIds) as number[],
    verifyToken: row.verifyToken,
    lastVerifyAt: date(row.lastVerifyAt),
    lastVerifyResult: row.lastVerifyResult,
    resolved: row.resolved ? (JSON.parse(row.resolved) as ResolvedScope) : null,
  };
}

function toCounterNotice(row: Selectable<CounterNoticesTable>): CounterNotice {
  return {
    id: row.id,
    reference: row.reference,
    requestId: row.requestId,
    name: row.name,
    email: row.email,
    address: row.address,
    explanation: row.explanation,
    signature: row.signature,
    state: row.state as CounterNoticeState,
    createdAt: new Date(Number(row.createdAt)),
    decidedAt: date(row.decidedAt),
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
  };
}
