import type { Entry } from '../../model/entry.js';
import { entryFacets } from '../../model/facets.js';
import { facetPath } from '../paths.js';

/** An entry's authors, each a link to their page: "Ada Lovelace and Grace Hopper". */
export function AuthorLinks(props: { entry: Pick<Entry, 'author' | 'categories'> }) {
  const authors = entryFacets({ author: props.entry.author, categories: [] });
  return (
    <>
      {authors.map((a, i) => (
        <>
          {i === 0 ? '' : i === authors.length - 1 ? ' and ' : ', '}
          <a href={facetPath('author', a.key)} rel="author">
            {a.label}
          </a>
        </>
      ))}
    </>
  );
}

/** An entry's tags, each a link to its page. */
export function TagLinks(props: { entry: Pick<Entry, 'author' | 'categories'> }) {
  const tags = entryFacets({ author: null, categories: props.entry.categories });
  if (tags.length === 0) return null;
  return (
    <p class="tags">
      <span class="visually-hidden">Topics: </span>
      {tags.map((t) => (
        <a class="tag" href={facetPath('tag', t.key)} rel="tag">
          {t.label}
        </a>
      ))}
    </p>
  );
}
