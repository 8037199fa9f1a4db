import { accentProblem, expandHex } from './branding.js';
import { isEmailAddress, menuItemProblem } from './schema.js';
import type { Config } from './config.js';
import { senderFor } from './sender.js';

/**
 * The site's settings that an operator changes from day to day, in the desk: stored in the
 * database (one JSON value per key), they win over courtesy.toml's and reach every process that
 * serves or sends on the same database. Everything else stays in the file: addresses, ports,
 * polling, the database, mail, limits, the logo (a file on disk) — what a process needs before it
 * opens the database, or what changes only with a restart.
 */
export interface SiteSettingValues {
  name: string;
  description: string;
  contactEmail: string | null;
  operator: string | null;
  attribution: string;
  accentLight: string | null;
  accentDark: string | null;
  menu: Array<{ label: string; url: string }>;
}

export type SiteSettingKey = keyof SiteSettingValues;

export const SITE_SETTING_KEYS: readonly SiteSettingKey[] = [
  'name',
  'description',
  'contactEmail',
  'operator',
  'attribution',
  'accentLight',
  'accentDark',
  'menu',
];

/** The longest values the desk takes (the file's own limits, where it has them). */
export const SETTING_LIMITS = { name: 80, description: 300, operator: 120, attribution: 2000, menu: 12 };

export type SettingErrors = Partial<Record<SiteSettingKey, string>>;

/** The settings as they are now in a configuration (the file's, or the file's with the stored ones). */
export function settingsOf(site: Config['site']): SiteSettingValues {
  return {
    name: site.name,
    description: site.description,
    contactEmail: site.contactEmail,
    operator: site.operator,
    attribution: site.attribution,
    accentLight: site.accent.light,
    accentDark: site.accent.dark,
    menu: site.menu.map((item) => ({ ...item })),
  };
}

/**
 * Checks settings as typed in the desk's form: each value trimmed, each problem in words next to its
 * field. Accent colours are held to the same contrast as in the file, in their own theme.
 */
export function checkSettings(fields: Record<string, string | undefined>): {
  values: SiteSettingValues;
  errors: SettingErrors;
} {
  const text = (key: string) => (fields[key] ?? '').trim();
  const orNull = (value: string) => (value === '' ? null : value);
  const errors: SettingErrors = {};
  const values: SiteSettingValues = {
    name: text('name'),
    description: text('description'),
    contactEmail: orNull(text('contactEmail')),
    operator: orNull(text('operator')),
    attribution: text('attribution'),
    accentLight: orNull(text('accentLight').toLowerCase()),
    accentDark: orNull(text('accentDark').toLowerCase()),
    menu: [],
  };
  if (!values.name) errors.name = 'The site needs a name.';
  else if (values.name.length > SETTING_LIMITS.name)
    errors.name = `The name is ${values.name.length} characters long; ${SETTING_LIMITS.name} at most.`;
  if (values.description.length > SETTING_LIMITS.description)
    errors.description = `The description is ${values.description.length} characters long; ${SETTING_LIMITS.description} at most.`;
  if (values.contactEmail && !isEmailAddress(values.contactEmail))
    errors.contactEmail = `“${values.contactEmail}” is not an email address.`;
  if (values.operator && values.operator.length > SETTING_LIMITS.operator)
    errors.operator = `The operator's name is ${values.operator.length} characters long; ${SETTING_LIMITS.operator} at most.`;
  if (!values.attribution) errors.attribution = 'Every article needs an attribution text.';
  else if (values.attribution.length > SETTING_LIMITS.attribution)
    errors.attribution = `The attribution text is ${values.attribution.length} characters long; ${SETTING_LIMITS.attribution} at most.`;
  for (const [key, theme] of [
    ['accentLight', 'light'],
    ['accentDark', 'dark'],
  ] as const) {
    const color = values[key];
    if (color === null) continue;
    if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/.test(color)) {
      errors[key] = `“${color}” is not a colour written #rgb or #rrggbb.`;
      continue;
    }
    values[key] = expandHex(color);
    const problem = accentProblem(values[key], theme);
    if (problem) errors[key] = `${values[key]} ${problem}.`;
  }
  const menu = readMenu(fields.menu ?? '');
  values.menu = menu.items;
  if (menu.error) errors.menu = menu.error;
  return { values, errors };
}

/** The menu as the desk's form writes it: one item a line, "Label | address". */
export function menuText(menu: SiteSettingValues['menu']): string {
  return menu.map((item) => `${item.label} | ${item.url}`).join('\n');
}

function readMenu(text: string): { items: SiteSettingValues['menu']; error?: string } {
  const items: SiteSettingValues['menu'] = [];
  const lines = text
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '');
  for (const { line, number } of lines) {
    const bar = line.lastIndexOf('|');
    if (bar < 0)
      return {
        items,
        error: `Line ${number} (“${line}”) needs a label, a bar and an address: “Politics | /tags/politics”.`,
      };
    const item = { label: line.slice(0, bar).trim(), url: line.slice(bar + 1).trim() };
    const problem = menuItemProblem(item);
    if (problem) return { items, error: `Line ${number} (“${line}”): the ${problem}.` };
    items.push(item);
  }
  if (items.length > SETTING_LIMITS.menu)
    return { items, error: `The menu has ${items.length} items; ${SETTING_LIMITS.menu} at most.` };
  return { items };
}

