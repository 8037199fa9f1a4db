/**
 * Tags name what a cached page shows, so that a change empties exactly the pages it touches:
 *   listing       the home page, the list of sources, the sitemap, the about page
 *   source:ID     a source's pages and feeds, and its articles' pages (they show its name and policy)
 *   author:KEY    an author's pages and feeds
 *   tag:KEY       a tag's pages and feeds
 *   entry:ID      an article's page
 *   *             everything
 */
export type PageTag = string;

export const ALL_PAGES: PageTag = '*';
export const LISTING: PageTag = 'listing';
export const sourceTag = (id: number): PageTag => `source:${id}`;
export const entryTag = (id: number): PageTag => `entry:${id}`;
export const facetTag = (kind: 'author' | 'tag', key: string): PageTag => `${kind}:${key}`;

/** One line of the change log: the pages a write touched. */
export interface PageChange {
  id: number;
  tags: PageTag[];
  /**
   * The change only adds to these pages (new entries): a kept page without them may be shown a
   * moment longer. Any other change (an edit, a removal, a takedown) has the pages dropped at once.
   */
  additions: boolean;
}
