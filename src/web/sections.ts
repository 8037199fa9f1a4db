import { sectionKey, type Source } from '../model/source.js';
import type { Store } from '../store/index.js';

/** A section of the site as readers see it: the sources an operator put in it that have articles. */
export interface Section {
  name: string;
  /** Its address form (`/sections/KEY`). */
  key: string;
  sourceIds: number[];
}

/** The sections that have at least one source with articles, by name (their sources' ids and sections alone are read). */
export async function publishedSections(store: Store): Promise<Section[]> {
  return groupSections(await store.sources.publishingSections());
}

/** The section at an address, or null when none of that key has articles. */
export async function findSection(store: Store, key: string): Promise<Section | null> {
  return (await publishedSections(store)).find((s) => s.key === key) ?? null;
}

export function sectionPath(section: Pick<Section, 'key'>): string {
  return `/sections/${section.key}`;
}

/** The sections of these sources, by name (sources without one are in none). */
export function groupSections(sources: ReadonlyArray<Pick<Source, 'id' | 'section'>>): Section[] {
  const byKey = new Map<string, Section>();
  for (const source of sources) {
    if (!source.section) continue;
    const key = sectionKey(source.section);
    if (!key) continue;
    const section = byKey.get(key) ?? { name: source.section, key, sourceIds: [] };
    section.sourceIds.push(source.id);
    byKey.set(key, section);
  }
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** How long a web process keeps its list of sections for the menu before it looks again. */
const MENU_REFRESH_MS = 15_000;

/**
 * Keeps `site.sections` (the default menu's sections) in step with the store: looked at again
 * when the store has changed and at least MENU_REFRESH_MS have passed. When the list changes, every
 * page this process keeps is out of date (the menu is on all of them): `onChange` empties its cache.
 */
export class SectionMenu {
  private lastHint: string | null | undefined = undefined;
  private lastAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly site: { sections: Array<{ label: string; url: string }> },
    private readonly onChange: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the list may be out of date. */
  stale(): boolean {
    if (this.lastHint === undefined) return true;
    if (this.now() - this.lastAt < MENU_REFRESH_MS) return false;
    const hint = this.store.pageChangeHint();
    // Without a hint (a store that cannot tell), every MENU_REFRESH_MS.
    return hint === null || hint !== this.lastHint;
  }

  /** Reads the sections again if they may have changed; concurrent callers share one read. */
  refresh(): Promise<void> {
    if (!this.stale()) return Promise.resolve();
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    this.lastHint = this.store.pageChangeHint();
    this.lastAt = this.now();
    const items = (await publishedSections(this.store)).map((s) => ({ label: s.name, url: sectionPath(s) }));
    if (JSON.stringify(items) === JSON.stringify(this.site.sections)) return;
    this.site.sections.splice(0, this.site.sections.length, ...items);
    this.onChange();
  }
}
