import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from './config.js';
import { LiveSettings, checkSettings, menuText, settingsOf, storedChanges } from './site-settings.js';

const form = (patch: Record<string, string> = {}) => ({
  name: 'Riverside Digest',
  description: 'News of the river towns.',
  contactEmail: 'desk@riverside.example',
  operator: 'The Riverside Trust',
  attribution: 'From [{source}](source_site).',
  accentLight: '#1D4ED8',
  accentDark: '#9cf',
  menu: 'Politics | /tags/politics\n\n  Sources|/sources  \nWire | https://wire.example/',
  ...patch,
});

describe('site settings from the desk', () => {
  it('takes a good form, trimmed, with colours written in full and the menu read line by line', () => {
    const { values, errors } = checkSettings(form());
    assert.deepEqual(errors, {});
    assert.equal(values.accentLight, '#1d4ed8');
    assert.equal(values.accentDark, '#99ccff');
    assert.deepEqual(values.menu, [
      { label: 'Politics', url: '/tags/politics' },
      { label: 'Sources', url: '/sources' },
      { label: 'Wire', url: 'https://wire.example/' },
    ]);
    assert.equal(
      menuText(values.menu),
      'Politics | /tags/politics\nSources | /sources\nWire | https://wire.example/',
    );
    const empty = checkSettings(form({ contactEmail: ' ', operator: '', accentLight: '', menu: '' })).values;
    assert.equal(empty.contactEmail, null);
    assert.equal(empty.operator, null);
    assert.equal(empty.accentLight, null);
    assert.deepEqual(empty.menu, []);
  });

  it('says what is wrong with each field, in words, next to it', () => {
    const { errors } = checkSettings(
      form({
        name: '  ',
        contactEmail: 'not an address',
        attribution: '',
        accentLight: '#ffcc00',
        accentDark: '#333',
        menu: 'Politics | /tags/politics\nNo bar here',
      }),
    );
    assert.equal(errors.name, 'The site needs a name.');
    assert.equal(errors.contactEmail, '“not an address” is not an email address.');
    assert.equal(errors.attribution, 'Every article needs an attribution text.');
    assert.match(
      errors.accentLight!,
      /^#ffcc00 has a contrast of 1\.\d:1 .*light theme.* at least 4\.5:1 \(choose a darker colour\)\.$/,
    );
    assert.match(
      errors.accentDark!,
      /^#333333 has a contrast of 1\.\d:1 .*dark theme.*choose a lighter colour/,
    );
    assert.equal(
      errors.menu,
      'Line 2 (“No bar here”) needs a label, a bar and an address: “Politics | /tags/politics”.',
    );
    assert.match(
      checkSettings(form({ menu: 'Home | //elsewhere.example' })).errors.menu!,
      /^Line 1 .*: the address must be a path on the site/,
    );
    assert.match(checkSettings(form({ menu: ' | /x' })).errors.menu!, /the label must not be empty/);
    assert.equal(
      checkSettings(form({ accentLight: 'blue' })).errors.accentLight,
      '“blue” is not a colour written #rgb or #rrggbb.',
    );
    const many = Array.from({ length: 13 }, (_, i) => `Item ${i} | /tags/t${i}`).join('\n');
    assert.equal(checkSettings(form({ menu: many })).errors.menu, 'The menu has 13 items; 12 at most.');
  });

  it('keeps only what differs from the file, so that a value set back to the file’s is the file’s again', () => {
    const file = settingsOf(loadConfig({ dataDir: '/nonexistent' }, {}).site);
    const changes = storedChanges({ ...file, name: 'Riverside Digest' }, file);
    assert.equal(changes.name, '"Riverside Digest"');
    assert.equal(changes.description, null);
    assert.equal(changes.menu, null);
    assert.deepEqual(Object.keys(changes).sort(), [
      'accentDark',
      'accentLight',
      'attribution',
      'contactEmail',
      'description',
      'menu',
      'name',
      'operator',
    ]);
  });
});

describe('LiveSettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-settings-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const setup = (rows: Record<string, string>, smtpFrom?: string) => {
    const file = join(dir, `courtesy-${Math.random().toString(36).slice(2)}.toml`);
    writeFileSync(
      file,
      `[site]\nname = "From the file"\ncontact_email = "file@news.example"\n` +
        `[smtp]\nhost = "mail.example"\n${smtpFrom === undefined ? '' : `from = ${JSON.stringify(smtpFrom)}\n`}`,
    );
    const config = loadConfig({ dataDir: dir, config: file }, {});
    let hint = 'a';
    let reads = 0;
    const live = new LiveSettings(config, {
      all: () => {
        reads++;
        return Promise.resolve({ ...rows });
      },
      hint: () => hint,
    });
    return {
      config,
      live,
      rows,
      reads: () => reads,
      commit: () => {
        hint += 'a';
      },
    };
  };

  it('applies the stored values over the file’s in place, derived ones too, and reads only after a commit', async () => {
    const s = setup({ name: '"Riverside Digest"', contactEmail: '"desk@riverside.example"' });
    const site = s.config.site;
    await s.live.sync();
    assert.equal(site.name, 'Riverside Digest');
    assert.equal(
      s.config.takedown.notifyEmail,
      'desk@riverside.example',
      'notices follow the contact address',
    );
    assert.equal(s.config.smtp?.from, '"Riverside Digest" <desk@riverside.example>');
    assert.equal(s.live.fileValues.name, 'From the file');

    await s.live.sync();
    assert.equal(s.reads(), 1, 'nothing was committed: nothing is read');
    assert.equal(s.live.isCurrent(), true);

    s.rows.accentLight = '"#1d4ed8"';
    s.commit();
    assert.equal(s.live.isCurrent(), false);
    const accentBefore = site.accent;
    await s.live.sync();
    assert.equal(s.reads(), 2);
    assert.deepEqual(site.accent, { light: '#1d4ed8', dark: null });
    assert.notEqual(site.accent, accentBefore, 'a new object, so that the theme is made again');
    assert.equal(s.config.site, site, 'the same site object: whoever holds it sees the change');

    delete s.rows.name;
    s.commit();
    await s.live.sync();
    assert.equal(site.name, 'From the file', 'a removed key is the file’s again');
  });

  it('leaves out stored values that do not pass the checks, naming them, and keeps the file’s', async () => {
    const s = setup(
      { name: '"   "', accentDark: '"#000000"', menu: '{"not": "a list"}', operator: 'not json' },
      'News <news@file.example>',
    );
    await s.live.sync();
    assert.deepEqual(s.live.ignored.sort(), ['accentDark', 'menu', 'name', 'operator']);
    assert.equal(s.config.site.name, 'From the file');
    assert.equal(s.config.site.accent.dark, null);
    assert.equal(s.config.smtp?.from, 'News <news@file.example>', 'a sender the file sets stays');
  });
});
