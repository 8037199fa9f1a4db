/**
 * The thread that checkpoints courtesy's SQLite database: it copies what the writer thread
 * appended to the write-ahead log into the database file, on a connection of its own, while the
 * writer goes on writing. SQLite would otherwise do it in the writer's commits, once the log
 * passes its threshold (a tenth of the writer's time in a first poll of many feeds, fsyncs
 * included). A passive checkpoint waits for no one: what readers still need stays in the log for
 * the next one. The writer thread starts this one with its first poll's writes and, once this
 * thread has the database open, raises its own threshold (see SHARED_CHECKPOINT_PAGES in
 * writer-thread.ts). This thread keeps the writer's priority (see priority.ts), taken when it was made.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

/** What the checkpoint thread is given at start. */
export interface CheckpointSetup {
  path: string;
  everyMs: number;
}

const port = parentPort!;
const { path, everyMs } = workerData as CheckpointSetup;

const db = new BetterSqlite3(path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
port.postMessage('ready');
/** One turn, then the next everyMs later (after the turn: one that copied much took a while). */
function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The database busy or gone for a moment: the next turn tries again.
  }
  timer = setTimeout(checkpoint, everyMs);
}
let timer = setTimeout(checkpoint, everyMs);

/** Any message is the request to stop. */
port.on('message', () => {
  clearTimeout(timer);
  db.close();
  port.close();
});
