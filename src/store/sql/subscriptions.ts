import type { Kysely, Selectable } from 'kysely';
import type { Subscription, SubscriptionState } from '../../model/subscription.js';
import type { Database, SubscriptionsTable } from '../schema.js';
import type { SubscriptionPatch, SubscriptionRepository } from '../store.js';
import { date } from './common.js';

/** WebSub subscriptions, one per source at most. */
export class SqlSubscriptions implements SubscriptionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    /** Where committed state is read from; every refresh reads its source's subscription. */
    private readonly reader: Kysely<Database>,
  ) {}

  async get(sourceId: number): Promise<Subscription | null> {
    const row = await this.reader
      .selectFrom('subscriptions')
      .selectAll()
      .where('sourceId', '=', sourceId)
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async findByToken(token: string): Promise<Subscription | null> {
    const row = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('token', '=', token)
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async put(subscription: Subscription): Promise<void> {
    const s = subscription;
    const values: Omit<SubscriptionsTable, 'sourceId'> = {
      token: s.token,
      hub: s.hub,
      topic: s.topic,
      secret: s.secret,
      state: s.state,
      requestedAt: s.requestedAt.getTime(),
      verifiedAt: s.verifiedAt?.getTime() ?? null,
      leaseSeconds: s.leaseSeconds,
      expiresAt: s.expiresAt?.getTime() ?? null,
      renewAt: s.renewAt.getTime(),
      attempts: s.attempts,
      lastError: s.lastError,
      lastPushAt: s.lastPushAt?.getTime() ?? null,
      pushes: s.pushes,
      rejectedPushes: s.rejectedPushes,
    };
    await this.db
      .insertInto('subscriptions')
      .values({ ...values, sourceId: subscription.sourceId })
      .onConflict((oc) => oc.column('sourceId').doUpdateSet(values))
      .execute();
  }

  async update(
    sourceId: number,
    patch: SubscriptionPatch,
    onlyIn?: readonly SubscriptionState[],
  ): Promise<boolean> {
    const set = subscriptionColumns(patch);
    if (Object.keys(set).length === 0) return false;
    let q = this.db.updateTable('subscriptions').set(set).where('sourceId', '=', sourceId);
    if (onlyIn) q = q.where('state', 'in', [...onlyIn]);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listDue(now: Date, limit: number): Promise<Subscription[]> {
    const rows = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('renewAt', '<=', now.getTime())
      .orderBy('renewAt')
      .limit(limit)
      .execute();
    return rows.map(toSubscription);
  }

  async recordPush(sourceId: number, at: Date, rejection: string | null): Promise<void> {
    await this.db
      .updateTable('subscriptions')
      .set((eb) =>
        rejection === null
          ? { pushes: eb('pushes', '+', 1), lastPushAt: at.getTime() }
          : { rejectedPushes: eb('rejectedPushes', '+', 1), lastError: rejection },
      )
      .where('sourceId', '=', sourceId)
      .execute();
  }

  async remove(sourceId: number): Promise<void> {
    await this.db.deleteFrom('subscriptions').where('sourceId', '=', sourceId).execute();
  }
}

/** The columns of whichever subscription fields are given (dates as ms). */
function subscriptionColumns(s: SubscriptionPatch): Partial<Omit<SubscriptionsTable, 'sourceId'>> {
  const out: Partial<Record<keyof SubscriptionsTable, unknown>> = {};
  for (const [key, value] of Object.entries(s) as Array<[keyof Subscription, unknown]>) {
    if (value === undefined || key === 'sourceId') continue;
    out[key] = value instanceof Date ? value.getTime() : value;
  }
  return out as Partial<Omit<SubscriptionsTable, 'sourceId'>>;
}

function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    sourceId: row.sourceId,
    token: row.token,
    hub: row.hub,
    topic: row.topic,
    secret: row.secret,
    state: row.state as SubscriptionState,
    requestedAt: new Date(Number(row.requestedAt)),
    verifiedAt: date(row.verifiedAt),
    leaseSeconds: row.leaseSeconds,
    expiresAt: date(row.expiresAt),
    renewAt: new Date(Number(row.renewAt)),
    attempts: row.attempts,
    lastError: row.lastError,
    lastPushAt: date(row.lastPushAt),
    pushes: row.pushes,
    rejectedPushes: row.rejectedPushes,
  };
}
