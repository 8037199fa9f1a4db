import type { Config } from '../../config/index.js';
import { bodyHtml, type Entry } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import { excerptOf } from '../excerpt.js';
import { articleLanguage, formatDate } from '../format.js';
import { articlePath } from '../paths.js';
import { AuthorLinks } from './facet-links.js';
import { LeadPicture } from './lead-image.js';

/** The words a card shows of an article, at most: a line or two under the title. */
const CARD_WORDS = 30;
/** The width a card's image takes: the whole width on a phone, a column of the grid on a wider screen. */
const CARD_SIZES = '(max-width: 40rem) calc(100vw - 2rem), 24rem';

/**
 * One entry in a listing: its lead image, title, opening words, source, author and date. The
 * source's rights policy decides what of the article shows, as on its page: a link-only source
 * shows neither image nor words.
 */
export function EntryCard(props: {
  entry: Entry;
  source: Source | undefined;
  site: Pick<Config['site'], 'language' | 'excerptWords'>;
  /** Every source that carries the story, this one's included, when more than one does. */
  carriers?: readonly Source[];
  /** The first cards of a page: their images load at once, the rest as they come into view. */
  eager?: boolean;
}) {
  const { entry, source, site } = props;
  const lang = source ? articleLanguage(source, site.language) : undefined;
  const shows = source !== undefined && source.policy !== 'link';
  const image = shows ? entry.image : null;
  const html = shows ? (entry.summaryHtml ?? bodyHtml(entry)) : null;
  const excerpt = html ? excerptOf(html, Math.min(CARD_WORDS, site.excerptWords)) : '';
  const path = articlePath(entry);
  return (
    <article class={image ? 'card with-image' : 'card'}>
      {image ? (
        <a class="card-image" href={path} tabindex={-1} aria-hidden="true">
          <LeadPicture image={image} sizes={CARD_SIZES} eager={props.eager} />
        </a>
      ) : null}
      <h2 lang={lang}>
        <a href={path}>{entry.title ?? 'Untitled'}</a>
      </h2>
      {excerpt && !repeats(excerpt, entry.title) ? (
        <p class="excerpt" lang={lang}>
          {excerpt}
        </p>
      ) : null}
      <p class="meta">
        {source ? <a href={`/sources/${source.id}`}>{sourceDisplayName(source)}</a> : null}
        {props.carriers && props.carriers.length > 1 ? (
          <span>
            {'\u00a0· '}
            <a
              class="story-sources"
              href={`${path}#carriers`}
              aria-label={`Carried by ${props.carriers.length} sources: ${props.carriers.map(sourceDisplayName).join(', ')}`}
            >
              {props.carriers.length} sources
            </a>
          </span>
        ) : null}
        {entry.author ? (
          <span>
            {'\u00a0· '}
            <AuthorLinks entry={entry} />
          </span>
        ) : null}
        <span>
          {'\u00a0· '}
          <time datetime={entry.sortAt.toISOString()}>{formatDate(entry.sortAt, site.language)}</time>
        </span>
      </p>
    </article>
  );
}

/** The sources of a card's story, when more than one carries it: the card says so. */
export function carriersOf(
  entry: Entry,
  carriers: ReadonlyMap<number, readonly number[]> | undefined,
  sources: ReadonlyMap<number, Source>,
): Source[] | undefined {
  const ids = entry.story ? carriers?.get(entry.story) : undefined;
  if (!ids || ids.length < 2) return undefined;
  return ids.flatMap((id) => sources.get(id) ?? []);
}

/** Whether the opening words only repeat the title (feeds whose summary is the headline). */
function repeats(excerpt: string, title: string | null): boolean {
  const bare = (text: string) =>
    text
      .replace(/[\s.…!?:;,]+$/u, '')
      .trim()
      .toLowerCase();
  return title !== null && bare(excerpt) === bare(title);
}

/** "Older articles" link for cursor pagination. */
export function Pager(props: { next: string | null; basePath: string }) {
  if (!props.next) return null;
  return (
    <nav class="pager" aria-label="Pagination">
      <a href={`${props.basePath}?before=${props.next}`} rel="next">
        Older articles →
      </a>
    </nav>
  );
}
