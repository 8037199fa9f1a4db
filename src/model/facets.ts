import { splitAuthors } from './authors.js';
import { slug } from './slug.js';

/** What listings group entries by, besides their source: each author, and each tag (category). */
export type FacetKind = 'author' | 'tag';

export interface Facet {
  kind: FacetKind;
  /** The address form: lower case, words joined by "-" (see facetKey). */
  key: string;
  /** As the feed gave it. */
  label: string;
}

/** Tags kept per entry at most: some feeds list dozens of keywords. */
const MAX_TAGS = 12;

/**
 * The key of an author or a tag in addresses: "Ada Lovelace" → "ada-lovelace", "Économie" →
 * "economie"; a name in a script slugs cannot hold keeps its letters ("東京" → "東京").
 */
export function facetKey(label: string): string {
  const ascii = slug(label);
  if (ascii) return ascii;
  return label
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/[\s_/]+/g, '-')
    .replace(/[^\p{L}\p{N}-]/gu, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/** The authors (as splitAuthors reads the byline) and the tags of an entry, each once. */
export function entryFacets(entry: { author: string | null; categories: readonly string[] }): Facet[] {
  const out: Facet[] = [];
  const seen = new Set<string>();
  const add = (kind: FacetKind, raw: string) => {
    const label = raw.replace(/\s+/g, ' ').trim().slice(0, 200);
    const key = facetKey(label);
    if (!key || seen.has(`${kind}:${key}`)) return;
    seen.add(`${kind}:${key}`);
    out.push({ kind, key, label });
  };
  for (const name of splitAuthors(entry.author)) add('author', name);
  for (const tag of entry.categories.slice(0, MAX_TAGS * 2)) {
    if (out.filter((f) => f.kind === 'tag').length >= MAX_TAGS) break;
    if (tag.trim()) add('tag', tag);
  }
  return out;
}
