import { MAX_SECTION, type RightsPolicy, type SearchEnginePolicy } from '../../model/source.js';

/** What the add and edit forms share: the settings of a source, as typed. */
export interface SourceSettings {
  name: string;
  policy: RightsPolicy;
  attribution: string;
  searchEngines: SearchEnginePolicy | 'site';
  fullText: boolean;
  selector: string;
  remove: string;
  holdNew: boolean;
  section: string;
  /** Intake rules, one a line, as typed. */
  include: string;
  exclude: string;
  /** Whole numbers as typed; empty for no limit. */
  maxPerCheck: string;
  maxAgeDays: string;
  /** The language of its articles as typed; empty: the feed's. */
  language: string;
}

const POLICIES: ReadonlyArray<[RightsPolicy, string]> = [
  ['full', 'Full text: the whole article, with attribution'],
  ['excerpt', 'Excerpt: the opening words and a link to read on'],
  ['link', 'Link only: the title and the link'],
];

const SEARCH_ENGINES: ReadonlyArray<[SearchEnginePolicy | 'site', string]> = [
  ['site', 'As the site’s setting says'],
  ['canonical', 'Name the original as canonical'],
  ['noindex', 'Ask search engines not to index the copies'],
  ['both', 'Both: canonical and noindex'],
];

type FieldErrors = Partial<Record<keyof SourceSettings, string>>;

/** A field's error, where it has one, with the id its input names. */
function fieldError(errors: FieldErrors, key: keyof SourceSettings) {
  return errors[key] ? (
    <p class="error" id={`field-${key}-error`}>
      {errors[key]}
    </p>
  ) : null;
}

/** The ids of what describes a field: its hint, and its error when it has one. */
function describedBy(errors: FieldErrors, key: keyof SourceSettings, hint?: boolean): string | undefined {
  return (
    [hint ? `field-${key}-hint` : '', errors[key] ? `field-${key}-error` : ''].filter(Boolean).join(' ') ||
    undefined
  );
}

