import { sql, type Kysely } from 'kysely';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql/engine.js';
import { redactDatabaseUrl } from './database-url.js';
import { openSqliteDatabase } from './sqlite/open-sqlite.js';

/** A table copied as it is, paged through by a unique column. */
interface Plain {
  table: Exclude<
    keyof Database,
    'entries' | 'entryFacets' | 'pageChanges' | 'rateHits' | 'fetchDays' | 'removedTextBands' | 'keptOut'
  >;
  key: string;
}

/**
 * What a site is, in the order foreign keys need: every table but the page-change log (each web
 * process's cache starts afresh) and the forms' rate-limit counts (they run out within the hour).
 * Entries go after sources, with their authors and tags and their search index.
 */
const BEFORE_ENTRIES: readonly Plain[] = [
  { table: 'sources', key: 'id' },
  { table: 'configSeeds', key: 'url' },
  { table: 'fetches', key: 'id' },
  { table: 'subscriptions', key: 'sourceId' },
];
const AFTER_ENTRIES: readonly Plain[] = [
  { table: 'extractions', key: 'entryId' },
  { table: 'takedownRequests', key: 'id' },
  { table: 'suppressionRules', key: 'id' },
  { table: 'removedTexts', key: 'id' },
  { table: 'tombstones', key: 'entryId' },
  { table: 'auditLog', key: 'id' },
  { table: 'counterNotices', key: 'id' },
  { table: 'users', key: 'id' },
  { table: 'sessions', key: 'tokenHash' },
  { table: 'outbox', key: 'id' },
  { table: 'secrets', key: 'name' },
  { table: 'settings', key: 'key' },
];
/** Tables whose ids the target numbers itself after the copy: it goes on from the highest copied. */
const IDENTITIES = [
  'sources',
  'fetches',
  'entries',
  'takedown_requests',
  'suppression_rules',
  'removed_texts',
  'audit_log',
  'counter_notices',
  'users',
  'outbox',
] as const;

const BATCH = 500;

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  counts: TableCount[];
  /** True when the target holds exactly as many rows of every table as the source. */
  verified: boolean;
}

/**
 * Copies a whole site from a SQLite database to a PostgreSQL one: sources, entries (with their
 * authors, tags, search index and extracted articles), the full-text queue, takedown rules,
 * tombstones, requests, counter-notices, users, sessions, notices and the audit log, with their ids. A row the target already has is left as it
 * is, so the copy can be run again (after an interruption, or to bring over what the old site
 * stored since). Then the counts of every table are compared.
 */
