/**
 * The thread that owns courtesy's writing connection to a SQLite database (see thread-driver.ts).
 * It opens the database, then answers what the main thread sends, one request at a time: a
 * statement (with its rows or its changes), or one of the store's hot writes run whole here. A
 * statement runs synchronously in better-sqlite3: here that blocks this thread only, never the one
 * that serves pages.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, sql } from 'kysely';
import { StoreError } from '../errors.js';
import type { Database } from '../schema.js';
import { SqlStore, type HotWrites } from '../sql/sql-store.js';
import { BoundedWriterDialect, runBounded } from './bounded-writes.js';
import type { CheckpointSetup } from './checkpoint-thread.js';
import { FTS5_INDEX } from './fts5.js';
import type { FullTextIndex, IndexedEntry } from '../full-text.js';
import { withStatementCache } from './statement-cache.js';
import type { WriterAnswer, WriterRequest, WriterSetup } from './thread-driver.js';
import { runInBackground } from '../../threads/priority.js';

const port = parentPort!;
runInBackground();
const { path } = workerData as WriterSetup;

let sqlite: BetterSqlite3.Database;
try {
  sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // The journals of savepoints and statements (the original of each page a refresh changes, kept
  // until it is released) in memory, not in temporary files: a refresh keeps about 1 MB there for
  // a moment, and a poll of 10,000 feeds wrote 4.6 GB to such files, as much again as to the log.
  sqlite.pragma('temp_store = MEMORY');
  // What of the log's file is kept once the log starts over (see SHARED_CHECKPOINT_PAGES).
  sqlite.pragma(`journal_size_limit = ${32 * 1024 * 1024}`);
} catch (error) {
  port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies WriterAnswer);
  process.exit(0);
}
const connection = withStatementCache(sqlite);

/** SQLite's own threshold for checkpointing in a commit, in pages of the log (its default). */
const AUTO_CHECKPOINT_PAGES = 1000;
/**
 * The threshold while the checkpoint thread runs (16 MB of 4 KB pages). The log starts over only
 * at a transaction that begins with every page of it already in the database, which the
 * checkpoints of another thread, made while this one writes, seldom leave: with those alone the
 * log grew to three times the database in a first poll. So past this length the commit
 * checkpoints here too, as SQLite does, but finds nearly everything copied already, and the next
 * transaction starts the log over (its file is then cut back to journal_size_limit).
 */
const SHARED_CHECKPOINT_PAGES = 4096;
/** How long the checkpoint thread waits between two checkpoints. */
const CHECKPOINT_EVERY_MS = 100;
const CHECKPOINTER = new URL('./checkpoint-thread.js', import.meta.url);

/**
 * The thread that checkpoints the log while this one writes (checkpoint-thread.ts), made with the
 * first hot writes: a poll's commits then mostly only append to the log. Until it has the database
 * open, and again should it end, SQLite checkpoints in this thread's commits as it does by default.
 */
let checkpointer: Worker | null = null;
let closing = false;

