import type { EntryInput } from '../model/entry.js';

/**
 * A refresh's entries as one buffer, the way they travel from the feed thread that prepared them to
 * the thread that stores them. As objects, the entries of a poll's every feed would be copied onto
 * the main thread's heap and off it again, and wait there, promoted and uncollected, until the
 * writer took them: most of a large poll's memory. As a buffer they are moved, not copied, from
 * thread to thread; the main thread holds only the buffer's handle, and the scheduler the one thing
 * it needs of them, their publication times.
 */
export interface EntryBatch {
  readonly kind: 'entry-batch';
  /** The entries as UTF-8 JSON, dates as ISO 8601 strings. */
  readonly bytes: Uint8Array;
  readonly count: number;
  /** When each entry that says so was published, in epoch milliseconds. */
  readonly publishedTimes: readonly number[];
}

/** What the store takes: the entries themselves, or the buffer of them. */
export type EntriesInput = readonly EntryInput[] | EntryBatch;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function packEntries(entries: readonly EntryInput[]): EntryBatch {
  return {
    kind: 'entry-batch',
    bytes: encoder.encode(JSON.stringify(entries)),
    count: entries.length,
    publishedTimes: entries.flatMap((e) => (e.publishedAt ? [e.publishedAt.getTime()] : [])),
  };
}

export function isEntryBatch(entries: EntriesInput): entries is EntryBatch {
  return !Array.isArray(entries) && (entries as EntryBatch).kind === 'entry-batch';
}

type Packed = Omit<EntryInput, 'publishedAt' | 'updatedAt'> & {
  publishedAt: string | null;
  updatedAt: string | null;
};

/** The entries of a batch as objects again (entries given as objects are returned as they are). */
export function unpackEntries(entries: EntriesInput): readonly EntryInput[] {
  if (!isEntryBatch(entries)) return entries;
  const packed = JSON.parse(decoder.decode(entries.bytes)) as Packed[];
  return packed.map((e) => ({
    ...e,
    publishedAt: e.publishedAt === null ? null : new Date(e.publishedAt),
    updatedAt: e.updatedAt === null ? null : new Date(e.updatedAt),
  }));
}

/** The publication times of entries, however they are given. */
export function publishedTimes(entries: EntriesInput): readonly number[] {
  if (isEntryBatch(entries)) return entries.publishedTimes;
  return entries.flatMap((e) => (e.publishedAt ? [e.publishedAt.getTime()] : []));
}

/** How many entries there are, however they are given. */
export function entryCount(entries: EntriesInput): number {
  return isEntryBatch(entries) ? entries.count : entries.length;
}
