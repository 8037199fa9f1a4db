import type { Entry } from '../model/entry.js';

/** One copy of a story, and why it joined it (null for the entry the story began with). */
export interface StoryCopy {
  entry: Entry;
  note: string | null;
}

/** A story of several copies, as the desk lists them. */
export interface StorySummary {
  /** The story's id: the entry it began with. */
  story: number;
  /** Every copy, withheld ones too, earliest first. */
  copies: StoryCopy[];
}

/** Stories (sql/stories.ts): one article carried by several sources, shown once. */
export interface StoryRepository {
  /** The copies of the story an entry is one of, earliest first (the entry alone when it is alone); on public pages only, unless asked. */
  copies(entryId: number, options?: { includeWithheld?: boolean }): Promise<StoryCopy[]>;
  /** For each story, the sources whose copies are on public pages, earliest first. */
  carriers(stories: readonly number[]): Promise<Map<number, number[]>>;
  /** Every copy of a story by its id, withheld ones too, earliest first (none for an unknown story). */
  members(story: number): Promise<StoryCopy[]>;
  /** Stories of more than one copy, the newest begun first; `before` (a story id) pages back. */
  recent(options: { limit: number; before?: number }): Promise<StorySummary[]>;
  /** Takes an entry out of its story for good (false when it was alone); logged. */
  split(entryId: number, actor: string, now: Date): Promise<boolean>;
  /** Puts an entry, with the story it is in, into another entry's story; how many entries moved; logged. */
  merge(entryId: number, intoId: number, actor: string, now: Date): Promise<number>;
}
