import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** One article page of a corpus: the page as fetched, and the article expected from it. */
export interface ArticlePage {
  name: string;
  source: string;
  expected: string;
}

/**
 * The address the pages were saved under: the corpus's pages keep relative links, as saved from
 * this nominal address.
 */
export const PAGE_URL = 'http://fakehost/test/page.html';

/** The pages of a corpus folder: `articles/NAME/source.html` beside `expected.html`. */
export function articlePages(corpus: string): ArticlePage[] {
  const dir = join(corpus, 'articles');
  return readdirSync(dir)
    .sort()
    .filter(
      (name) => existsSync(join(dir, name, 'source.html')) && existsSync(join(dir, name, 'expected.html')),
    )
    .map((name) => ({
      name,
      source: readFileSync(join(dir, name, 'source.html'), 'utf8'),
      expected: readFileSync(join(dir, name, 'expected.html'), 'utf8'),
    }));
}
