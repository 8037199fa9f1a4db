import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Session, User } from '../model/user.js';
import { StoreError } from './errors.js';
import { date } from './sql-common.js';
import type { Database, UsersTable } from './schema.js';
import type { UserRepository } from './store.js';

/**
 * Names compare without case, so "Ada" finds "ada": lower() on both sides, which each engine's
 * unique index on the name agrees with (SQLite's NOCASE column, PostgreSQL's index on lower(name)).
 */
function sameName(name: string) {
  return (eb: ExpressionBuilder<Database, 'users'>) =>
    eb(eb.fn<string>('lower', ['name']), '=', eb.fn<string>('lower', [eb.val(name)]));
}

export class SqlUsers implements UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(name: string, passwordHash: string, now: Date): Promise<User> {
    const existing = await this.findByName(name);
    if (existing)
      throw new StoreError('store.duplicate-user', `there is already a user named ${existing.name}`);
    const row = await this.db
      .insertInto('users')
      .values({ name, passwordHash, createdAt: now.getTime(), failedLogins: 0 })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async findByName(name: string): Promise<(User & { passwordHash: string }) | null> {
    const row = await this.db.selectFrom('users').selectAll().where(sameName(name)).executeTakeFirst();
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : null;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('name').execute();
    return rows.map(toUser);
  }

  async remove(name: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('id').where(sameName(name)).executeTakeFirst();
      if (!user) return false;
      await trx.deleteFrom('sessions').where('userId', '=', user.id).execute();
      await trx.deleteFrom('users').where('id', '=', user.id).execute();
      return true;
    });
  }

  async setPassword(name: string, passwordHash: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('id').where(sameName(name)).executeTakeFirst();
      if (!user) return false;
      await trx
        .updateTable('users')
        .set({ passwordHash, failedLogins: 0, lockedUntil: null })
        .where('id', '=', user.id)
        .execute();
      await trx.deleteFrom('sessions').where('userId', '=', user.id).execute();
      return true;
    });
  }

  async recordFailure(id: number, lockAfter: number, lockUntil: Date): Promise<User> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('users')
        .set((eb) => ({ failedLogins: eb('failedLogins', '+', 1) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (row.failedLogins < lockAfter) return toUser(row);
      const locked = await trx
        .updateTable('users')
        .set({ lockedUntil: lockUntil.getTime(), failedLogins: 0 })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(locked);
    });
  }

  async recordSuccess(id: number, now: Date): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now.getTime() })
      .where('id', '=', id)
      .execute();
  }

  async createSession(
    userId: number,
    tokenHash: string,
    csrfToken: string,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ tokenHash, userId, csrfToken, createdAt: now.getTime(), expiresAt: expiresAt.getTime() })
      .execute();
  }

  async session(tokenHash: string, now: Date): Promise<Session | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.userId')
      .selectAll('users')
      .select(['sessions.csrfToken', 'sessions.expiresAt'])
      .where('sessions.tokenHash', '=', tokenHash)
      .where('sessions.expiresAt', '>', now.getTime())
      .executeTakeFirst();
    if (!row) return null;
    return { user: toUser(row), csrfToken: row.csrfToken, expiresAt: new Date(Number(row.expiresAt)) };
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('tokenHash', '=', tokenHash).execute();
  }

  async purgeSessions(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expiresAt', '<=', now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(Number(row.createdAt)),
    failedLogins: row.failedLogins,
    lockedUntil: date(row.lockedUntil),
    lastLoginAt: date(row.lastLoginAt),
  };
}
