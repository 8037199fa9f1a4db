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
import { StoreError, isStoreErrorCode } from '../errors.js';
import { isEntryBatch } from '../../model/entry-batch.js';
import type { HotWrites } from '../sql/sql-store.js';

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
      finishExtraction: (...args) =>
        call('finishExtraction', args) as ReturnType<HotWrites['finishExtraction']>,
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

/**
 * The writer thread's young generation, in MB. Each refresh's entries are parsed and written there
 * and are garbage at once; V8's default lets the young generation grow to 48 MB before it is swept,
 * which the polling benchmark paid for in memory, not in time.
 */
const WRITER_YOUNG_MB = 8;
/**
 * Hot writes on their way to the thread at once. Enough to keep the thread busy between two; more
 * only piles up answers for the main thread to take in one burst (a round of 10,000 `304` checks,
 * all sent at once, held the home page up for 160 ms).
 */
const WRITES_IN_FLIGHT = 8;

class ThreadDriver implements Driver {
  private worker: Worker | null = null;
  private connection: ThreadConnection | null = null;
  /**
   * Who may send to the thread. Kysely borrows the one connection for a statement or a whole
   * transaction, alone: no other statement may come between its begin and its commit. The hot
   * writes each run whole in the thread (those that wait there together share a transaction, each
   * in a savepoint of its own), so several may be on their way at once, up to WRITES_IN_FLIGHT
   * (the thread runs them one after another, without waiting on this side between two); a
   * borrower waits until those are done.
   * Waiters are served in order.
   */
  private readonly gate = new Gate(WRITES_IN_FLIGHT);

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    const worker = new Worker(WRITER, {
      workerData: { path: this.path } satisfies WriterSetup,
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_MB },
    });
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
    await this.gate.enter('alone');
    return this.connection!;
  }

  /** Runs one of the store's writes in the thread, beside the other hot writes on their way. */
  async call(method: HotWrite, args: unknown[]): Promise<unknown> {
    await this.gate.enter('shared');
    try {
      return await this.connection!.call(method, args);
    } finally {
      this.gate.leave('shared');
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
    this.gate.leave('alone');
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

  /** A write run whole in the thread; the buffers of entry batches among its arguments are moved there. */
  call(method: HotWrite, args: unknown[]): Promise<unknown> {
    const moved = args.flatMap((arg) => (isEntryBatch(arg) ? [arg.bytes.buffer as ArrayBuffer] : []));
    return this.send((id) => ({ kind: 'call', id, method, args }), moved);
  }

  private send(request: (id: number) => WriterRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.keepAlive();
      this.worker.postMessage(request(id), transfer);
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
        answer.storeError && isStoreErrorCode(answer.code)
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

/**
 * A first-come, first-served gate with two ways in: alone (no one else inside) or shared (with at
 * most `maxShared` other shared ones). A shared comer waits behind one waiting to be alone, so
 * neither starves.
 */
export class Gate {
  private alone = false;
  private shared = 0;
  private readonly waiting: Array<{ way: 'alone' | 'shared'; go: () => void }> = [];

  constructor(private readonly maxShared: number) {}

  enter(way: 'alone' | 'shared'): Promise<void> {
    if (this.waiting.length === 0 && this.mayEnter(way)) {
      this.admit(way);
      return Promise.resolve();
    }
    return new Promise((go) => this.waiting.push({ way, go }));
  }

  leave(way: 'alone' | 'shared'): void {
    if (way === 'alone') this.alone = false;
    else this.shared--;
    while (this.waiting.length > 0 && this.mayEnter(this.waiting[0]!.way)) {
      const next = this.waiting.shift()!;
      this.admit(next.way);
      next.go();
    }
  }

  private mayEnter(way: 'alone' | 'shared'): boolean {
    return !this.alone && (way === 'shared' ? this.shared < this.maxShared : this.shared === 0);
  }

  private admit(way: 'alone' | 'shared'): void {
    if (way === 'alone') this.alone = true;
    else this.shared++;
  }
}
