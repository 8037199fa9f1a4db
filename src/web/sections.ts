import { sectionKey, type Source } from '../model/source.js';
import type { Store } from '../store/index.js';

/** A section of the site as readers see it: the sources an operator put in it that have articles. */
export interface Section {
  name: string;
  /** Its address form (`/sections/KEY`). */
  key: string;
  sourceIds: number[];
}

/** The sections that have at least one source with articles, by name. */
export async function publishedSections(store: Store): Promise<Section[]> {
  return groupSections(await store.sources.listPublishing());
}

/** The section at an address, or null when none of that key has articles. */
export async function findSection(store: Store, key: string): Promise<Section | null> {
  return (await publishedSections(store)).find((s) => s.key === key) ?? null;
}

export function sectionPath(section: Pick<Section, 'key'>): string {
  return `/sections/${section.key}`;
}

/** The sections of these sources, by name (sources without one are in none). */
export function groupSections(sources: readonly Source[]): Section[] {
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
