/**
 * The thread that owns courtesy's writing connection to a SQLite database (see thread-driver.ts).
 * It opens the database, then answers what the main thread sends, one request at a time: a
 * statement (with its rows or its changes), or one of the store's hot writes run whole here. A
 * statement runs synchronously in better-sqlite3: here that blocks this thread only, never the one
 * that serves pages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely';
import { StoreError } from '../errors.js';
import type { Database } from '../schema.js';
import { SqlStore, type HotWrites } from '../sql-store.js';
import { FTS5_INDEX } from './fts5.js';
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
} catch (error) {
  port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies WriterAnswer);
  process.exit(0);
}
const connection = withStatementCache(sqlite);

/** The store over this same connection, for the writes run whole here (it delegates none). */
const db = new Kysely<Database>({
  dialect: new SqliteDialect({ database: connection }),
  plugins: [new CamelCasePlugin()],
});
const store = new SqlStore(db, {
  fullText: FTS5_INDEX,
  holdRules: () => Promise.resolve(),
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
};

port.postMessage({ kind: 'ready' } satisfies WriterAnswer);

/** Requests are answered in the order they came, each to its end before the next begins. */
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WriterRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer(request: WriterRequest): Promise<void> {
  if (request.kind === 'close') {
    // The main thread ends this thread once it has the answer (closing the port here could lose it).
    connection.close();
    port.postMessage({ kind: 'closed' } satisfies WriterAnswer);
    return;
  }
  const { id } = request;
  try {
    if (request.kind === 'call') {
      const run = hotWrites[request.method] as (...args: unknown[]) => Promise<unknown>;
      port.postMessage({ kind: 'returned', id, value: await run(...request.args) } satisfies WriterAnswer);
      return;
    }
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
    const { message, code } = error as { message: string; code?: unknown };
    port.postMessage({
      kind: 'error',
      id,
      message,
      code: typeof code === 'string' ? code : null,
      storeError: error instanceof StoreError,
    } satisfies WriterAnswer);
  }
}
