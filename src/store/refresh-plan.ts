import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { EntryInput } from '../model/entry.js';
import {
  intakeVerdicts,
  keywordVerdict,
  type CompiledIntake,
  type FilterKind,
  type IntakeSubject,
  type IntakeVerdict,
} from '../model/intake.js';
import { entryFacets, type Facet } from '../model/facets.js';
import { ALL_PAGES, LISTING, facetTag, sourceTag, type PageTag } from '../model/page-tags.js';
import { urlHostKey, urlKey } from '../model/identity.js';
import { suppressingRule, type SuppressionRule } from '../model/rights.js';
import type { EntriesTable } from './schema.js';
import { searchText } from './search-text.js';
import type { SaveResult } from './store.js';

/**
 * What a refresh decides, apart from how it is written: which of a feed's entries are kept out by a
 * rule, which are new, which change a stored entry and which change nothing, and which pages change
 * or only gain entries. A pure function of what the store holds, read in the refresh's transaction
 * (sql/refresh.ts reads it and applies the plan), so that every decision is tested as a table.
 */

/** How far ahead a published date may be before it no longer decides the order (clock skew, scheduled posts). */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** A stored entry that a refresh may match: its id and the fingerprint of what it shows. */
export interface KnownEntry {
  id: number;
  contentHash: string;
  /** Hidden, held or filtered (Entry.withheld): rewritten, but on no public page, so no page changes. */
  withheld?: boolean;
  /** What of the intake rules keeps it out, when they do. */
  filtered?: FilterKind | null;
}

/** The source's stored entries that the refresh's guids and URLs name (the first stored, per URL). */
export interface KnownEntries {
  byGuid: ReadonlyMap<string, KnownEntry>;
  byUrl: ReadonlyMap<string, KnownEntry>;
}

/** What the store holds that a refresh's decisions depend on. */
export interface RefreshFacts {
  sourceId: number;
  entries: readonly EntryInput[];
  /** The entries' guid hashes, in their order, when the reader made them already (else made here). */
  guidHashes?: readonly string[];
  known: KnownEntries;
  /** The active rules that could cover any of the entries (a superset does no harm). */
  rules: readonly SuppressionRule[];
  /**
   * The entries (by position) whose text is a copy of one a takedown removed (sql/prints.ts), each
   * with the rule in force that keeps it out.
   */
  copies?: ReadonlyMap<number, number>;
  /** A full-text source: its new entries with an address join the full-text queue. */
  fullText: boolean;
  /** The source holds new entries for review: they are stored held, on no page until published. */
  holdNew?: boolean;
  /** The source's intake rules, when it has any: what they keep out is stored filtered. */
  intake?: CompiledIntake | null;
  /**
   * How the refresh changes the source's name, link or policy: `same`; `changed` while some of its
   * entries show (every page that shows them changes); `first` when none showed yet (its first poll:
   * only the listings gain it).
   */
  presentation: 'same' | 'changed' | 'first';
  now: Date;
}

/** A row of the entries table as a new entry is inserted (the id comes from the insert). */
export type NewEntryRow = Insertable<EntriesTable> & {
  contentHash: string;
  sortAt: number;
  guidHash: string;
};

export interface NewEntry {
  row: NewEntryRow;
  /** The entry as the feed gave it (the last copy, when the feed repeats it). */
  input: EntryInput;
  facets: Facet[];
  /** The search text the entry came with, if any. */
  searchText: string | undefined;
  /** Whether its page joins the full-text queue. */
  extract: boolean;
}

/** A stored entry rewritten: the last copy in the feed wins. */
export interface EntryUpdate {
  id: number;
  entry: EntryInput;
  guidHash: string;
  facets: Facet[];
  /** The stored entry is withheld: it has no facet rows or search row to rewrite. */
  withheld: boolean;
  /**
   * Its intake verdict, when the rewrite changes whether the keyword rules keep it out: the verdict
   * (it leaves the pages, or is kept out for another reason), or null (it is public again).
   */
  filter?: IntakeVerdict;
}

export interface RefreshPlan {
  counts: SaveResult;
  insert: NewEntry[];
  update: EntryUpdate[];
  /**
   * Pages whose shown entries change. The pages the updated entries showed on before the change are
   * not here: they are read from the store as the updates are written (see sql/refresh.ts).
   */
  touched: PageTag[];
  /** Pages that only gain new entries (see PageChange). */
  added: PageTag[];
  /** The entries a takedown rule kept out, each with the rule. */
  keptOut: KeptOut[];
}

