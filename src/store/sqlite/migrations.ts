import { type Kysely, type Migration, sql } from 'kysely';
import { entryFacets } from '../../model/facets.js';
import { searchText } from '../search-text.js';
import { urlHostKey, urlKey } from '../../model/identity.js';
import { rekeyAddresses } from '../sql/rekey.js';
import { fillPrints } from '../sql/prints.js';
import { foldRecent } from '../sql/stories.js';
import { feedHost } from '../../model/source.js';

/**
 * The SQLite schema, as an ordered list of numbered migrations. Each runs in the migrator's
 * transaction with its version record, so a failed migration leaves the database as it was.
 * Never edit a migration that has shipped: add the next one.
 */
export const SQLITE_MIGRATIONS: Record<string, Migration> = {
  '0001_sources_and_entries': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE sources (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          feed_url TEXT NOT NULL UNIQUE,
          site_url TEXT,
          name TEXT,
          title TEXT,
          description TEXT,
          policy TEXT NOT NULL DEFAULT 'full' CHECK (policy IN ('full', 'excerpt', 'link')),
          full_text INTEGER NOT NULL DEFAULT 0,
          attribution_template TEXT,
          status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
          etag TEXT,
          last_modified TEXT,
          last_checked_at INTEGER,
          last_success_at INTEGER,
          next_check_at INTEGER,
          last_http_status INTEGER,
          last_error_code TEXT,
          last_error TEXT,
          consecutive_failures INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL
        ) STRICT`.execute(db);
      await sql`CREATE INDEX sources_due ON sources (status, next_check_at)`.execute(db);
      await sql`
        CREATE TABLE entries (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
          guid TEXT NOT NULL,
          guid_hash TEXT NOT NULL,
          url TEXT,
          title TEXT,
          author TEXT,
          published_at INTEGER,
          updated_at INTEGER,
          created_at INTEGER NOT NULL,
          sort_at INTEGER NOT NULL,
          summary_html TEXT,
          content_html TEXT,
          categories TEXT NOT NULL DEFAULT '[]',
          enclosures TEXT NOT NULL DEFAULT '[]',
          content_hash TEXT NOT NULL,
          UNIQUE (source_id, guid_hash)
        ) STRICT`.execute(db);
      await sql`CREATE INDEX entries_sort ON entries (sort_at DESC, id DESC)`.execute(db);
      await sql`CREATE INDEX entries_source_sort ON entries (source_id, sort_at DESC, id DESC)`.execute(db);
      await sql`CREATE INDEX entries_source_url ON entries (source_id, url)`.execute(db);
      await sql`
        CREATE TABLE config_seeds (
          url TEXT PRIMARY KEY,
          seeded_at INTEGER NOT NULL
        ) STRICT`.execute(db);
    },
  },
  '0002_fetch_history_and_schedule': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE sources ADD COLUMN feed_interval_ms INTEGER`.execute(db);
      await sql`ALTER TABLE sources ADD COLUMN check_basis TEXT`.execute(db);
      await sql`
        CREATE TABLE fetches (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
          started_at INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'not-modified', 'failed')),
          url TEXT NOT NULL,
          http_status INTEGER,
          bytes INTEGER,
          inserted INTEGER NOT NULL DEFAULT 0,
          updated INTEGER NOT NULL DEFAULT 0,
          error_code TEXT,
          message TEXT
        ) STRICT`.execute(db);
      await sql`CREATE INDEX fetches_source ON fetches (source_id, id DESC)`.execute(db);
    },
  },
  '0003_websub_subscriptions': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE subscriptions (
          source_id INTEGER PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
          token TEXT NOT NULL UNIQUE,
          hub TEXT NOT NULL,
          topic TEXT NOT NULL,
          secret TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('requested', 'active', 'failed', 'denied', 'unsubscribing')),
          requested_at INTEGER NOT NULL,
          verified_at INTEGER,
          lease_seconds INTEGER,
          expires_at INTEGER,
          renew_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          last_push_at INTEGER,
          pushes INTEGER NOT NULL DEFAULT 0,
          rejected_pushes INTEGER NOT NULL DEFAULT 0
        ) STRICT`.execute(db);
      await sql`CREATE INDEX subscriptions_renew ON subscriptions (renew_at)`.execute(db);
    },
  },
  '0004_takedown_rules': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE entries ADD COLUMN url_key TEXT`.execute(db);
      await sql`ALTER TABLE entries ADD COLUMN host_key TEXT`.execute(db);
      const rows = await sql<{ id: number; url: string | null }>`SELECT id, url FROM entries`.execute(db);
      for (const row of rows.rows) {
        await sql`UPDATE entries SET url_key = ${urlKey(row.url)}, host_key = ${urlHostKey(row.url)} WHERE id = ${row.id}`.execute(
          db,
        );
      }
      await sql`CREATE INDEX entries_url_key ON entries (url_key)`.execute(db);
      await sql`CREATE INDEX entries_host_key ON entries (host_key)`.execute(db);
      await sql`
        CREATE TABLE suppression_rules (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL CHECK (kind IN ('url', 'author', 'source', 'domain')),
          url_key TEXT,
          source_id INTEGER,
          author TEXT,
          domain TEXT,
          reason TEXT NOT NULL,
          actor TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER,
          revoke_reason TEXT
        ) STRICT`.execute(db);
      await sql`CREATE INDEX rules_url ON suppression_rules (url_key) WHERE revoked_at IS NULL`.execute(db);
      await sql`CREATE INDEX rules_source ON suppression_rules (source_id) WHERE revoked_at IS NULL`.execute(
        db,
      );
      await sql`CREATE INDEX rules_domain ON suppression_rules (domain) WHERE revoked_at IS NULL`.execute(db);
      // Tombstones outlive their source (no cascade): the article URL answers 410 for good.
      await sql`
        CREATE TABLE tombstones (
          entry_id INTEGER PRIMARY KEY,
          source_id INTEGER NOT NULL,
          original_url TEXT,
          rule_id INTEGER NOT NULL REFERENCES suppression_rules (id),
          removed_at INTEGER NOT NULL
        ) STRICT`.execute(db);
      await sql`
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          detail TEXT NOT NULL
        ) STRICT`.execute(db);
      await sql`CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
      await sql`CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
    },
  },
  '0005_takedown_requests_and_operators': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE takedown_requests (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          reference TEXT NOT NULL UNIQUE,
          status_token_hash TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          email TEXT NOT NULL,
          capacity TEXT NOT NULL CHECK (capacity IN ('author', 'publisher')),
          scope TEXT NOT NULL CHECK (scope IN ('article', 'author', 'site')),
          urls TEXT NOT NULL,
          author TEXT,
          message TEXT,
          signature TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('received', 'granted', 'rejected')),
          created_at INTEGER NOT NULL,
          decided_at INTEGER,
          decided_by TEXT,
          decision_reason TEXT,
          rule_ids TEXT NOT NULL DEFAULT '[]',
          verify_token TEXT NOT NULL,
          last_verify_at INTEGER,
          last_verify_result TEXT
        ) STRICT`.execute(db);
      await sql`CREATE INDEX takedown_requests_state ON takedown_requests (state, id)`.execute(db);
      await sql`
        CREATE TABLE counter_notices (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          reference TEXT NOT NULL UNIQUE,
          status_token_hash TEXT NOT NULL UNIQUE,
          request_id INTEGER NOT NULL REFERENCES takedown_requests (id),
          name TEXT NOT NULL,
          email TEXT NOT NULL,
          address TEXT NOT NULL,
          explanation TEXT NOT NULL,
          signature TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('received', 'upheld', 'rejected')),
          created_at INTEGER NOT NULL,
          decided_at INTEGER,
          decided_by TEXT,
          decision_reason TEXT
        ) STRICT`.execute(db);
      await sql`CREATE INDEX counter_notices_request ON counter_notices (request_id)`.execute(db);
      await sql`CREATE INDEX counter_notices_state ON counter_notices (state, id)`.execute(db);
      await sql`
        CREATE TABLE users (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          password_hash TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          failed_logins INTEGER NOT NULL DEFAULT 0,
          locked_until INTEGER,
          last_login_at INTEGER
        ) STRICT`.execute(db);
      await sql`
        CREATE TABLE sessions (
          token_hash TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          csrf_token TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT`.execute(db);
      await sql`CREATE INDEX sessions_user ON sessions (user_id)`.execute(db);
      await sql`
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          to_address TEXT NOT NULL,
          subject TEXT NOT NULL,
          body TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          last_error TEXT,
          sent_at INTEGER
        ) STRICT`.execute(db);
      await sql`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL`.execute(db);
      await sql`ALTER TABLE suppression_rules ADD COLUMN request_id INTEGER REFERENCES takedown_requests (id)`.execute(
        db,
      );
      await sql`
        CREATE TABLE secrets (
          name TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT`.execute(db);
    },
  },
  '0006_entry_facets': {
    async up(db: Kysely<unknown>) {
      // Authors and tags, one row per entry and facet, with the entry's sort time beside them so
      // that an author's or a tag's listing pages through one index.
      await sql`
        CREATE TABLE entry_facets (
          entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('author', 'tag')),
          key TEXT NOT NULL,
          label TEXT NOT NULL,
          sort_at INTEGER NOT NULL,
          PRIMARY KEY (kind, key, entry_id)
        ) STRICT`.execute(db);
      await sql`CREATE INDEX entry_facets_listing ON entry_facets (kind, key, sort_at DESC, entry_id DESC)`.execute(
        db,
      );
      await sql`CREATE INDEX entry_facets_entry ON entry_facets (entry_id)`.execute(db);
      const rows = await sql<{
        id: number;
        author: string | null;
        categories: string;
        /** Result columns arrive in camelCase (the store's CamelCasePlugin). */
        sortAt: number;
      }>`SELECT id, author, categories, sort_at FROM entries`.execute(db);
      for (const row of rows.rows) {
        for (const f of entryFacets({
          author: row.author,
          categories: JSON.parse(row.categories) as string[],
        })) {
          await sql`INSERT INTO entry_facets (entry_id, kind, key, label, sort_at)
            VALUES (${row.id}, ${f.kind}, ${f.key}, ${f.label}, ${row.sortAt})`.execute(db);
        }
      }
    },
  },
  '0007_search': {
    async up(db: Kysely<unknown>) {
      // Full-text search: title, author and the article's text, stemmed (Porter) after Unicode
      // folding without diacritics. secure-delete makes a deletion remove the words from the index
      // itself at once, so that nothing of a removed article stays searchable or stored.
      await sql`
        CREATE VIRTUAL TABLE entries_fts USING fts5(
          title, author, body,
          tokenize = 'porter unicode61 remove_diacritics 2'
        )`.execute(db);
      await sql`INSERT INTO entries_fts (entries_fts, rank) VALUES ('secure-delete', 1)`.execute(db);
      // Whatever deletes an entry (a takedown, a source removed with its entries) deletes its words.
      await sql`CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries
        BEGIN DELETE FROM entries_fts WHERE rowid = old.id; END`.execute(db);
      const rows = await sql<{
        id: number;
        title: string | null;
        author: string | null;
        summaryHtml: string | null;
        contentHtml: string | null;
      }>`SELECT id, title, author, summary_html, content_html FROM entries`.execute(db);
      for (const row of rows.rows) {
        await sql`INSERT INTO entries_fts (rowid, title, author, body)
          VALUES (${row.id}, ${row.title ?? ''}, ${row.author ?? ''}, ${searchText(row)})`.execute(db);
      }
    },
  },
  '0008_page_changes': {
    async up(db: Kysely<unknown>) {
      // What changed, for the page caches of every web process: each write that changes what pages
      // show appends the tags of the pages it touches, in the same transaction.
      await sql`
        CREATE TABLE page_changes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          tags TEXT NOT NULL
        ) STRICT`.execute(db);
    },
  },
  '0009_source_search_engines': {
    async up(db: Kysely<unknown>) {
      await sql`ALTER TABLE sources ADD COLUMN search_engines TEXT
        CHECK (search_engines IN ('canonical', 'noindex', 'both'))`.execute(db);
    },
  },
  '0010_entries_filter': {
    async up(db: Kysely<unknown>) {
      // A narrow copy of what a search filters and orders on: checking a candidate's source or date
      // reads this index (a few bytes an entry), never the entry's row (kilobytes of HTML).
      await sql`CREATE INDEX entries_filter ON entries (id, source_id, sort_at)`.execute(db);
    },
  },
  '0011_rate_hits': {
    async up(db: Kysely<unknown>) {
      // The public forms' rate limits, in the database so that every web process shares them.
      await sql`
        CREATE TABLE rate_hits (
          bucket TEXT NOT NULL,
          key TEXT NOT NULL,
          at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT`.execute(db);
      await sql`CREATE INDEX rate_hits_key ON rate_hits (bucket, key, at)`.execute(db);
      await sql`CREATE INDEX rate_hits_expiry ON rate_hits (expires_at)`.execute(db);
    },
  },
  '0012_source_claims': {
    async up(db: Kysely<unknown>) {
      // Pollers claim due sources (see SourceRepository.claimDue); the feed's host lets a claim
      // keep every poller together within the per-host limit.
      await sql`ALTER TABLE sources ADD COLUMN feed_host TEXT NOT NULL DEFAULT ''`.execute(db);
      await sql`ALTER TABLE sources ADD COLUMN claimed_by TEXT`.execute(db);
      await sql`ALTER TABLE sources ADD COLUMN claimed_until INTEGER`.execute(db);
      const rows = await sql<{ id: number; feedUrl: string }>`SELECT id, feed_url FROM sources`.execute(db);
      for (const row of rows.rows) {
        await sql`UPDATE sources SET feed_host = ${feedHost(row.feedUrl)} WHERE id = ${row.id}`.execute(db);
      }
      await sql`CREATE INDEX sources_claims ON sources (feed_host, claimed_until)`.execute(db);
    },
  },
  '0013_sources_due_order': {
    async up(db: Kysely<unknown>) {
      // A claim takes the active sources soonest due first (a source never checked is due at 0):
      // this index gives them in that order, so a claim reads about as many rows as it takes
      // instead of sorting every source (22 ms at 100,000 sources, and growing, before; 2 ms after).
      await sql`CREATE INDEX sources_due_order ON sources ((coalesce(next_check_at, 0)), id) WHERE status = 'active'`.execute(
        db,
      );
      // The claims held, by host: what a claim counts to keep within the per-host limit, and the
      // queue's metrics count in all. Only sources being checked are in it (a check recorded clears
      // its claim), so it stays small however many sources there are; it replaces the index of
      // every source's claim.
      await sql`DROP INDEX sources_claims`.execute(db);
      await sql`CREATE INDEX sources_claimed ON sources (feed_host, claimed_until) WHERE claimed_until IS NOT NULL`.execute(
        db,
      );
    },
  },
  '0014_full_text': {
    async up(db: Kysely<unknown>) {
      // A full-text source's entries show the article extracted from their pages (see ExtractionsTable).
      await sql`ALTER TABLE entries ADD COLUMN article_html TEXT`.execute(db);
      await sql`ALTER TABLE sources ADD COLUMN scraper_selector TEXT`.execute(db);
      await sql`ALTER TABLE sources ADD COLUMN scraper_remove TEXT NOT NULL DEFAULT '[]'`.execute(db);
      await sql`
        CREATE TABLE extractions (
          entry_id INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
          source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
          state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'kept-feed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_at INTEGER,
          note TEXT,
          updated_at INTEGER NOT NULL,
          page_host TEXT NOT NULL DEFAULT '',
          claimed_until INTEGER
        ) STRICT`.execute(db);
      // The queue: only pending pages are in it, soonest first.
      await sql`CREATE INDEX extractions_due ON extractions (next_at) WHERE state = 'pending'`.execute(db);
      await sql`CREATE INDEX extractions_source ON extractions (source_id, state)`.execute(db);
      // The pages being fetched, by host: what a claim counts to keep every worker together within
      // the per-host limit.
      await sql`CREATE INDEX extractions_claimed ON extractions (page_host, claimed_until) WHERE claimed_until IS NOT NULL`.execute(
        db,
      );
    },
  },
  '0015_page_change_additions': {
    async up(db: Kysely<unknown>) {
      // A change that only adds (new entries) may reach kept pages a moment later; any other at once.
      await sql`ALTER TABLE page_changes ADD COLUMN additions INTEGER NOT NULL DEFAULT 0`.execute(db);
    },
  },
  '0016_entry_facets_by_listing': {
    async up(db: Kysely<unknown>) {
      // The facets stored in the order their listings read them: the listing's key is the table's
      // own (WITHOUT ROWID), where it was a rowid table with a key on (kind, key, entry_id) and the
      // listing's index beside it. A refresh's facet rows go into two B-trees instead of four, and
      // a poll of 10,000 feeds spends about a third less of the writer's time on them.
      await sql`
        CREATE TABLE entry_facets_by_listing (
          entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('author', 'tag')),
          key TEXT NOT NULL,
          label TEXT NOT NULL,
          sort_at INTEGER NOT NULL,
          PRIMARY KEY (kind, key, sort_at DESC, entry_id DESC)
        ) STRICT, WITHOUT ROWID`.execute(db);
      await sql`INSERT INTO entry_facets_by_listing (entry_id, kind, key, label, sort_at)
        SELECT entry_id, kind, key, label, sort_at FROM entry_facets`.execute(db);
      await sql`DROP TABLE entry_facets`.execute(db);
      await sql`ALTER TABLE entry_facets_by_listing RENAME TO entry_facets`.execute(db);
      await sql`CREATE INDEX entry_facets_entry ON entry_facets (entry_id)`.execute(db);
    },
  },
  '0017_desk': {
    async up(db: Kysely<unknown>) {
      // An entry an operator hid, or one held for review (its source holds new entries until an
      // operator publishes them): kept, but on no public page. Such an entry has no facet rows and
      // no search row, so the listings that read those never see it; the others filter on this.
      await sql`ALTER TABLE entries ADD COLUMN withheld TEXT CHECK (withheld IN ('hidden', 'held'))`.execute(
        db,
      );
      await sql`CREATE INDEX entries_withheld ON entries (withheld, source_id, sort_at DESC) WHERE withheld IS NOT NULL`.execute(
        db,
      );
      await sql`ALTER TABLE sources ADD COLUMN hold_new INTEGER NOT NULL DEFAULT 0`.execute(db);
      // What a user may do: every existing user had every right.
      await sql`ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin', 'editor', 'rights'))`.execute(
        db,
      );
      // Each source's checks by day (UTC), for its health over 30 days: the fetch history keeps only
      // the newest checks, and a day's line is one upsert with the check's own.
      await sql`
        CREATE TABLE fetch_days (
          source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
          day INTEGER NOT NULL,
          checks INTEGER NOT NULL,
          failures INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          max_duration_ms INTEGER NOT NULL,
          PRIMARY KEY (source_id, day)
        ) STRICT, WITHOUT ROWID`.execute(db);
      // The site's settings an operator changes from the desk, read by every process.
      await sql`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`.execute(db);
    },
  },
  '0018_sections': {
    async up(db) {
      // The section of the site a source's articles belong to (an OPML folder, or set at the desk).
      await sql`ALTER TABLE sources ADD COLUMN section TEXT`.execute(db);
    },
  },
  '0019_intake': {
    async up(db) {
      // A source's intake rules (model/intake.ts, as JSON), and on an entry they keep out, what did
      // (`filtered`: rule, age or limit) and why in words. Such an entry is withheld as hidden: every
      // query that leaves withheld entries out leaves it out too (see toEntry).
      await sql`ALTER TABLE sources ADD COLUMN intake TEXT`.execute(db);
      await sql`ALTER TABLE entries ADD COLUMN filtered TEXT CHECK (filtered IN ('rule', 'age', 'limit'))`.execute(
        db,
      );
      await sql`ALTER TABLE entries ADD COLUMN filter_note TEXT`.execute(db);
    },
  },
  '0020_source_language': {
    async up(db) {
      // The language of a source's articles: the operator's, and the one its feed declares.
      await sql`ALTER TABLE sources ADD COLUMN language TEXT`.execute(db);
      await sql`ALTER TABLE sources ADD COLUMN feed_language TEXT`.execute(db);
    },
  },
  '0021_media': {
    async up(db) {
      // Entries' pictures (store/media-queue.ts), the lead image and those of the text: pending until fetched; ready once the copies
      // are on disk; failed with the reason; purged when the entry was hidden or removed, until the
      // worker has deleted the files (gone: deleted, the hidden entry's line kept so that showing it
      // again fetches them again); evicted when the disk bound made room. No foreign key: a removed
      // entry's line outlives it until its files are deleted.
      await sql`
        CREATE TABLE entry_media (
          entry_id INTEGER NOT NULL,
          file_key TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('lead', 'inline')),
          source_url TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'ready', 'failed', 'purged', 'gone', 'evicted')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_at INTEGER,
          note TEXT,
          width INTEGER,
          height INTEGER,
          bytes INTEGER,
          fetched_at INTEGER,
          PRIMARY KEY (entry_id, file_key)
        ) STRICT, WITHOUT ROWID`.execute(db);
      await sql`CREATE INDEX entry_media_due ON entry_media (next_at) WHERE state = 'pending'`.execute(db);
      await sql`CREATE INDEX entry_media_key ON entry_media (file_key, state)`.execute(db);
      await sql`CREATE INDEX entry_media_purged ON entry_media (entry_id, file_key) WHERE state = 'purged'`.execute(
        db,
      );
      await sql`CREATE INDEX entry_media_age ON entry_media (fetched_at) WHERE state = 'ready'`.execute(db);
    },
  },
  '0022_identity': {
    async up(db) {
      // The page's own rel=canonical address, once its full text is fetched, and its key: a rule
      // for that address covers the entry too. The address keys learn more variants (identity.ts).
      // A takedown request keeps what its addresses stood for when it was filed (scope.ts).
      await sql`ALTER TABLE entries ADD COLUMN canonical_url TEXT`.execute(db);
      await sql`ALTER TABLE entries ADD COLUMN canonical_key TEXT`.execute(db);
      await sql`CREATE INDEX entries_canonical_key ON entries (canonical_key) WHERE canonical_key IS NOT NULL`.execute(
        db,
      );
      await sql`ALTER TABLE takedown_requests ADD COLUMN resolved TEXT`.execute(db);
      await rekeyAddresses(db);
    },
  },
  '0023_removed_texts': {
    async up(db) {
      // Each entry's text fingerprint, and those of the texts takedowns removed, with their band
      // keys and what the rules know the entry by: a removed text's copies stay out under any
      // address, byline or source, while a rule in force covers the entry it was (sql/prints.ts).
      await sql`ALTER TABLE entries ADD COLUMN print BLOB`.execute(db);
      await sql`
        CREATE TABLE removed_texts (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          rule_id INTEGER NOT NULL REFERENCES suppression_rules (id),
          entry_id INTEGER NOT NULL,
          source_id INTEGER NOT NULL,
          url TEXT,
          author TEXT,
          canonical_url TEXT,
          url_key TEXT,
          host_key TEXT,
          canonical_key TEXT,
          print BLOB NOT NULL
        ) STRICT`.execute(db);
      await sql`CREATE INDEX removed_texts_url ON removed_texts (url_key)`.execute(db);
      await sql`CREATE INDEX removed_texts_host ON removed_texts (host_key)`.execute(db);
      await sql`CREATE INDEX removed_texts_canonical ON removed_texts (canonical_key)`.execute(db);
      await sql`CREATE INDEX removed_texts_source ON removed_texts (source_id)`.execute(db);
      await sql`
        CREATE TABLE removed_text_bands (
          band INTEGER NOT NULL,
          text_id INTEGER NOT NULL REFERENCES removed_texts (id),
          PRIMARY KEY (band, text_id)
        ) STRICT, WITHOUT ROWID`.execute(db);
      await sql`CREATE INDEX removed_text_bands_text ON removed_text_bands (text_id)`.execute(db);
      // What each rule has kept out of later polls, once an article (by its source and guid).
      await sql`
        CREATE TABLE kept_out (
          rule_id INTEGER NOT NULL REFERENCES suppression_rules (id),
          source_id INTEGER NOT NULL,
          guid_hash TEXT NOT NULL,
          at INTEGER NOT NULL,
          PRIMARY KEY (rule_id, source_id, guid_hash)
        ) STRICT, WITHOUT ROWID`.execute(db);
      await fillPrints(db);
    },
  },
  '0024_stories': {
    async up(db) {
      // Stories: the entry an entry's story began with (null while it is alone), and why it joined
      // it (sql/stories.ts). The last week's entries are folded at once.
      await sql`ALTER TABLE entries ADD COLUMN story INTEGER`.execute(db);
      await sql`ALTER TABLE entries ADD COLUMN story_note TEXT`.execute(db);
      await sql`CREATE INDEX entries_story ON entries (story, sort_at, id) WHERE story IS NOT NULL`.execute(
        db,
      );
      await foldRecent(db, Date.now());
    },
  },
};
