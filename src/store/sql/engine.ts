import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { FullTextIndex } from '../full-text.js';
import type { Database } from '../schema.js';
import type { EntryRepository, ExtractionRepository, SourceRepository } from '../store.js';

/** The writes every check makes, which an engine may run elsewhere (see SqlEngine.hotWrites). */
export interface HotWrites {
  saveRefresh: EntryRepository['saveRefresh'];
  recordCheck: SourceRepository['recordCheck'];
  claimDue: SourceRepository['claimDue'];
  /** An extraction's end: its article may fold its entry into a story, which the writer's memory must know. */
  finishExtraction: ExtractionRepository['finish'];
}

/** What differs between the engines beneath the one query layer. */
export interface SqlEngine {
  fullText: FullTextIndex;
  /**
   * Keeps takedown rules from being granted until the transaction ends (a refresh holds this
   * between reading the rules and storing what they let through). Engines that run one writer at
   * a time need nothing.
   */
  holdRules(trx: Transaction<Database>): Promise<void>;
  /**
   * Makes transactions fold new entries into stories one at a time, until each ends, so that two
   * copies stored at once see each other (sql/stories.ts). Engines that run one writer at a time
   * need nothing.
   */
  holdStories: (trx: Kysely<Database>) => Promise<void>;
  /**
   * How a fold finds the entries other processes stored (sql/story-memory.ts): it reads again the
   * newest `reread` ids (as many as may be taken before a lower one is committed, or given again
   * after a rollback), at most every `everyMs` (0: at every fold, under holdStories).
   */
  storyCatchUp: { reread: number; everyMs: number };
  /**
   * Starts a claim's transaction (see claimDue): claims are made one at a time, as engines that
   * run one writer at a time do anyway, and planned the way a queue needs.
   */
  beginClaim(trx: Transaction<Database>): Promise<void>;
  /** The clause that makes a SELECT lock its rows and skip those another transaction holds, where the engine has one. */
  skipLocked: RawBuilder<unknown>;
  /**
   * What pages read through: on SQLite a second connection, so that a page never waits for a
   * poll's write transaction to end (it reads what was committed); on PostgreSQL the same pool.
   */
  reader: Kysely<Database>;
  /** The engine's counter of commits by other connections, when it has a cheap one (see pageChangeHint). */
  otherCommits: (() => number | string | null) | null;
  /**
   * Where the polls' own writes run, when not here: on SQLite, the thread that holds the writing
   * connection runs each of them whole, so that the statements of a refresh cost this thread
   * nothing and do not wait on it between one another.
   */
  hotWrites?: HotWrites;
  close(): Promise<void>;
}
