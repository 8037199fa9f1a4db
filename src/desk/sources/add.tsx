import type { Entry } from '../../model/entry.js';
import type { Source } from '../../model/source.js';
import type { Session } from '../../model/user.js';
import { ArticleView } from '../../web/pages/article-show.js';
import { Csrf, DeskLayout, plural, type Site } from '../layout.js';
import { SourceSettingsFields, type SourceSettings } from './settings-fields.js';

/** What a preview found at the address: the feed, and its first entries as they would be republished. */
export interface FeedPreview {
  feedUrl: string;
  discoveredFrom: string | null;
  title: string | null;
  entries: number;
  /** How many of them its intake rules would keep out. */
  filtered: number;
  /** The source as it would be saved (id 0), and its first entries as the site would show them. */
  source: Source;
  shown: Entry[];
  warnings: string[];
}

/**
 * Adding a source: the address (a feed, or a page that names its feed) and the settings; then a
 * preview of what would be republished, from the feed fetched now, before anything is saved.
 */
export function AddSourcePage(props: {
  site: Site;
  session: Session;
  url: string;
  values: SourceSettings;
  errors: Partial<Record<keyof SourceSettings | 'url', string>>;
  preview: FeedPreview | null;
}) {
  const { site, session, preview, errors } = props;
  return (
    <DeskLayout site={site} title="Add a source" session={session} area="sources">
      <p>
        <a href="/admin/sources">← Sources</a>
      </p>
      <h1>Add a source</h1>
      <form class="settings request-form" method="post" action="/admin/sources/new" novalidate>
        <Csrf session={session} />
        <div class="field">
          <label for="field-url">Address of the feed, or of a page of the site</label>
          <p class="hint" id="field-url-hint">
            A page is enough when it names its feed (as most news sites’ pages do).
          </p>
          {errors.url ? (
            <p class="error" id="field-url-error" role="alert">
              {errors.url}
            </p>
          ) : null}
          <input
            id="field-url"
            name="url"
            value={preview?.feedUrl ?? props.url}
            inputmode="url"
            required
            aria-describedby={errors.url ? 'field-url-hint field-url-error' : 'field-url-hint'}
            aria-invalid={errors.url ? 'true' : undefined}
          />
        </div>
        <SourceSettingsFields values={props.values} errors={errors} siteAttribution={site.attribution} />
        <div class="actions">
          <button type="submit" name="step" value="preview" class={preview ? 'secondary' : undefined}>
            {preview ? 'Preview again' : 'Preview'}
          </button>
          {preview ? (
            <button type="submit" name="step" value="save">
              Add this source
            </button>
          ) : null}
        </div>
        {preview ? (
          <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">
              {preview.title ?? preview.feedUrl}: {plural(preview.entries, 'entry', 'entries')} in the feed
              now
            </h2>
            {preview.discoveredFrom ? (
              <p>
                Found the feed <span class="url">{preview.feedUrl}</span> on the page{' '}
                <span class="url">{preview.discoveredFrom}</span>.
              </p>
            ) : null}
            {preview.warnings.map((w) => (
              <p class="why">{w}</p>
            ))}
            <p>
              {preview.shown.length === 0
                ? 'The feed carries no entries yet; they will be republished as they come.'
                : `The first ${plural(preview.shown.length, 'article')}, as the site will show ${preview.shown.length === 1 ? 'it' : 'them'} with these settings${props.values.fullText ? ' (full text is fetched from each page once the source is added)' : ''}${props.values.holdNew ? '; each waits for review first' : ''}:`}
            </p>
            {preview.filtered > 0 ? (
              <p>
                The intake rules would keep out {plural(preview.filtered, 'article')} of the {preview.entries}{' '}
                in the feed now; they are stored, filtered, and listed under Articles.
              </p>
            ) : null}
            {preview.shown.map((entry) => (
              <div class="preview">
                <ArticleView site={site} entry={entry} source={preview.source} takedownUrl="/takedown" />
              </div>
            ))}
          </section>
        ) : null}
      </form>
    </DeskLayout>
  );
}
