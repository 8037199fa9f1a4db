// Not the extract folder's index: it loads the extractor (Readability), which only its threads need.
import { fetchPage } from '../../extract/page.js';
import type { ExtractionPool } from '../../extract/pool.js';
import type { RobotsRules } from '../../fetch/index.js';
import type { Entry } from '../../model/entry.js';
import { errorMessage } from '../../model/errors.js';
import type { Source } from '../../model/source.js';
import type { Store } from '../../store/index.js';
import type { Config } from '../../config/index.js';
import { ArticleView } from '../../web/pages/article-show.js';
import type { Site } from '../layout.js';

/** How many of a source's newest articles the preview offers to try the rules on. */
export const RECENT_FOR_PREVIEW = 5;

/** What the rules as typed find on one of the source's articles: the article as republished, or why not. */
export type ExtractionPreview =
  | {
      ok: true;
      entry: Entry;
      method: 'readability' | 'selector';
      words: number;
      /** Words of the feed's own text, to compare. */
      feedWords: number;
    }
  | { ok: false; entry: Entry | null; message: string };

export interface ExtractionDeps {
  store: Store;
  config: Config;
  pool: ExtractionPool;
  robots: RobotsRules;
  fetcher: Parameters<typeof fetchPage>[0];
}

/** The newest articles of a source the rules can be tried on (those with an address). */
export async function recentArticles(store: Store, sourceId: number): Promise<Entry[]> {
  const { entries } = await store.entries.list({
    sourceId,
    limit: RECENT_FOR_PREVIEW * 2,
    includeWithheld: true,
  });
  return entries.filter((e) => e.url).slice(0, RECENT_FOR_PREVIEW);
}

/**
 * Fetches one of the source's articles as full text does (robots.txt, the polite fetcher) and
 * extracts it in the extraction threads with the rules as typed: nothing is stored.
 */
export async function previewExtraction(
  deps: ExtractionDeps,
  source: Source,
  entryId: number,
  rules: { selector: string | null; remove: readonly string[] },
): Promise<ExtractionPreview> {
  const recent = await recentArticles(deps.store, source.id);
  const entry = recent.find((e) => e.id === entryId) ?? recent[0] ?? null;
  if (!entry?.url)
    return { ok: false, entry: null, message: 'The source has no article to try the rules on yet.' };
  const feedHtml = entry.contentHtml ?? entry.summaryHtml;
  try {
    const page = await fetchPage(deps.fetcher, deps.robots, entry.url);
    const result = await deps.pool.extract({
      html: page.html,
      url: page.url,
      feedHtml,
      selector: rules.selector,
      remove: rules.remove,
      sanitize: deps.config.content,
    });
    if (!result.ok) return { ok: false, entry, message: result.message };
    return {
      ok: true,
      entry: { ...entry, articleHtml: result.html },
      method: result.method,
      words: wordCount(result.searchText),
      feedWords: wordCount(feedHtml?.replace(/<[^>]*>/g, ' ') ?? ''),
    };
  } catch (error) {
    return { ok: false, entry, message: errorMessage(error) };
  }
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The try-it part of the settings form: which article, the button, and what the rules found. */
export function ExtractionTry(props: {
  site: Site;
  source: Source;
  recent: Entry[];
  chosen: number | null;
  preview: ExtractionPreview | null;
}) {
  const { preview, source } = props;
  return (
    <div class="preview" id="extraction" aria-labelledby="extraction-title">
      <h3 id="extraction-title">The extraction, with the rules above</h3>
      {props.recent.length === 0 ? (
        <p class="hint">Once the source has articles, the rules can be tried on one of them here.</p>
      ) : (
        <p class="field">
          <label for="field-extractFrom">Try them on</label>
          <select id="field-extractFrom" name="extractFrom">
            {props.recent.map((e) => (
              <option value={String(e.id)} selected={e.id === props.chosen}>
                {e.title ?? e.url}
              </option>
            ))}
          </select>{' '}
          <button
            type="submit"
            name="step"
            value="extract"
            class="secondary"
            formaction={`/admin/sources/${source.id}#extraction`}
          >
            Preview the extraction
          </button>
        </p>
      )}
      {preview ? <PreviewResult site={props.site} source={source} preview={preview} /> : null}
    </div>
  );
}

function PreviewResult({
  site,
  source,
  preview,
}: {
  site: Site;
  source: Source;
  preview: ExtractionPreview;
}) {
  if (!preview.ok)
    return (
      <p class="error" role="alert">
        {preview.entry ? `From “${preview.entry.title ?? preview.entry.url}”: ` : ''}
        {preview.message}
      </p>
    );
  const found = preview.method === 'selector' ? 'by the article selector' : 'by Readability';
  return (
    <>
      <p role="status">
        Found {found}: {preview.words.toLocaleString('en')} words, against{' '}
        {preview.feedWords.toLocaleString('en')} in the feed. Saved with full text on, new articles read like
        this (the newest ones are extracted again):
      </p>
      <div class="preview-article">
        <ArticleView
          site={site}
          entry={preview.entry}
          source={{ ...source, policy: 'full' }}
          takedownUrl="/takedown"
        />
      </div>
    </>
  );
}