export async function copySite(
  fromUrl: string,
  toUrl: string,
  progress: (line: string) => void = () => {},
): Promise<CopyReport> {
  if (!fromUrl.startsWith('sqlite:'))
    throw new StoreError(
      'store.bad-url',
      `migrate: --from must be a SQLite database (sqlite:PATH), not ${fromUrl}`,
    );
  if (!/^postgres(ql)?:\/\//i.test(toUrl))
    throw new StoreError(
      'store.bad-url',
      `migrate: --to must be a PostgreSQL URL (postgres://…), not ${redactDatabaseUrl(toUrl)}`,
    );
  const from = await openSqliteDatabase(fromUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  try {
    const { openPostgresDatabase } = await import('./postgres/open-postgres.js');
    const to = await openPostgresDatabase(toUrl);
    try {
      for (const plain of BEFORE_ENTRIES)
        progress(`${await copyTable(from.db, to.db, plain)} ${label(plain.table)}`);
      progress(`${await copyEntries(from.db, to, progress)} entries`);
      for (const plain of AFTER_ENTRIES)
        progress(`${await copyTable(from.db, to.db, plain)} ${label(plain.table)}`);
      progress(`${await copyChildren(from.db, to.db, FETCH_DAYS)} days of fetch health`);
      progress(`${await copyChildren(from.db, to.db, TEXT_BANDS)} band keys of removed texts`);
      progress(`${await copyChildren(from.db, to.db, KEPT_OUT)} articles kept out by rules`);
      for (const table of IDENTITIES) {
        await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'),
          (SELECT coalesce(max(id), 0) + 1 FROM ${sql.table(table)}), false)`.execute(to.db);
      }
      const counts: TableCount[] = [];
      for (const table of [
        ...BEFORE_ENTRIES.map((p) => p.table),
        'entries' as const,
        'entryFacets' as const,
        ...AFTER_ENTRIES.map((p) => p.table),
        'fetchDays' as const,
        'removedTextBands' as const,
        'keptOut' as const,
      ]) {
        counts.push({
          table: label(table),
          source: await count(from.db, table),
          target: await count(to.db, table),
        });
      }
      const indexed = await sql<{ n: number }>`SELECT count(*) AS n FROM entry_search`.execute(to.db);
      // Withheld entries are not searched (Entry.withheld): the index holds the others.
      const searched = await from.db
        .selectFrom('entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('withheld', 'is', null)
        .executeTakeFirstOrThrow();
      counts.push({
        table: 'search index',
        source: Number(searched.n),
        target: Number(indexed.rows[0]?.n ?? 0),
      });
      return { counts, verified: counts.every((c) => c.source === c.target) };
    } finally {
      await to.engine.close();
    }
  } finally {
    await from.engine.close();
  }
}

/** A table without a key of its own, copied by its parent's ids: its rows for a few parents at a time. */
interface Children {
  table: 'fetchDays' | 'removedTextBands' | 'keptOut';
  parent: 'sources' | 'removedTexts' | 'suppressionRules';
  /** The column that holds the parent's id. */
  column: 'sourceId' | 'textId' | 'ruleId';
  /** Parents a page: few enough that their rows stay a modest page. */
  parents: number;
}

const FETCH_DAYS: Children = { table: 'fetchDays', parent: 'sources', column: 'sourceId', parents: 50 };
const TEXT_BANDS: Children = {
  table: 'removedTextBands',
  parent: 'removedTexts',
  column: 'textId',
  parents: 5,
};
const KEPT_OUT: Children = { table: 'keptOut', parent: 'suppressionRules', column: 'ruleId', parents: 20 };

/** Copies a keyless table (Children) a page of parents at a time; the rows the target has are skipped. */
async function copyChildren(
  from: Kysely<Database>,
  to: Kysely<Database>,
  { table, parent, column, parents }: Children,
): Promise<number> {
  let copied = 0;
  for (let after = 0; ;) {
    const ids = (
      await from
        .selectFrom(parent)
        .select('id')
        .where('id', '>', after)
        .orderBy('id')
        .limit(parents)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return copied;
    const rows = (await from
      .selectFrom(table)
      .selectAll()
      .where(column as never, 'in', ids as never)
      .execute()) as Array<Record<string, unknown>>;
    for (let i = 0; i < rows.length; i += BATCH) {
      const result = await to
        .insertInto(table)
        .values(rows.slice(i, i + BATCH))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      copied += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    after = ids[ids.length - 1]!;
  }
}

/** Copies one table in pages by its key; the rows the target has already are skipped. Returns how many were new. */
async function copyTable(
  from: Kysely<Database>,
  to: Kysely<Database>,
  { table, key }: Plain,
): Promise<number> {
  let copied = 0;
  let after: unknown = null;
  for (;;) {
    let q = from.selectFrom(table).selectAll();
    if (after !== null) q = q.where(key as never, '>', after as never);
    const rows = (await q
      .orderBy(key as never)
      .limit(BATCH)
      .execute()) as Array<Record<string, unknown>>;
    if (rows.length === 0) return copied;
    const result = await to
      .insertInto(table)
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    copied += Number(result.numInsertedOrUpdatedRows ?? 0);
    after = rows[rows.length - 1]![key];
  }
}

/** Copies entries with their authors and tags, and indexes the new ones for the target's search, a page at a time. */
async function copyEntries(
  from: Kysely<Database>,
  to: { db: Kysely<Database>; engine: SqlEngine },
  progress: (line: string) => void,
): Promise<number> {
  let copied = 0;
  let after = 0;
  let reportAt = 10_000;
  for (;;) {
    const rows = await from
      .selectFrom('entries')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return copied;
    const ids = rows.map((r) => r.id);
    const facets = await from.selectFrom('entryFacets').selectAll().where('entryId', 'in', ids).execute();
    await to.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('entries')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .execute();
      const fresh = new Set(inserted.map((r) => r.id));
      const newFacets = facets.filter((f) => fresh.has(f.entryId));
      for (let i = 0; i < newFacets.length; i += BATCH) {
        await trx
          .insertInto('entryFacets')
          .values(newFacets.slice(i, i + BATCH))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await to.engine.fullText.add(
        trx,
        // Withheld entries have no search row (Entry.withheld).
        rows.filter((r) => fresh.has(r.id) && r.withheld === null),
      );
      copied += fresh.size;
    });
    after = ids[ids.length - 1]!;
    if (copied >= reportAt) {
      progress(`  … ${copied} entries so far`);
      reportAt += 10_000;
    }
  }
}

async function count(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A table's name as an operator reads it: "takedown requests". */
function label(table: string): string {
  return table.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}
