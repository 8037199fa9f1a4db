import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { loadConfig } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';
import { themeStylesheet } from './theme.js';

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 32"><rect width="96" height="32"/></svg>';

describe('the site’s own logo, colours and menu', () => {
  let dir: string;
  let store: Store;
  let fetcher: Fetcher;
  let app: Hono;
  let home: string;
  const get = (path: string) => app.fetch(new Request(`http://127.0.0.1${path}`));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-theme-'));
    writeFileSync(join(dir, 'logo.svg'), LOGO);
    writeFileSync(
      join(dir, 'courtesy.toml'),
      `[site]
name = "Harbour Digest"
logo = "logo.svg"
accent = "#0b5394"
accent_dark = "#9cf"
[[site.menu]]
label = "Politics"
url = "/tags/politics"
[[site.menu]]
label = "Our paper"
url = "https://paper.example/"
`,
    );
    const config = loadConfig({ dataDir: dir }, {});
    store = await openSqliteStore(':memory:');
    fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const logger = createLogger('silent');
    app = createApp({ store, config, logger, takedowns: new Takedowns({ store, fetcher, config, logger }) });
    home = await (await get('/')).text();
  });

  after(async () => {
    await store.close();
    await fetcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the logo at its own size before the name, and serves it from the site for a year', async () => {
    const img =
      /<a class="site-name" href="\/"><img src="([^"]+)" width="96" height="32" alt=""\/><span>Harbour Digest<\/span><\/a>/.exec(
        home,
      );
    assert.ok(img, 'the logo, sized, with the name as its text');
    const res = await get(img[1]!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await res.text(), LOGO);
  });

  it('links a stylesheet of the site’s colours after its own', async () => {
    const links = [...home.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(links.length, 2);
    assert.match(links[0]!, /^\/static\/site\.css/);
    const css = await (await get(links[1]!)).text();
    assert.match(css, /prefers-color-scheme: light\) \{ :root \{ --accent: #0b5394; \} \}/);
    assert.match(css, /prefers-color-scheme: dark\) \{ :root \{ --accent: #99ccff; \} \}/);
  });

  it('leaves the dark theme its own accent when only the light one is set', () => {
    const config = loadConfig({ dataDir: join(dir, 'none') }, {});
    const css = themeStylesheet({ ...config.site.accent, light: '#0b5394' })?.css ?? '';
    assert.match(css, /@media \(prefers-color-scheme: light\) \{ :root \{ --accent: #0b5394; \} \}/);
    assert.doesNotMatch(css, /dark/, 'nothing for the dark theme');
    assert.doesNotMatch(
      css.replace(/@media[^{]*\{[^}]*\}\s*\}/g, ''),
      /--accent/,
      'no accent outside its scheme',
    );
  });

  it('puts the operator’s menu first, and About and Contact always after it', () => {
    const nav = /<nav aria-label="Main">(.*?)<\/nav>/s.exec(home)?.[1] ?? '';
    const items = [...nav.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[2]} ${m[1]}`);
    assert.deepEqual(items, [
      'Politics /tags/politics',
      'Our paper https://paper.example/',
      'About /about',
      'Contact /takedown',
    ]);
  });

  it('keeps the defaults when nothing is configured: no logo, no extra stylesheet, Latest and Sources', async () => {
    const config = loadConfig({ dataDir: join(dir, 'none') }, {});
    const logger = createLogger('silent');
    const plain = createApp({
      store,
      config,
      logger,
      takedowns: new Takedowns({ store, fetcher, config, logger }),
    });
    const html = await (await plain.fetch(new Request('http://127.0.0.1/'))).text();
    assert.doesNotMatch(html, /<img/);
    assert.equal([...html.matchAll(/rel="stylesheet"/g)].length, 1);
    assert.match(
      html,
      /<a href="\/" aria-current="page">Latest<\/a>.*<a href="\/sources">Sources<\/a>.*<a href="\/about">About<\/a>/s,
    );
    assert.equal((await plain.fetch(new Request('http://127.0.0.1/static/theme.css'))).status, 404);
  });
});
