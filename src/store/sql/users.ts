import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { isRole, type Role, type Session, type User } from '../../model/user.js';
import { StoreError } from '../errors.js';
import { date } from './common.js';
import type { Database, UsersTable } from '../schema.js';
import type { SignInAttempt, UserRepository } from '../store.js';

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

  async add(name: string, passwordHash: string, now: Date, role: Role = 'admin'): Promise<User> {
    const existing = await this.findByName(name);
    if (existing)
      throw new StoreError('store.duplicate-user', `there is already a user named ${existing.name}`);
    const row = await this.db
      .insertInto('users')
      .values({ name, passwordHash, createdAt: now.getTime(), failedLogins: 0, role })
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

  async setRole(name: string, role: Role): Promise<boolean> {
    const result = await this.db.updateTable('users').set({ role }).where(sameName(name)).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
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

  async beginSignIn(id: number, now: Date, lockAfter: number, lockUntil: Date): Promise<SignInAttempt> {
    return this.db.transaction().execute(async (trx) => {
      // One statement decides and counts: a concurrent attempt waits for its row, then sees this count.
      const counted = await trx
        .updateTable('users')
        .set((eb) => {
          const locks = eb(eb('failedLogins', '+', 1), '>=', lockAfter);
          return {
            failedLogins: eb
              .case()
              .when(locks)
              .then(0)
              .else(eb('failedLogins', '+', 1))
              .end(),
            lockedUntil: eb.case().when(locks).then(lockUntil.getTime()).else(null).end(),
          };
        })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now.getTime())]))
        .returning('lockedUntil')
        .executeTakeFirst();
      if (counted) {
        const lockedUntil = date(counted.lockedUntil);
        return { admitted: true, lockedUntil, locked: lockedUntil !== null };
      }
      const row = await trx.selectFrom('users').select('lockedUntil').where('id', '=', id).executeTakeFirst();
      return { admitted: false, lockedUntil: date(row?.lockedUntil ?? null), locked: false };
    });
  }

  async recordSuccess(id: number, now: Date, attempt: SignInAttempt): Promise<void> {
    const own = attempt.locked && attempt.lockedUntil ? attempt.lockedUntil.getTime() : null;
    await this.db
      .updateTable('users')
      .set((eb) => ({
        failedLogins: 0,
        lastLoginAt: now.getTime(),
        // A lock that concurrent attempts made stays; only the one this attempt's own count made goes.
        lockedUntil:
          own === null
            ? eb.ref('lockedUntil')
            : eb.case().when('lockedUntil', '=', own).then(null).else(eb.ref('lockedUntil')).end(),
      }))
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
    role: isRole(row.role) ? row.role : 'rights',
    createdAt: new Date(Number(row.createdAt)),
    failedLogins: row.failedLogins,
    lockedUntil: date(row.lockedUntil),
    lastLoginAt: date(row.lastLoginAt),
  };
}
