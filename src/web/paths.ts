import type { Entry } from '../model/entry.js';
import type { FacetKind } from '../model/facets.js';
import { slugify } from './format.js';

export function articlePath(entry: Pick<Entry, 'id' | 'title'>): string {
  return `/articles/${entry.id}/${slugify(entry.title)}`;
}

/** The page of an author ("/authors/ada-lovelace") or a tag ("/tags/science"). */
export function facetPath(kind: FacetKind, key: string): string {
  return `/${kind === 'author' ? 'authors' : 'tags'}/${encodeURIComponent(key)}`;
}