/** The settings fields of a source, keeping what was typed, with the errors next to their fields. */
export function SourceSettingsFields(props: {
  values: SourceSettings;
  errors: Partial<Record<keyof SourceSettings, string>>;
  siteAttribution: string;
  /** The sections in use, offered as the field is typed. */
  sections?: readonly string[];
  /** The language the source's feed declares, named beside the field. */
  feedLanguage?: string | null;
}) {
  const { values: v, errors } = props;
  const error = (key: keyof SourceSettings) => fieldError(errors, key);
  const described = (key: keyof SourceSettings, hint?: boolean) => describedBy(errors, key, hint);
  return (
    <>
      <div class="field">
        <label for="field-name">Name shown on the site</label>
        <p class="hint" id="field-name-hint">
          Leave empty to use the feed’s own title.
        </p>
        <input
          id="field-name"
          name="name"
          value={v.name}
          maxlength={200}
          aria-describedby={described('name', true)}
        />
      </div>
      <SectionField value={v.section} sections={props.sections} />
      <LanguageField value={v.language} errors={errors} feedLanguage={props.feedLanguage ?? null} />
      <fieldset class="field">
        <legend>What may be republished</legend>
        {POLICIES.map(([value, label]) => (
          <div class="choice">
            <input
              type="radio"
              id={`policy-${value}`}
              name="policy"
              value={value}
              checked={v.policy === value}
            />
            <label for={`policy-${value}`}>{label}</label>
          </div>
        ))}
      </fieldset>
      <div class="field">
        <label for="field-attribution">Attribution text</label>
        <p class="hint" id="field-attribution-hint">
          Leave empty for the site’s: “{props.siteAttribution}”. Placeholders: {'{author}'}, {'{source}'},{' '}
          {'{site}'}, {'{title}'}; links: [words](original), [words](source_site), [words](takedown).
        </p>
        {error('attribution')}
        <textarea
          id="field-attribution"
          name="attribution"
          rows={3}
          aria-describedby={described('attribution', true)}
          aria-invalid={errors.attribution ? 'true' : undefined}
        >
          {v.attribution}
        </textarea>
      </div>
      <div class="field">
        <label for="field-searchEngines">Search engines</label>
        <select id="field-searchEngines" name="searchEngines">
          {SEARCH_ENGINES.map(([value, label]) => (
            <option value={value} selected={v.searchEngines === value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <fieldset class="field">
        <legend>Full text</legend>
        <div class="choice">
          <input type="checkbox" id="field-fullText" name="fullText" value="on" checked={v.fullText} />
          <label for="field-fullText">
            Fetch each new article’s page and republish the article found there
          </label>
        </div>
        <div class="field">
          <label for="field-selector">Article selector (CSS)</label>
          <p class="hint" id="field-selector-hint">
            Leave empty to let Readability find the article.
          </p>
          {error('selector')}
          <input
            id="field-selector"
            name="selector"
            value={v.selector}
            aria-describedby={described('selector', true)}
            aria-invalid={errors.selector ? 'true' : undefined}
          />
        </div>
        <div class="field">
          <label for="field-remove">Remove first (CSS, one per line)</label>
          {error('remove')}
          <textarea
            id="field-remove"
            name="remove"
            rows={2}
            aria-describedby={described('remove')}
            aria-invalid={errors.remove ? 'true' : undefined}
          >
            {v.remove}
          </textarea>
        </div>
      </fieldset>
      <IntakeFields values={v} errors={errors} />
      <ReviewField holdNew={v.holdNew} />
    </>
  );
}

/** What the source takes in of its feed: keyword rules and limits (docs/newsroom.md). */
function IntakeFields(props: {
  values: SourceSettings;
  errors: Partial<Record<keyof SourceSettings, string>>;
}) {
  const { values: v, errors } = props;
  const error = (key: keyof SourceSettings) => fieldError(errors, key);
  const described = (key: keyof SourceSettings) => describedBy(errors, key, true);
  const rules = (key: 'include' | 'exclude', label: string, hint: string) => (
    <div class="field">
      <label for={`field-${key}`}>{label}</label>
      <p class="hint" id={`field-${key}-hint`}>
        {hint}
      </p>
      {error(key)}
      <textarea
        id={`field-${key}`}
        name={key}
        rows={2}
        aria-describedby={described(key)}
        aria-invalid={errors[key] ? 'true' : undefined}
      >
        {v[key]}
      </textarea>
    </div>
  );
  const limit = (key: 'maxPerCheck' | 'maxAgeDays', label: string, hint: string) => (
    <div class="field">
      <label for={`field-${key}`}>{label}</label>
      <p class="hint" id={`field-${key}-hint`}>
        {hint}
      </p>
      {error(key)}
      <input
        id={`field-${key}`}
        name={key}
        value={v[key]}
        inputmode="numeric"
        size={6}
        aria-describedby={described(key)}
        aria-invalid={errors[key] ? 'true' : undefined}
      />
    </div>
  );
  return (
    <fieldset class="field">
      <legend>What is taken in</legend>
      <p class="hint">
        One rule a line: words, <code>"a phrase"</code> or a word’s beginning (<code>climat*</code>), all of
        which must be in the title or the text; start with <code>title:</code>, <code>content:</code>,{' '}
        <code>author:</code> or <code>category:</code> to read only that. Case and accents do not count. A
        change applies at once to the articles already here.
      </p>
      {rules('include', 'Take only articles that match one of these', 'Empty: every article may be taken.')}
      {rules(
        'exclude',
        'Keep out articles that match any of these',
        'For example: category:sponsored, or title:"quote of the day"',
      )}
      {limit('maxPerCheck', 'Most new articles taken a check', 'The newest; empty for all.')}
      {limit(
        'maxAgeDays',
        'Oldest article taken, in days',
        'So a first check does not republish an archive; empty for any age.',
      )}
    </fieldset>
  );
}

/** The language of its articles: the operator's, or empty for the feed's (named in the hint). */
function LanguageField(props: { value: string; errors: FieldErrors; feedLanguage: string | null }) {
  const { errors } = props;
  return (
    <div class="field">
      <label for="field-language">Language of its articles</label>
      <p class="hint" id="field-language-hint">
        A language tag such as en, fr or pt-BR, marked on its articles for browsers and screen readers. Empty:
        the one its feed declares{props.feedLanguage ? ` (${props.feedLanguage})` : ''}.
      </p>
      {fieldError(errors, 'language')}
      <input
        id="field-language"
        name="language"
        value={props.value}
        maxlength={35}
        size={10}
        aria-describedby={describedBy(errors, 'language', true)}
        aria-invalid={errors.language ? 'true' : undefined}
      />
    </div>
  );
}

/** The section, with those in use offered as it is typed. */
function SectionField(props: { value: string; sections?: readonly string[] }) {
  return (
    <div class="field">
      <label for="field-section">Section</label>
      <p class="hint" id="field-section-hint">
        Groups sources such as Politics or Science (an OPML file’s folders become sections); the list of
        sources filters by it. Empty: none.
      </p>
      <input
        id="field-section"
        name="section"
        value={props.value}
        maxlength={MAX_SECTION}
        list="known-sections"
        aria-describedby="field-section-hint"
      />
      {props.sections?.length ? (
        <datalist id="known-sections">
          {props.sections.map((s) => (
            <option value={s} />
          ))}
        </datalist>
      ) : null}
    </div>
  );
}

/** The review switch: new articles wait for an editor. */
function ReviewField({ holdNew }: { holdNew: boolean }) {
  return (
    <fieldset class="field">
      <legend>Review</legend>
      <div class="choice">
        <input type="checkbox" id="field-holdNew" name="holdNew" value="on" checked={holdNew} />
        <label for="field-holdNew">Hold new articles until an editor publishes them</label>
      </div>
    </fieldset>
  );
}
