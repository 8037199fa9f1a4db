import {
  SETTING_LIMITS,
  menuText,
  worstContrast,
  type SettingErrors,
  type SiteSettingKey,
  type SiteSettingValues,
} from '../../config/index.js';
import type { Child } from 'hono/jsx';
import type { Session } from '../../model/user.js';
import { Attribution } from '../../web/attribution.js';
import { Csrf, DeskLayout, type Site } from '../layout.js';

/** The settings form as typed: the text of each field, so that a refused form keeps what was written. */
export type SettingsForm = Record<SiteSettingKey, string>;

export function formOf(values: SiteSettingValues): SettingsForm {
  return {
    name: values.name,
    description: values.description,
    contactEmail: values.contactEmail ?? '',
    operator: values.operator ?? '',
    attribution: values.attribution,
    accentLight: values.accentLight ?? '',
    accentDark: values.accentDark ?? '',
    menu: menuText(values.menu),
  };
}

export interface SettingsPageData {
  form: SettingsForm;
  errors: SettingErrors;
  /** What courtesy.toml says, to show beside each field the desk has changed. */
  file: SettingsForm;
  /** The values the previews show: the typed ones that pass, else the ones in force. */
  preview: SiteSettingValues;
  /** Settings that stay in the file, with their values now. */
  fileOnly: Array<{ key: string; value: string; why: string }>;
  configFile: string | null;
  message: string | null;
  problem: string | null;
}

/** The backgrounds the colour previews draw on (the site stylesheet's --bg and --fg, per theme). */
const THEMES = {
  light: { bg: '#fbfaf7', fg: '#1d1d1f', label: 'light' },
  dark: { bg: '#16171a', fg: '#e8e6e1', label: 'dark' },
} as const;
/** The stylesheet's own accents, which apply when no colour is set. */
const DEFAULT_ACCENT = { light: '#8a2d16', dark: '#f0a58a' } as const;

export function SettingsPage(props: { site: Site; session: Session; data: SettingsPageData }) {
  const { data, session } = props;
  return (
    <DeskLayout
      site={props.site}
      title="Settings"
      session={session}
      area="settings"
      message={data.message}
      problem={data.problem}
    >
      <h1>Settings</h1>
      <p>
        What the site says of itself and how it looks. Saved here, a setting applies at once to every page, in
        every process of the site, and wins over courtesy.toml; set back to the file’s value, the file decides
        it again. Every change is in the audit log.
      </p>
      <form class="settings request-form" method="post" action="/admin/settings" novalidate>
        <Csrf session={session} />
        <fieldset>
          <legend>The site</legend>
          <TextField data={data} name="name" label="Name" maxlength={SETTING_LIMITS.name}>
            In the header, every page’s title, the feeds and the notices.
          </TextField>
          <TextField
            data={data}
            name="description"
            label="Description"
            maxlength={SETTING_LIMITS.description}
            area
          >
            Under the name on the home page, in the feeds and for search engines.
          </TextField>
          <TextField
            data={data}
            name="operator"
            label="Who runs the site"
            maxlength={SETTING_LIMITS.operator}
          >
            As the about and takedown pages name you. Empty: “the operator of {props.site.name}”.
          </TextField>
          <TextField data={data} name="contactEmail" label="Contact address" type="email">
            On the about and takedown pages, so that authors and publishers can write to you; takedown notices
            go to it unless courtesy.toml sets takedown.notify_email.
          </TextField>
        </fieldset>
        <fieldset>
          <legend>Attribution</legend>
          <TextField
            data={data}
            name="attribution"
            label="Attribution text of every article"
            maxlength={SETTING_LIMITS.attribution}
            area
            rows={6}
          >
            A source’s own text, set on its page, wins over this one. Placeholders: {'{author}'}, {'{source}'}
            , {'{site}'}, {'{title}'}; links: [words](original), [words](source_site), [words](takedown).
          </TextField>
          <div class="preview" aria-labelledby="attribution-preview-title">
            <h3 id="attribution-preview-title">The attribution block, as articles show it</h3>
            <Attribution
              template={data.preview.attribution}
              values={{
                author: 'Ada Lovelace',
                source: 'The Example Gazette',
                site: data.preview.name,
                title: 'the article’s title',
              }}
              targets={{
                original: 'https://gazette.example/article',
                source_site: 'https://gazette.example/',
                takedown: '/takedown',
              }}
            />
          </div>
        </fieldset>
        <ColourFields data={data} />
        <fieldset>
          <legend>Menu</legend>
          <TextField data={data} name="menu" label="The menu’s own items" area rows={6}>
            One a line: a label, a bar, and a path on the site or a web address (“Politics | /tags/politics”).
            At most {SETTING_LIMITS.menu}; About and Contact always follow them. Empty: Latest and Sources.
          </TextField>
        </fieldset>
        <p class="actions-line">
          <button type="submit" name="step" value="save">
            Save the settings
          </button>{' '}
          <button type="submit" name="step" value="preview" class="secondary">
            Preview without saving
          </button>
        </p>
      </form>
      <form method="post" action="/admin/settings/reset" class="reset">
        <Csrf session={session} />
        <p>
          <button type="submit" class="secondary">
            Use courtesy.toml’s values for all
          </button>{' '}
          forgets every setting saved here.
        </p>
      </form>
      <FileOnly data={data} />
    </DeskLayout>
  );
}