/**
 * What the store keeps: the values that differ from the file's, each as JSON; a value equal to the
 * file's is not kept (null), so the file decides it again.
 */
export function storedChanges(
  values: SiteSettingValues,
  file: SiteSettingValues,
): Record<SiteSettingKey, string | null> {
  const changes = {} as Record<SiteSettingKey, string | null>;
  for (const key of SITE_SETTING_KEYS) {
    const value = JSON.stringify(values[key]);
    changes[key] = value === JSON.stringify(file[key]) ? null : value;
  }
  return changes;
}

/**
 * The stored values read back, each held to the desk's own checks: a value that no longer passes
 * (written by another version, or by hand) is left out and named, so the file's applies instead.
 */
export function readStored(rows: Record<string, string>): {
  values: Partial<SiteSettingValues>;
  ignored: string[];
} {
  const fields: Record<string, string> = {};
  const present: SiteSettingKey[] = [];
  const ignored: string[] = [];
  for (const key of SITE_SETTING_KEYS) {
    const raw = rows[key];
    if (raw === undefined) continue;
    try {
      const value: unknown = JSON.parse(raw);
      if (key === 'menu') {
        if (!Array.isArray(value)) throw new Error('not a list');
        fields.menu = menuText(value as SiteSettingValues['menu']);
      } else if (value === null || typeof value === 'string') {
        fields[key] = value ?? '';
      } else throw new Error('not text');
      present.push(key);
    } catch {
      ignored.push(key);
    }
  }
  const checked = checkSettings(fields);
  const values: Partial<SiteSettingValues> = {};
  for (const key of present) {
    if (checked.errors[key]) ignored.push(key);
    else Object.assign(values, { [key]: checked.values[key] });
  }
  return { values, ignored };
}

/** What the store must offer for the settings to follow it: its rows, and a hint that they may have changed. */
export interface SettingsSource {
  all(): Promise<Record<string, string>>;
  /** Changes whenever anything may have been committed (the store's page-change hint); null: read each time. */
  hint(): string | null;
}

/**
 * Keeps a process's configuration in step with the settings stored from the desk. The file's values
 * are kept aside; each sync that finds the store changed applies the stored values over them, in
 * place, so that everything holding the configuration sees them on its next read. Derived values
 * follow too: the takedown notices' address and the mail sender, unless the file sets them.
 */
export class LiveSettings {
  private readonly file: SiteSettingValues;
  private lastHint: string | null = null;
  private lastRows = '';
  private syncing: Promise<void> | null = null;
  /** Stored keys that did not pass the checks, as of the last sync. */
  ignored: string[] = [];

  constructor(
    private readonly config: Config,
    private readonly source: SettingsSource,
  ) {
    this.file = settingsOf(config.site);
  }

  /** The file's values, as a reset would bring them back. */
  get fileValues(): SiteSettingValues {
    return structuredClone(this.file);
  }

  /** Whether nothing can have changed since the last read (answers without I/O). */
  isCurrent(): boolean {
    const hint = this.source.hint();
    return this.syncing === null && hint !== null && hint === this.lastHint;
  }

  /** Reads the stored settings when the store may have changed; concurrent callers share one read. */
  sync(): Promise<void> {
    if (this.isCurrent()) return Promise.resolve();
    const hint = this.source.hint();
    this.syncing ??= this.read(hint).finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Reads them whatever the hint says (after this process saved them). */
  async reload(): Promise<void> {
    await this.syncing;
    await this.read(this.source.hint());
  }

  private async read(hint: string | null): Promise<void> {
    const rows = await this.source.all();
    this.lastHint = hint;
    const key = JSON.stringify(rows);
    if (key === this.lastRows) return;
    this.lastRows = key;
    const stored = readStored(rows);
    this.ignored = stored.ignored;
    this.apply({ ...this.file, ...stored.values });
  }

  private apply(values: SiteSettingValues): void {
    const { site, takedown, smtp } = this.config;
    site.name = values.name;
    site.description = values.description;
    site.contactEmail = values.contactEmail;
    site.operator = values.operator;
    site.attribution = values.attribution;
    // A new object, so that what is made once per colour pair (the theme's stylesheet) is made again.
    if (site.accent.light !== values.accentLight || site.accent.dark !== values.accentDark)
      site.accent = { light: values.accentLight, dark: values.accentDark };
    site.menu = values.menu.map((item) => ({ ...item }));
    if (!takedown.notifyEmailSet) takedown.notifyEmail = values.contactEmail;
    if (smtp && !smtp.fromSet) smtp.from = senderFor(values.name, values.contactEmail, site.baseUrl);
  }
}
