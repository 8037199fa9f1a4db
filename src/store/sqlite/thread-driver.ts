import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
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
} from 'kysely';
import { StoreError } from '../errors.js';
import type { HotWrites } from '../sql-store.js';

/** What the writer thread is given at start. */
export interface WriterSetup {
  path: string;
}

/** The store's writes that the thread runs whole (see SqlEngine.hotWrites). */
export type HotWrite = keyof HotWrites;

export type WriterRequest =
  | { kind: 'run'; id: number; sql: string; parameters: readonly unknown[] }
  | { kind: 'call'; id: number; method: HotWrite; args: unknown[] }
  | { kind: 'close' };

export type WriterAnswer =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'rows'; id: number; rows: unknown[] }
  | { kind: 'returned'; id: number; value: unknown }
  | { kind: 'changed'; id: number; changes: bigint; lastInsertRowid: bigint }
  | { kind: 'error'; id: number; message: string; code: string | null; storeError: boolean }
  | { kind: 'closed' };

const WRITER = new URL('./writer-thread.js', import.meta.url);

/** An error SQLite raised in the writer thread, with its code (SQLITE_CONSTRAINT_UNIQUE and so on). */
export class SqliteThreadError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'SqliteError';
  }
}

/**
 * Kysely's SQLite dialect, with its one connection in a thread of its own: each statement is sent
 * to the writer thread and its answer awaited. A poll's write transaction (multi-row inserts, the
 * search index, the commit) then costs the main thread nothing but the messages, and the pages it
 * serves meanwhile read through a connection of their own on the main thread.
 */
export class ThreadSqliteDialect implements Dialect {
  constructor(
    private readonly path: string,
    private readonly adapter: () => DialectAdapter,
  ) {}

  private driver: ThreadDriver | null = null;

  createDriver(): Driver {
    this.driver = new ThreadDriver(this.path);
    return this.driver;
  }

  /**
   * The polls' writes, each run whole in the thread, in its own transaction there, when no
   * transaction of this side holds the connection. Call once the database is open.
   */
  hotWrites(): HotWrites {
    const call = (method: HotWrite, args: unknown[]) => {
      if (!this.driver) throw new Error('the SQLite store is not open');
      return this.driver.call(method, args);
    };
    return {
      saveRefresh: (...args) => call('saveRefresh', args) as ReturnType<HotWrites['saveRefresh']>,
      recordCheck: (...args) => call('recordCheck', args) as ReturnType<HotWrites['recordCheck']>,
      claimDue: (...args) => call('claimDue', args) as ReturnType<HotWrites['claimDue']>,
    };
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return this.adapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class ThreadDriver implements Driver {
  private worker: Worker | null = null;
  private connection: ThreadConnection | null = null;
  /** The one connection is lent to one caller at a time (a transaction holds it to its end). */
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    const worker = new Worker(WRITER, { workerData: { path: this.path } satisfies WriterSetup });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const first = (answer: WriterAnswer) => {
        worker.off('error', failed);
        if (answer.kind === 'ready') return resolve();
        reject(
          new StoreError(
            'store.open',
            `store: cannot open the SQLite database at ${this.path}: ${answer.kind === 'failed' ? answer.message : 'the writer thread did not start'}`,
          ),
        );
      };
      const failed = (error: Error) => {
        worker.off('message', first);
        reject(new StoreError('store.open', `store: the SQLite writer thread failed: ${error.message}`));
      };
      worker.once('message', first);
      worker.once('error', failed);
    });
    this.connection = new ThreadConnection(worker);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
    return this.connection!;
  }

  /** Runs one of the store's writes in the thread, holding the connection meanwhile. */
  async call(method: HotWrite, args: unknown[]): Promise<unknown> {
    const connection = (await this.acquireConnection()) as ThreadConnection;
    try {
      return await connection.call(method, args);
    } finally {
      await this.releaseConnection();
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(): Promise<void> {
    const release = this.release;
    this.held = null;
    this.release = null;
    release?.();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await this.connection?.close();
    await worker.terminate();
  }
}

class ThreadConnection implements DatabaseConnection {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private dead: Error | null = null;
  private closing: (() => void) | null = null;

  constructor(private readonly worker: Worker) {
    // Like a connection, the thread keeps the process alive only while a statement is pending.
    worker.unref();
    worker.on('message', (answer: WriterAnswer) => this.answered(answer));
    worker.on('error', (error) => this.fail(new Error(`the SQLite writer thread failed: ${error.message}`)));
    worker.on('exit', () => this.fail(new Error('the SQLite writer thread has stopped')));
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.send((id) => ({
      kind: 'run',
      id,
      sql: compiled.sql,
      parameters: compiled.parameters,
    })) as Promise<QueryResult<R>>;
  }

  call(method: HotWrite, args: unknown[]): Promise<unknown> {
    return this.send((id) => ({ kind: 'call', id, method, args }));
  }

  private send(request: (id: number) => WriterRequest): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.keepAlive();
      this.worker.postMessage(request(id));
    });
  }

  /** The store never streams (better-sqlite3 would hold the statement busy meanwhile). */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the SQLite writer thread does not stream query results');
  }

  close(): Promise<void> {
    if (this.dead) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
      this.keepAlive();
      this.worker.postMessage({ kind: 'close' } satisfies WriterRequest);
    });
  }

  private answered(answer: WriterAnswer): void {
    if (answer.kind === 'closed') {
      this.dead = new Error('the SQLite store is closed');
      const closed = this.closing;
      this.closing = null;
      closed?.();
      return;
    }
    if (!('id' in answer)) return;
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    this.keepAlive();
    if (answer.kind === 'rows') waiter.resolve({ rows: answer.rows });
    else if (answer.kind === 'changed') {
      waiter.resolve({ rows: [], numAffectedRows: answer.changes, insertId: answer.lastInsertRowid });
    } else if (answer.kind === 'returned') waiter.resolve(answer.value);
    else if (answer.kind === 'error') {
      waiter.reject(
        answer.storeError && answer.code
          ? new StoreError(answer.code, answer.message)
          : new SqliteThreadError(answer.message, answer.code),
      );
    }
  }

  /** The thread keeps the process alive while a statement or the closing is awaited, and only then. */
  private keepAlive(): void {
    if (this.waiting.size > 0 || this.closing) this.worker.ref();
    else this.worker.unref();
  }

  private fail(error: Error): void {
    this.dead ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    const closed = this.closing;
    this.closing = null;
    closed?.();
  }
}