/** An entry a rule kept out of a refresh, known by its guid's hash (its source is the refresh's). */
export interface KeptOut {
  ruleId: number;
  guidHash: string;
}

type Match = { stored: KnownEntry } | { fresh: NewEntry };

export function planRefresh(facts: RefreshFacts): RefreshPlan {
  const { sourceId, now } = facts;
  const counts: SaveResult = { inserted: 0, updated: 0, unchanged: 0, suppressed: 0 };
  const hashed = facts.entries.map((entry, i) => ({
    entry,
    guidHash: facts.guidHashes?.[i] ?? hashGuid(entry.guid),
  }));
  const copies = facts.copies ?? new Map<number, number>();
  const keptOut: KeptOut[] = [];
  const entries =
    facts.rules.length === 0 && copies.size === 0
      ? hashed
      : hashed.filter(({ entry: e, guidHash }, i) => {
          const ruleId =
            copies.get(i) ?? suppressingRule(facts.rules, { sourceId, url: e.url, author: e.author })?.id;
          if (ruleId === undefined) return true;
          keptOut.push({ ruleId, guidHash });
          return false;
        });
  counts.suppressed = facts.entries.length - entries.length;

  // Copies, rewritten as the feed is read: an entry rewritten early in the feed is matched, with its
  // new fingerprint, by a later copy of it.
  const storedByGuid = copyOf(facts.known.byGuid);
  const storedByUrl = copyOf(facts.known.byUrl);
  const pendingByGuid = new Map<string, NewEntry>();
  const pendingByUrl = new Map<string, NewEntry>();
  const insert: NewEntry[] = [];
  const updates = new Map<number, EntryUpdate>();
  const touched: PageTag[] = [];

  for (const { entry, guidHash } of entries) {
    const url = entry.url ?? undefined;
    const match = matchOf(guidHash, url);
    if (!match) {
      const fresh: NewEntry = {
        row: newEntryRow(sourceId, entry, guidHash, now),
        input: entry,
        facets: entryFacets(entry),
        searchText: entry.searchText,
        extract: false,
      };
      insert.push(fresh);
      pendingByGuid.set(guidHash, fresh);
      if (url !== undefined && !storedByUrl.has(url) && !pendingByUrl.has(url)) pendingByUrl.set(url, fresh);
      counts.inserted++;
    } else if (('stored' in match ? match.stored : match.fresh.row).contentHash === entry.contentHash) {
      counts.unchanged++;
    } else if ('fresh' in match) {
      // A feed that repeats a guid or a URL within one document: the later copy wins.
      Object.assign(match.fresh.row, entryColumns(entry), { guid: entry.guid, guidHash });
      match.fresh.input = entry;
      match.fresh.facets = entryFacets(entry);
      match.fresh.searchText = entry.searchText;
      pendingByGuid.set(guidHash, match.fresh);
      counts.updated++;
    } else {
      const facets = entryFacets(entry);
      const withheld = Boolean(match.stored.withheld);
      const update: EntryUpdate = { id: match.stored.id, entry, guidHash, facets, withheld };
      const filter = refilter(facts.intake, match.stored, entry);
      if (filter !== undefined) update.filter = filter;
      updates.set(match.stored.id, update);
      // The pages it shows on after the rewrite (those it showed on before are read as it is written).
      if (!withheld && !update.filter) for (const f of facets) touched.push(facetTag(f.kind, f.key));
      if (withheld && update.filter === null) for (const f of facets) touched.push(facetTag(f.kind, f.key));
      match.stored.contentHash = entry.contentHash;
      storedByGuid.set(guidHash, match.stored);
      counts.updated++;
    }
  }

  if (facts.intake) counts.filtered = filterNew(facts.intake, insert, now);
  if (!counts.filtered) delete counts.filtered;
  for (const fresh of insert) {
    if (fresh.row.filtered) continue;
    fresh.extract = facts.fullText && Boolean(fresh.row.url);
    if (facts.holdNew) fresh.row.withheld = 'held';
  }
  const added: PageTag[] = [];
  const shown = insert.filter((fresh) => !fresh.row.withheld);
  if (shown.length > 0) {
    added.push(LISTING, sourceTag(sourceId));
    for (const fresh of shown) for (const f of fresh.facets) added.push(facetTag(f.kind, f.key));
  }
  if (facts.presentation === 'changed') touched.push(ALL_PAGES);
  else if (facts.presentation === 'first') added.push(LISTING, sourceTag(sourceId));
  return { counts, insert, update: [...updates.values()], touched, added, keptOut };

  function matchOf(guidHash: string, url: string | undefined): Match | undefined {
    const stored = storedByGuid.get(guidHash);
    if (stored) return { stored };
    const queued = pendingByGuid.get(guidHash);
    if (queued) return { fresh: queued };
    if (url === undefined) return undefined;
    const byUrl = storedByUrl.get(url);
    if (byUrl) return { stored: byUrl };
    const queuedByUrl = pendingByUrl.get(url);
    return queuedByUrl ? { fresh: queuedByUrl } : undefined;
  }
}

