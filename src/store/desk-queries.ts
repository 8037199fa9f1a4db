import type { Withheld } from '../model/entry.js';
import type { Source, SourceStatus } from '../model/source.js';

/** What the lists of sources and the operator's desk ask the store for, beyond what the public pages read. */

export interface SourceListItem extends Source {
  /** Its public entries (hidden and held ones are not counted). */
  entryCount: number;
  /** Entries published (or first seen) per day over the last 30 days. */
  entriesPerDay: number;
}

/** A section in use, with how many sources it holds. */
export interface SectionCount {
  name: string;
  sources: number;
}

/** A source's checks of one UTC day. */
export interface FetchDay {
  /** Midnight UTC that starts the day. */
  day: Date;
  checks: number;
  failures: number;
  meanDurationMs: number;
  maxDurationMs: number;
}

/** What the desk's list of sources asks for. */
export interface SourceDeskQuery {
  /** Words of the name, title or feed address. */
  text?: string;
  /** `failing`: the active sources whose last check failed, and the disabled ones. */
  status?: SourceStatus | 'failing';
  /** Only these sources (one source's page). */
  ids?: readonly number[];
  /** Only the sources of this section (exactly as written); '' for those of none. */
  section?: string;
  /** Only the sources added at this moment (the sources of one OPML import share it). */
  addedAt?: Date;
  limit: number;
  offset: number;
}

/** A source with what the desk shows of its health. */
export interface SourceHealth extends SourceListItem {
  /** Entries held for review, waiting to be published. */
  heldCount: number;
  /** The mean duration of its recent checks (the fetch history), null before the first. */
  meanFetchMs: number | null;
}

/** What the desk's lists of hidden and held entries ask for. */
export interface WithheldQuery {
  withheld: Withheld;
  sourceId?: number;
  limit: number;
  offset: number;
}

/** What a change of intake rules did to a source's stored entries. */
export interface IntakeApplied {
  /** Public entries the rules now keep out. */
  filtered: number;
  /** Entries a keyword rule kept out that are public again. */
  restored: number;
}
