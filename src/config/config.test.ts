import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const withFile = (toml: string) => {
    writeFileSync(join(dir, 'courtesy.toml'), toml);
    return loadConfig({ dataDir: dir }, {});
  };
  const rejects = (toml: string, message: RegExp) =>
    assert.throws(
      () => withFile(toml),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );

  it('applies defaults and derives the base URL from host and port', () => {
    const config = loadConfig({ dataDir: join(dir, 'none'), port: 9000 }, {});
    assert.equal(config.site.baseUrl, 'http://127.0.0.1:9000');
    assert.equal(config.site.baseUrlSet, false);
    assert.equal(config.site.searchEngines, 'both');
    assert.equal(config.poll.perHostConcurrency, 2);
    assert.equal(config.poll.maxBodyBytes, 10 * 1024 * 1024);
    assert.equal(config.poll.allowPrivateNetworks, false);
    assert.equal(config.databaseUrl, `sqlite:${join(dir, 'none', 'courtesy.sqlite')}`);
  });

  it('reads the file, resolves relative source URLs, and lets the environment override', () => {
    writeFileSync(
      join(dir, 'courtesy.toml'),
      '[site]\nbase_url = "https://news.example/"\n[[sources]]\nurl = "/samples/a.xml"\npolicy = "link"\nattribution = "From {source}."\n',
    );
    const config = loadConfig(
      { dataDir: dir },
      { COURTESY_ALLOW_PRIVATE_NETWORKS: '1', DATABASE_URL: 'sqlite::memory:' },
    );
    assert.equal(config.site.baseUrl, 'https://news.example');
    assert.equal(config.site.baseUrlSet, true);
    assert.deepEqual(config.sources, [
      {
        key: '/samples/a.xml',
        url: 'https://news.example/samples/a.xml',
        name: null,
        policy: 'link',
        fullText: false,
        selector: null,
        remove: [],
        attribution: 'From {source}.',
        searchEngines: null,
        holdNew: false,
        section: null,
        intake: { include: [], exclude: [], maxPerCheck: null, maxAgeDays: null },
        language: null,
      },
    ]);
    assert.equal(config.poll.allowPrivateNetworks, true);
    assert.equal(config.databaseUrl, 'sqlite::memory:');
  });

  it('reads the [websub] section into seconds and milliseconds', () => {
    assert.deepEqual(loadConfig({ dataDir: join(dir, 'none') }, {}).websub, {
      enabled: true,
      leaseSeconds: 7 * 86_400,
      fallbackIntervalMs: 12 * 3_600_000,
    });
    const config = withFile('[websub]\nenabled = false\nlease_days = 0.5\nfallback_interval_minutes = 90\n');
    assert.deepEqual(config.websub, { enabled: false, leaseSeconds: 43_200, fallbackIntervalMs: 5_400_000 });
    rejects('[websub]\nlease_days = 0\n', /websub\.lease_days/);
  });

  it('reads how long cached pages may wait for new entries, in milliseconds', () => {
    assert.equal(loadConfig({ dataDir: join(dir, 'none') }, {}).server.newEntriesDelayMs, 2000);
    assert.equal(withFile('[server]\nnew_entries_delay_seconds = 0\n').server.newEntriesDelayMs, 0);
    assert.equal(withFile('[server]\nnew_entries_delay_seconds = 0.5\n').server.newEntriesDelayMs, 500);
    rejects('[server]\nnew_entries_delay_seconds = -1\n', /server\.new_entries_delay_seconds/);
  });

  it('reads [metrics], the token from the environment first, and refuses a short one', () => {
    assert.deepEqual(withFile('').metrics, { enabled: true, token: null });
    const token = 'from-the-file-0123456789';
    assert.deepEqual(withFile(`[metrics]\nenabled = false\ntoken = "${token}"\n`).metrics, {
      enabled: false,
      token,
    });
    const fromEnv = loadConfig({ dataDir: dir }, { COURTESY_METRICS_TOKEN: 'from-the-environment-0123' });
    assert.equal(fromEnv.metrics.token, 'from-the-environment-0123');
    rejects('[metrics]\ntoken = "short"\n', /metrics\.token must be at least 16 characters/);
    withFile('');
    assert.throws(
      () => loadConfig({ dataDir: dir }, { COURTESY_METRICS_TOKEN: 'short' }),
      /COURTESY_METRICS_TOKEN must be at least 16 characters/,
    );
  });

  it('reads [content] and [full_text], and the scraper rules of a source, checked as CSS', () => {
    const config = withFile(
      [
        '[content]',
        'link_rel = "noopener  nofollow"',
        'embed_hosts = ["Player.Example.org"]',
        '[full_text]',
        'workers = 2',
        'concurrency = 3',
        '[[sources]]',
        'url = "https://a.example/feed.xml"',
        'selector = "article .body"',
        'remove = [".share", "aside"]',
      ].join('\n'),
    );
    assert.deepEqual(config.content, { linkRel: 'noopener nofollow', embedHosts: ['player.example.org'] });
    assert.deepEqual(config.fullText, { workers: 2, concurrency: 3, maxAttempts: 3 });
    assert.equal(config.sources[0]?.fullText, true, 'rules imply full text');
    assert.equal(config.sources[0]?.selector, 'article .body');
    assert.deepEqual(config.sources[0]?.remove, ['.share', 'aside']);
    assert.equal(withFile('').content.embedHosts.includes('www.youtube.com'), true);
  });
  it("reads a source's section, review switch and intake rules", () => {
    const config = withFile(
      [
        '[[sources]]',
        'url = "https://a.example/feed.xml"',
        'section = "  Local   politics "',
        'hold = true',
        'include = ["category:politics", " election* "]',
        'exclude = ["title:quote*"]',
        'max_per_check = 10',
        'max_age_days = 7',
        'language = "fr_ca"',
      ].join('\n'),
    );
    assert.equal(config.sources[0]?.language, 'fr-CA');
    assert.equal(config.sources[0]?.section, 'Local politics');
    assert.equal(config.sources[0]?.holdNew, true);
    assert.deepEqual(config.sources[0]?.intake, {
      include: ['category:politics', 'election*'],
      exclude: ['title:quote*'],
      maxPerCheck: 10,
      maxAgeDays: 7,
    });
  });
  it('refuses an intake rule it cannot read, naming the source and the rule', () => {
    rejects(
      '[[sources]]\nurl = "https://a.example/f"\nexclude = ["ok", "titel:bridge"]\n',
      /sources\[0\]: exclude rule 2 “titel:bridge” names no field “titel:”/,
    );
    rejects('[[sources]]\nurl = "https://a.example/f"\nmax_per_check = 0\n', /sources\.0\.max_per_check/);
    rejects(
      '[[sources]]\nurl = "https://a.example/f"\nlanguage = "English"\n',
      /sources\[0\]\.language “English” is not a language tag/,
    );
  });
  it('refuses a scraper rule that is not CSS, naming the source', () =>
    rejects(
      '[[sources]]\nurl = "https://a.example/f"\nselector = "div["',
      /sources\[0\]: the article selector "div\[" is not a valid CSS selector/,
    ));

  it('names the key of a bad value', () =>
    rejects('[site]\nbase_url = "news.example"\n', /site\.base_url must be an absolute http/));
  it('names an unknown key', () =>
    rejects('[poll]\nintervl_minutes = 5\n', /unknown key poll\.intervl_minutes/));
  it('rejects a bad policy', () =>
    rejects('[[sources]]\nurl = "https://x.example/f"\npolicy = "all"\n', /sources\.0\.policy/));
  it('refuses a source whose address can never be fetched, naming it', () => {
    rejects(
      '[[sources]]\nurl = "https://ok.example/f"\n[[sources]]\nurl = "notaurl"\n',
      /sources\.1\.url must be an absolute http:\/\/ or https:\/\/ URL, or a path on the site/,
    );
    rejects('[[sources]]\nurl = "ftp://files.example/feed"\n', /sources\.0\.url must be an absolute http/);
    rejects('[[sources]]\nurl = "//cdn.example/feed"\n', /sources\.0\.url must be/);
  });
  it('rejects crossed interval bounds', () =>
    rejects(
      '[poll]\nmin_interval_minutes = 100\nmax_interval_minutes = 10\n',
      /poll\.min_interval_minutes \(100\) is more than/,
    ));
  it('rejects invalid TOML with its position', () => rejects('[site\nname = 1', /is not valid TOML/));
  it('rejects a --config file that does not exist', () =>
    assert.throws(() => loadConfig({ config: join(dir, 'missing.toml') }, {}), /does not exist/));

  it('reads the logo’s kind and size from its bytes, and gives it an address that changes with it', () => {
    writeFileSync(
      join(dir, 'logo.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"></svg>',
    );
    const first = withFile('[site]\nlogo = "logo.svg"\n').site.logo;
    assert.deepEqual(
      { type: first?.type, width: first?.width, height: first?.height },
      { type: 'image/svg+xml', width: 120, height: 40 },
    );
    writeFileSync(
      join(dir, 'logo.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 30"></svg>',
    );
    assert.notEqual(withFile('[site]\nlogo = "logo.svg"\n').site.logo?.version, first?.version);
  });

  it('refuses a logo that is missing, not an image, or of no known size', () => {
    rejects('[site]\nlogo = "nowhere.png"\n', /site\.logo: cannot read .*nowhere\.png/);
    writeFileSync(join(dir, 'fake.png'), 'this is text');
    rejects('[site]\nlogo = "fake.png"\n', /site\.logo: .*fake\.png is not an SVG, PNG, WebP or JPEG image/);
    writeFileSync(join(dir, 'sizeless.svg'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    rejects('[site]\nlogo = "sizeless.svg"\n', /does not say how large it is/);
  });

  it('takes accent colours that readers can read, and refuses others with their contrast', () => {
    const { accent } = withFile('[site]\naccent = "#0B5394"\naccent_dark = "#9cf"\n').site;
    assert.deepEqual(accent, { light: '#0b5394', dark: '#99ccff' });
    rejects(
      '[site]\naccent = "#ffcc00"\n',
      /site\.accent #ffcc00 has a contrast of 1\.\d:1 .* at least 4\.5:1 \(choose a darker/,
    );
    rejects('[site]\naccent_dark = "#333"\n', /site\.accent_dark #333 .*choose a lighter/);
    rejects('[site]\naccent = "blue"\n', /site\.accent must be a colour written #rgb or #rrggbb/);
  });

  it('takes menu items that are paths on the site or web addresses', () => {
    const { menu } = withFile(
      '[[site.menu]]\nlabel = "Politics"\nurl = "/tags/politics"\n[[site.menu]]\nlabel = "Our paper"\nurl = "https://paper.example/"\n',
    ).site;
    assert.deepEqual(menu, [
      { label: 'Politics', url: '/tags/politics' },
      { label: 'Our paper', url: 'https://paper.example/' },
    ]);
    rejects(
      '[[site.menu]]\nlabel = "X"\nurl = "javascript:alert(1)"\n',
      /site\.menu\.0\.url must be a path on the site/,
    );
    rejects('[[site.menu]]\nlabel = "X"\nurl = "//evil.example/"\n', /site\.menu\.0\.url must be a path/);
    rejects('[[site.menu]]\nlabel = " "\nurl = "/"\n', /site\.menu\.0\.label must not be empty/);
  });
});