function startCheckpointer(): void {
  if (checkpointer || closing || path === ':memory:') return;
  const worker = new Worker(CHECKPOINTER, {
    workerData: { path, everyMs: CHECKPOINT_EVERY_MS } satisfies CheckpointSetup,
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  });
  checkpointer = worker;
  worker.once('message', () => {
    if (checkpointer === worker) sqlite.pragma(`wal_autocheckpoint = ${SHARED_CHECKPOINT_PAGES}`);
  });
  const ended = (): void => {
    if (checkpointer !== worker) return;
    checkpointer = null;
    if (!closing) sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  // An error ends the thread too; either way this thread checkpoints again, and no other is made.
  worker.on('error', ended);
  worker.once('exit', ended);
}

async function stopCheckpointer(): Promise<void> {
  const worker = checkpointer;
  if (!worker) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.postMessage('stop');
  await exited;
}

/**
 * Whether the hot writes being run share one transaction (see answerGroup): a store transaction
 * then becomes a savepoint within it.
 */
let grouped = false;

/**
 * How long a hot write may wait on anything that is not the database before it is abandoned (see
 * bounded-writes.ts): better-sqlite3 never makes a write wait, so this is reached only by a write
 * that would otherwise hold SQLite's write lock for good.
 */
const WRITE_DEADLINE_MS = 30_000;

/** The store's connection here: never waited for, each hot write bounded (bounded-writes.ts). */
const dialect = new BoundedWriterDialect(connection, () => grouped);
/** The store over this same connection, for the writes run whole here (it delegates none). */
const db = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
/**
 * The search text of the new entries of the hot writes being run together, written at the end of
 * their group, just before it commits (see answerGroup). FTS5 writes what it has taken in as a new
 * segment of its index at every savepoint, each hot write's own among them, and merges those
 * segments as they pile up: a refresh's 25 entries made a segment of their own, whose writing and
 * merging cost more than any statement of the refresh (the next statement that opened a savepoint
 * paid for it). Written together, a group's entries make one segment.
 */
const groupText: IndexedEntry[] = [];
const groupedFullText: FullTextIndex = {
  ...FTS5_INDEX,
  async add(on, entries) {
    if (grouped) groupText.push(...entries);
    else await FTS5_INDEX.add(on, entries);
  },
  async replace(on, entry) {
    // The group's text first, so that an entry written and changed in one group ends as changed;
    // on the transaction given, which holds the connection (the top-level handle would wait for it).
    await writeGroupText(on);
    await FTS5_INDEX.replace(on, entry);
  },
};

/** Writes the group's search text so far, through `on`: the transaction that holds the connection, if any. */
async function writeGroupText(on: Kysely<Database> = db): Promise<void> {
  if (groupText.length > 0) await FTS5_INDEX.add(on, groupText.splice(0));
}

const store = new SqlStore(db, {
  fullText: groupedFullText,
  holdRules: () => Promise.resolve(),
  holdStories: () => Promise.resolve(),
  // One writer: another process's entries are rare (a `poll --once` beside `serve`), and only a
  // rolled-back refresh's ids come again; a look each second is enough.
  storyCatchUp: { reread: 256, everyMs: 1000 },
  beginClaim: () => Promise.resolve(),
  skipLocked: sql``,
  reader: db,
  otherCommits: null,
  close: () => db.destroy(),
});
const hotWrites: HotWrites = {
  saveRefresh: (...args) => store.entries.saveRefresh(...args),
  recordCheck: (...args) => store.sources.recordCheck(...args),
  claimDue: (...args) => store.sources.claimDue(...args),
  finishExtraction: (...args) => store.extractions.finish(...args),
};

port.postMessage({ kind: 'ready' } satisfies WriterAnswer);

/**
 * Requests are answered in the order they came. Hot writes that wait together (at most the
 * WRITES_IN_FLIGHT the main thread sends at once, thread-driver.ts) run in one
 * transaction, each in a savepoint of its own (one that fails is undone alone, and answered with
 * its error), and are answered once it commits: a poll's refreshes each rewrote the same pages of
 * the sources table, the entry indexes and the search index into the WAL at their own commit,
 * which cost a third of SQLite's time for short feeds.
 */
const pending: WriterRequest[] = [];
let draining = false;
port.on('message', (request: WriterRequest) => {
  pending.push(request);
  if (!draining) void drain();
});

async function drain(): Promise<void> {
  draining = true;
  try {
    while (pending.length > 0) {
      // Let the messages already sent arrive first: a write runs without giving this thread's
      // event loop a turn, so those sent meanwhile are delivered only now, one by one.
      if (pending[0]!.kind === 'call') await new Promise((resolve) => setImmediate(resolve));
      let calls = 0;
      while (calls < pending.length && pending[calls]!.kind === 'call') calls++;
      if (calls > 0) await answerGroup(pending.splice(0, calls) as CallRequest[]);
      else await answer(pending.shift() as Exclude<WriterRequest, CallRequest>);
    }
  } finally {
    draining = false;
  }
}

type CallRequest = Extract<WriterRequest, { kind: 'call' }>;

function runCall(request: CallRequest): Promise<unknown> {
  const run = hotWrites[request.method] as (...args: unknown[]) => Promise<unknown>;
  return runBounded(dialect, WRITE_DEADLINE_MS, () => run(...request.args));
}

function errorAnswer(id: number, error: unknown): WriterAnswer {
  const { message, code } = error as { message: string; code?: unknown };
  return {
    kind: 'error',
    id,
    message,
    code: typeof code === 'string' ? code : null,
    storeError: error instanceof StoreError,
  };
}

/** Runs hot writes in one transaction, each in its own savepoint, and answers them once it commits. */
async function answerGroup(group: CallRequest[]): Promise<void> {
  startCheckpointer();
  const answers: WriterAnswer[] = [];
  try {
    sqlite.exec('begin immediate');
    grouped = true;
    for (const request of group) {
      sqlite.exec('savepoint hot_write');
      const textBefore = groupText.length;
      try {
        answers.push({ kind: 'returned', id: request.id, value: await runCall(request) });
        sqlite.exec('release hot_write');
      } catch (error) {
        answers.push(errorAnswer(request.id, error));
        // Some errors (a full disk, an I/O error) end the whole transaction in SQLite itself.
        if (!sqlite.inTransaction) throw error;
        groupText.length = textBefore;
        sqlite.exec('rollback to hot_write');
        sqlite.exec('release hot_write');
      }
    }
    grouped = false;
    await writeGroupText();
    sqlite.exec('commit');
  } catch (error) {
    // Nothing of the group was kept: every write in it is answered with the error.
    grouped = false;
    groupText.length = 0;
    if (sqlite.inTransaction) sqlite.exec('rollback');
    for (const request of group) port.postMessage(errorAnswer(request.id, error));
    return;
  }
  for (const reply of answers) port.postMessage(reply);
}

/** A statement of the main thread's, or the request to close. */
async function answer(request: Exclude<WriterRequest, CallRequest>): Promise<void> {
  if (request.kind === 'close') {
    closing = true;
    await stopCheckpointer();
    // The main thread ends this thread once it has the answer (closing the port here could lose it).
    connection.close();
    port.postMessage({ kind: 'closed' } satisfies WriterAnswer);
    return;
  }
  const { id } = request;
  try {
    const statement = connection.prepare(request.sql);
    // Blobs cross threads as Uint8Array; the driver wants Buffers.
    const values = request.parameters.map((p) =>
      p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p,
    );
    if (statement.reader) {
      port.postMessage({ kind: 'rows', id, rows: statement.all(values) } satisfies WriterAnswer);
    } else {
      const { changes, lastInsertRowid } = statement.run(values);
      port.postMessage({
        kind: 'changed',
        id,
        changes: BigInt(changes),
        lastInsertRowid: BigInt(lastInsertRowid),
      } satisfies WriterAnswer);
    }
  } catch (error) {
    port.postMessage(errorAnswer(id, error));
  }
}