/**
 * Applies the intake rules to the new entries: the keyword rules and the age limit to each, then,
 * of those left, the per-check limit keeps the newest. What they keep out is stored filtered, with
 * why. How many.
 */
function filterNew(intake: CompiledIntake, insert: readonly NewEntry[], now: Date): number {
  const verdicts = intakeVerdicts(
    intake,
    insert.map((fresh) => ({
      subject: subjectOf(fresh.input),
      publishedAt: fresh.input.publishedAt,
      sortAt: fresh.row.sortAt,
    })),
    now,
  );
  let filtered = 0;
  insert.forEach((fresh, i) => {
    const verdict = verdicts[i];
    if (!verdict) return;
    Object.assign(fresh.row, { withheld: 'hidden', filtered: verdict.kind, filterNote: verdict.why });
    filtered++;
  });
  return filtered;
}

/**
 * A rewritten entry's keyword verdict, when it may change: for an entry that is public or that a
 * keyword rule keeps out (hidden, held, and age- or limit-filtered entries stay as they are).
 * undefined when nothing changes.
 */
function refilter(
  intake: CompiledIntake | null | undefined,
  stored: KnownEntry,
  entry: EntryInput,
): IntakeVerdict | undefined {
  const byRule = stored.filtered === 'rule';
  if (!intake || (stored.withheld && !byRule)) return byRule ? null : undefined;
  const verdict = keywordVerdict(intake, subjectOf(entry));
  if (byRule) return verdict;
  return verdict ?? undefined;
}

/** What the intake rules read of an entry; its text is made only when a rule reads the content. */
export function subjectOf(entry: EntryInput): IntakeSubject {
  return {
    title: entry.title,
    author: entry.author,
    categories: entry.categories,
    text: () => entry.searchText ?? searchText(entry),
  };
}

function copyOf(known: ReadonlyMap<string, KnownEntry>): Map<string, KnownEntry> {
  return new Map([...known].map(([key, entry]) => [key, { ...entry }]));
}

/** A packed fingerprint as both engines' drivers bind a blob (a Buffer over the same bytes). */
export function printColumn(print: Uint8Array | null | undefined): Buffer | null {
  return print ? Buffer.from(print.buffer, print.byteOffset, print.byteLength) : null;
}

export function hashGuid(guid: string): string {
  return createHash('sha256').update(guid).digest('hex');
}

function newEntryRow(sourceId: number, entry: EntryInput, guidHash: string, now: Date): NewEntryRow {
  const published = entry.publishedAt?.getTime() ?? null;
  const sortAt =
    published !== null && published <= now.getTime() + FUTURE_TOLERANCE_MS ? published : now.getTime();
  return {
    ...entryColumns(entry),
    sourceId,
    guid: entry.guid,
    guidHash,
    createdAt: now.getTime(),
    sortAt,
    articleHtml: null,
  };
}

/** The columns of an entry that come from its feed, as a new or rewritten row holds them. */
export function entryColumns(entry: EntryInput) {
  return {
    url: entry.url,
    title: entry.title,
    author: entry.author,
    publishedAt: entry.publishedAt?.getTime() ?? null,
    updatedAt: entry.updatedAt?.getTime() ?? null,
    summaryHtml: entry.summaryHtml,
    contentHtml: entry.contentHtml,
    categories: JSON.stringify(entry.categories),
    enclosures: JSON.stringify(entry.enclosures),
    contentHash: entry.contentHash,
    urlKey: urlKey(entry.url),
    hostKey: urlHostKey(entry.url),
    print: printColumn(entry.print),
  };
}
