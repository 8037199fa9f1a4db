import type { Kysely } from 'kysely';
import { wordHash } from '../../model/fingerprint.js';
import { packedStoryKeys, STORY_WINDOW_MS } from '../../model/story.js';
import type { Database } from '../schema.js';
import { inChunks } from './common.js';

/**
 * The index by which a new entry finds the recent entries it may copy: each recent entry's band
 * keys (model/story.ts) and a key of its address, in memory, in typed arrays (8 bytes a key). The
 * entries themselves (their fingerprints and addresses) are the record: a process loads the last
 * STORY_DAYS of them at its first fold, again each day (so that it forgets the older ones), and
 * between folds reads the entries other processes stored since. Kept in the database instead, as
 * rows of an index, the keys cost a poll 43% more CPU at 16 keys an entry (bench:writes), every
 * key a write to a random page; here they cost a few microseconds.
 */
export class StoryMemory {
  private readonly table = new KeyTable();
  private readonly known = new Set<number>();
  /** The highest id a load or a catch-up has seen (an entry added here does not move it). */
  private lastId = 0;
  private caughtUpAt = 0;

  private constructor(readonly loadedAt: number) {}

  /** An empty memory (a migration that folds the stored entries one by one fills it as it goes). */
  static empty(now: number): StoryMemory {
    return new StoryMemory(now);
  }

  /** The last STORY_DAYS' entries, read from the store. */
  static async load(
    db: Kysely<Database>,
    now: number,
    arriving: readonly number[] = [],
  ): Promise<StoryMemory> {
    const memory = new StoryMemory(now);
    memory.expect(arriving);
    memory.caughtUpAt = Date.now();
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('entries')
        .select(['id', 'print', 'urlKey'])
        .where('sortAt', '>=', now - STORY_WINDOW_MS)
        .where('id', '>', after)
        .orderBy('id')
        .limit(LOAD_BATCH)
        .execute();
      for (const row of rows) if (!memory.known.has(Number(row.id))) memory.addRow(row);
      if (rows.length < LOAD_BATCH) break;
      after = Number(rows[rows.length - 1]!.id);
    }
    const last = await db
      .selectFrom('entries')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    memory.lastId = Number(last?.id ?? 0);
    return memory;
  }

  /**
   * Adds the entries stored since the last look (by another process, or a thread of this one),
   * reading again the last `reread` ids: an engine may make an id visible after a higher one (a
   * transaction that took its ids first and ended later), or give an id again after a rollback.
   */
  async catchUp(db: Kysely<Database>, now: number, { reread, everyMs }: CatchUp): Promise<void> {
    if (everyMs > 0 && Date.now() - this.caughtUpAt < everyMs) return;
    this.caughtUpAt = Date.now();
    const ids = await db
      .selectFrom('entries')
      .select('id')
      .where('id', '>', Math.max(0, this.lastId - reread))
      .orderBy('id')
      .execute();
    const unknown = ids.map((r) => Number(r.id)).filter((id) => !this.known.has(id));
    for (const id of ids) this.lastId = Math.max(this.lastId, Number(id.id));
    for (const chunk of inChunks(unknown)) {
      const rows = await db
        .selectFrom('entries')
        .select(['id', 'print', 'urlKey'])
        .where('id', 'in', chunk)
        .where('sortAt', '>=', now - STORY_WINDOW_MS)
        .execute();
      for (const row of rows) this.addRow(row);
    }
  }

  /** Entries that the caller indexes itself (just stored): a catch-up leaves them to it. */
  expect(ids: readonly number[]): void {
    for (const id of ids) this.known.add(id);
  }

  /** Indexes one entry under its keys (keysOf). */
  add(id: number, keys: readonly number[]): void {
    for (const key of keys) this.table.add(key, id);
    this.known.add(id);
  }

  /** The entries that hold any of these keys, each with how many of them it holds. */
  sharing(keys: readonly number[]): Map<number, number> {
    const found = new Map<number, number>();
    for (const key of keys) this.table.forEach(key, (id) => found.set(id, (found.get(id) ?? 0) + 1));
    return found;
  }

  /** How many keys the memory holds. */
  get size(): number {
    return this.table.size;
  }

  private addRow(row: { id: number | string; print: Uint8Array | null; urlKey: string | null }): void {
    this.add(Number(row.id), keysOf(row.print, row.urlKey));
  }
}

/** An entry's keys: its fingerprint's story keys, and a key of its address. */
export function keysOf(print: Uint8Array | null, urlKey: string | null): number[] {
  const keys = packedStoryKeys(print) ?? [];
  if (urlKey !== null) keys.push(addressKey(urlKey));
  return keys;
}

/** The key of an address: a hash of its urlKey, apart from band keys by a prefix of its own. */
export function addressKey(urlKey: string): number {
  return wordHash(`address ${urlKey}`) | 0;
}

/** How often, and how far back, a memory looks for the entries other processes stored (SqlEngine.storyCatchUp). */
export interface CatchUp {
  reread: number;
  everyMs: number;
}

/** Entries a load reads at a time. */
const LOAD_BATCH = 5000;

/**
 * A multimap of 32-bit keys to 32-bit ids: open addressing with linear probing in two typed
 * arrays, a key stored once for each id it has. Slot 0 of `ids` means empty (entry ids start at 1).
 */
class KeyTable {
  private keys = new Int32Array(1 << 12);
  private ids = new Int32Array(1 << 12);
  size = 0;

  add(key: number, id: number): void {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    const mask = this.ids.length - 1;
    let slot = spread(key) & mask;
    while (this.ids[slot] !== 0) {
      if (this.keys[slot] === key && this.ids[slot] === id) return;
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = key;
    this.ids[slot] = id;
    this.size++;
  }

  forEach(key: number, visit: (id: number) => void): void {
    const mask = this.ids.length - 1;
    for (let slot = spread(key) & mask; this.ids[slot] !== 0; slot = (slot + 1) & mask)
      if (this.keys[slot] === key) visit(this.ids[slot]!);
  }

  private grow(): void {
    const { keys, ids } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.ids = new Int32Array(ids.length * 2);
    this.size = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] !== 0) this.add(keys[i]!, ids[i]!);
  }
}

/** A key's bits mixed, so that keys close together do not fill one run of slots. */
function spread(key: number): number {
  const h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Each owner's memory (an engine: each process and writer thread has its own). */
const memories = new WeakMap<object, StoryMemory>();

/** A memory of a day's age at most, reloaded after that so that it forgets what left the window. */
export const MEMORY_DAY_MS = 24 * 60 * 60 * 1000;

/** The owner's memory, loaded at its first fold and each day, caught up with the entries stored since. */
export async function storyMemory(
  owner: object,
  db: Kysely<Database>,
  now: number,
  catchUp: CatchUp,
  /** The entries the caller has just stored, and indexes itself: a catch-up leaves them out. */
  arriving: readonly number[] = [],
): Promise<StoryMemory> {
  let memory = memories.get(owner);
  if (!memory || Math.abs(now - memory.loadedAt) > MEMORY_DAY_MS) {
    memory = await StoryMemory.load(db, now, arriving);
    memories.set(owner, memory);
    return memory;
  }
  memory.expect(arriving);
  await memory.catchUp(db, now, catchUp);
  return memory;
}
