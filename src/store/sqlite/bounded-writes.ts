/**
 * The writer thread's one connection as Kysely sees it, made so that no write can hold SQLite's
 * write lock while it waits: not on itself, and not for longer than a deadline on anything else.
 *
 * - A statement of the store's top-level handle inside a transaction of the same write would wait
 *   for the connection that transaction holds, for good. The connection is never waited for: a
 *   second borrower is refused with `store.nested-write`, and that write fails alone.
 * - Each write runs within `runBounded`. better-sqlite3 answers every statement synchronously, so a
 *   write that makes progress never yields to a timer: when its deadline's timer fires, the write
 *   is waiting on something that is not the database. It is abandoned (`store.timeout`): the caller
 *   undoes what it wrote (its savepoint), the connection is free again, and should the abandoned
 *   write ever wake, every statement it tries is refused, so it cannot write outside its place.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';
import { StoreError } from '../errors.js';

/** One write run by runBounded: abandoned once its deadline passed. */
interface BoundedWrite {
  abandoned: boolean;
}

/**
 * Kysely's SQLite dialect over one database handle that is never waited for. While `grouped()`
 * says so, transactions are savepoints, within the group's own transaction (see writer-thread.ts).
 */
export class BoundedWriterDialect implements Dialect {
  readonly driver: BoundedWriterDriver;

  constructor(database: SqliteDatabase, grouped: () => boolean) {
    this.driver = new BoundedWriterDriver(database, grouped);
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

const writes = new AsyncLocalStorage<BoundedWrite>();

class BoundedWriterDriver implements Driver {
  /** The write that holds the connection now, if any (undefined for one run outside runBounded). */
  holder: BoundedWrite | undefined | null = null;
  private readonly connection: BoundedConnection;

  constructor(
    database: SqliteDatabase,
    private readonly grouped: () => boolean,
  ) {
    this.connection = new BoundedConnection(database);
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    const asking = writes.getStore();
    if (asking?.abandoned) return Promise.reject(abandonedError());
    if (this.holder !== null) {
      return Promise.reject(
        new StoreError(
          'store.nested-write',
          'store: a statement asked for the writer connection while a transaction of the same write held it',
        ),
      );
    }
    this.holder = asking;
    return Promise.resolve(this.connection);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(this.grouped() ? 'savepoint store_transaction' : 'begin'),
    );
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(this.grouped() ? 'release store_transaction' : 'commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.grouped()) {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
      return;
    }
    await connection.executeQuery(CompiledQuery.raw('rollback to store_transaction'));
    await connection.executeQuery(CompiledQuery.raw('release store_transaction'));
  }

  releaseConnection(): Promise<void> {
    // An abandoned write that wakes and lets go lets go of nothing: the connection moved on.
    if (writes.getStore()?.abandoned !== true) this.holder = null;
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    this.holder = null;
    return Promise.resolve();
  }
}

class BoundedConnection implements DatabaseConnection {
  constructor(private readonly database: SqliteDatabase) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (writes.getStore()?.abandoned) return Promise.reject(abandonedError());
    const statement = this.database.prepare(compiled.sql);
    if (statement.reader) return Promise.resolve({ rows: statement.all(compiled.parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(compiled.parameters);
    return Promise.resolve({
      rows: [],
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
    });
  }

  /** The store never streams (better-sqlite3 would hold the statement busy meanwhile). */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the SQLite writer connection does not stream query results');
  }
}

function abandonedError(): StoreError {
  return new StoreError(
    'store.timeout',
    'store: this write was abandoned past its deadline; nothing more of it runs',
  );
}

/**
 * Runs one write on the dialect's connection, within `deadlineMs`: past it, the write is abandoned
 * (see the header) and this rejects with StoreError `store.timeout`; the caller then undoes what it
 * wrote. The deadline can only pass while the write waits on something other than the database.
 */
export function runBounded<T>(
  dialect: BoundedWriterDialect,
  deadlineMs: number,
  write: () => Promise<T>,
): Promise<T> {
  const state: BoundedWrite = { abandoned: false };
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      state.abandoned = true;
      if (dialect.driver.holder === state) dialect.driver.holder = null;
      reject(
        new StoreError(
          'store.timeout',
          `store: a write waited ${Math.round(deadlineMs / 1000)} s on something other than the database and was abandoned`,
        ),
      );
    }, deadlineMs);
    writes.run(state, write).then(
      (value) => {
        clearTimeout(timer);
        if (!state.abandoned) resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!state.abandoned) reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