/** The accent colours, their contrast, and a sample of each on its theme. */
function ColourFields({ data }: { data: SettingsPageData }) {
  return (
    <fieldset>
      <legend>Colours</legend>
      <p class="hint">
        The colour of links and highlights, written #rrggbb. Each must have a contrast of at least 4.5:1 with
        its theme’s backgrounds (WCAG AA), so that links stay as legible as the text. Empty: the site’s own.
      </p>
      <TextField data={data} name="accentLight" label="In the light theme" narrow>
        {contrastHint(data.preview.accentLight, 'light')}
      </TextField>
      <TextField data={data} name="accentDark" label="In the dark theme" narrow>
        {contrastHint(data.preview.accentDark, 'dark')}
      </TextField>
      <div class="swatches">
        <Swatch theme="light" color={data.preview.accentLight ?? DEFAULT_ACCENT.light} />
        <Swatch theme="dark" color={data.preview.accentDark ?? DEFAULT_ACCENT.dark} />
      </div>
    </fieldset>
  );
}

/** A labelled field with its hint, its error, and what the file says when that differs. */
function TextField(props: {
  data: SettingsPageData;
  name: SiteSettingKey;
  label: string;
  type?: string;
  maxlength?: number;
  area?: boolean;
  rows?: number;
  narrow?: boolean;
  children?: Child;
}) {
  const { data, name } = props;
  const id = `field-${name}`;
  const error = data.errors[name];
  const fromFile = data.file[name];
  const differs = data.form[name] !== fromFile;
  const described = [`${id}-hint`, differs ? `${id}-file` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name,
    'aria-describedby': described,
    'aria-invalid': error ? ('true' as const) : undefined,
    maxlength: props.maxlength,
  };
  return (
    <div
      class={['field', props.narrow ? 'narrow' : '', error ? 'field-error' : ''].filter(Boolean).join(' ')}
    >
      <label for={id}>{props.label}</label>
      <p class="hint" id={`${id}-hint`}>
        {props.children}
      </p>
      {differs ? (
        <p class="hint from-file" id={`${id}-file`}>
          courtesy.toml says: {fromFile === '' ? '(nothing)' : <q>{fromFile}</q>}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {props.area ? (
        <textarea {...common} rows={props.rows ?? 3}>
          {data.form[name]}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? 'text'} value={data.form[name]} />
      )}
    </div>
  );
}

function contrastHint(color: string | null, theme: 'light' | 'dark'): string {
  if (color === null) return `Now the site’s own, ${DEFAULT_ACCENT[theme]}.`;
  const ratio = worstContrast(color, theme);
  return `${color}: a contrast of ${ratio.toFixed(1)}:1 at least with the ${theme} theme’s backgrounds.`;
}

/** A link and text in the colour on its theme's background, drawn as SVG (the pages allow no inline style). */
function Swatch({ theme, color }: { theme: 'light' | 'dark'; color: string }) {
  const t = THEMES[theme];
  return (
    <svg
      class="swatch"
      viewBox="0 0 260 56"
      width="260"
      height="56"
      role="img"
      aria-label={`A link in ${color} on the ${t.label} theme`}
    >
      <rect width="260" height="56" rx="6" fill={t.bg} stroke={t.fg} stroke-opacity="0.25" />
      <text x="14" y="24" fill={t.fg} font-size="14">
        Text in the {t.label} theme,
      </text>
      <text x="14" y="44" fill={color} font-size="14" text-decoration="underline">
        and a link in {color}
      </text>
    </svg>
  );
}

function FileOnly({ data }: { data: SettingsPageData }) {
  return (
    <section aria-labelledby="file-only-title">
      <h2 id="file-only-title">Set in courtesy.toml</h2>
      <p>
        These stay in {data.configFile ? <code>{data.configFile}</code> : 'courtesy.toml (there is none yet)'}{' '}
        and take effect when courtesy starts again: each process needs them before it opens the database, or
        they are files on this machine, or they decide what is stored rather than how it is shown.
      </p>
      <dl class="file-only">
        {data.fileOnly.map((row) => (
          <>
            <dt>
              <code>{row.key}</code>: {row.value}
            </dt>
            <dd>{row.why}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}
