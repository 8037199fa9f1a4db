import type { Hono } from 'hono';
import {
  SITE_SETTING_KEYS,
  checkSettings,
  settingsOf,
  storedChanges,
  type Config,
  type SettingErrors,
  type SiteSettingValues,
} from '../../config/index.js';
import { readForm } from '../../web/forms.js';
import { actor, doneMessage, type DeskContext, type DeskDeps, type DeskEnv } from '../context.js';
import { SettingsPage, formOf, type SettingsForm, type SettingsPageData } from './page.js';

const DONE = {
  saved: 'Saved: every page shows the new settings now.',
  unchanged: 'Nothing to save: the settings were already so.',
  reset: 'Every setting is courtesy.toml’s again.',
};

/** Settings: the site's name, description, operator, contact, attribution, colours and menu. */
export function registerSettingsDesk(admin: Hono<DeskEnv>, { store, config, settings }: DeskDeps): void {
  const page = (
    c: DeskContext,
    typed: { form: SettingsForm; values: SiteSettingValues; errors: SettingErrors } | null,
    problem: string | null = null,
  ) => {
    const now = settingsOf(config.site);
    const preview = { ...now };
    if (typed) {
      for (const key of SITE_SETTING_KEYS)
        if (!typed.errors[key]) Object.assign(preview, { [key]: typed.values[key] });
    }
    const data: SettingsPageData = {
      form: typed?.form ?? formOf(now),
      errors: typed?.errors ?? {},
      file: formOf(settings.fileValues),
      preview,
      fileOnly: fileOnly(config),
      configFile: config.configFile,
      message: typed ? null : doneMessage(c, DONE),
      problem,
    };
    return c.html(
      <SettingsPage site={config.site} session={c.get('session')} data={data} />,
      problem ? 400 : 200,
    );
  };

  admin.get('/settings', (c) => page(c, null));

  admin.post('/settings', async (c) => {
    const fields = await readForm(c);
    const { values, errors } = checkSettings(fields);
    const form = Object.fromEntries(SITE_SETTING_KEYS.map((k) => [k, fields[k] ?? ''])) as SettingsForm;
    const count = Object.keys(errors).length;
    if (count > 0)
      return page(
        c,
        { form, values, errors },
        `Not saved: ${count === 1 ? 'one setting needs' : `${count} settings need`} a change, said next to ${count === 1 ? 'it' : 'them'}.`,
      );
    if (fields.step === 'preview') return page(c, { form, values, errors });
    const changed = await store.settings.save(
      storedChanges(values, settings.fileValues),
      actor(c),
      new Date(),
    );
    await settings.reload();
    return c.redirect(`/admin/settings?done=${changed.length > 0 ? 'saved' : 'unchanged'}`, 303);
  });

  admin.post('/settings/reset', async (c) => {
    const none = Object.fromEntries(SITE_SETTING_KEYS.map((k) => [k, null]));
    const changed = await store.settings.save(none, actor(c), new Date());
    await settings.reload();
    return c.redirect(`/admin/settings?done=${changed.length > 0 ? 'reset' : 'unchanged'}`, 303);
  });
}

/** The settings that stay in the file, with their values now and the reason. */
function fileOnly(config: Config): SettingsPageData['fileOnly'] {
  const site = config.site;
  const restart = 'read once at start, by every process';
  return [
    {
      key: 'site.base_url',
      value: site.baseUrlSet ? site.baseUrl : `not set (${site.baseUrl})`,
      why: 'every link and the sign-in cookies depend on it; the server checks forms against it',
    },
    { key: 'site.language', value: site.language, why: restart },
    {
      key: 'site.logo',
      value: site.logo ? site.logo.file : 'none',
      why: 'a file on this machine, checked at start',
    },
    {
      key: 'site.search_engines',
      value: site.searchEngines,
      why: 'a rights decision, kept with the sources’ policies',
    },
    {
      key: 'site.excerpt_words',
      value: String(site.excerptWords),
      why: 'a rights decision: how much of an excerpt source’s article is shown',
    },
    { key: 'site.page_size', value: String(site.pageSize), why: restart },
    {
      key: 'takedown.notify_email',
      value: config.takedown.notifyEmailSet
        ? (config.takedown.notifyEmail ?? '')
        : 'not set (the contact address)',
      why: restart,
    },
    {
      key: 'smtp',
      value: config.smtp ? `${config.smtp.host}:${config.smtp.port}` : 'not set (notices wait in the outbox)',
      why: 'holds a password; read once at start',
    },
    {
      key: 'server, poll, full_text, websub, admin',
      value: `listening on ${config.server.host}:${config.server.port}`,
      why: 'how each process runs: needed before it opens the database',
    },
  ];
}
