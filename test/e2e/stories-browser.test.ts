import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, fitsTheScreen, launchBrowser, seriousViolations } from '../support/browser.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesyOk, serve, type RunningSite } from '../support/cli.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';

/**
 * One story carried by three sources, as a reader and an operator meet it against the real
 * `courtesy poll` and `courtesy serve`: a wire service's article, a newspaper's copy of it under
 * its own template (cut, with a note), and a planet that links to the wire's page. The home page
 * shows the story once, naming its sources; the article page lists each with its own link; the
 * operator splits a copy off and merges it back from the command line, and again on the desk.
 */

const FERRY = [
  'The harbour authority said on Monday that the night ferry to the islands will stop running from the first of November.',
  'Fewer than forty passengers a night used the service last winter, and the old vessel needs repairs that would cost more than it earns.',
  'Islanders who work late shifts on the mainland said they would have no way home, and called on the regional council to step in.',
  'The authority said it would talk to the council about a smaller boat, but could promise nothing before the spring timetable.',
  'A day ferry will keep running every two hours, and the first crossing will leave half an hour earlier to make up for the change.',
];
const LIBRARY = [
  'The county library will open on Sundays from next month, after a survey found that most of its readers work on Saturdays.',
  'Volunteers from the reading club will staff the desk in the afternoons, and the children’s corner will hold a story hour at noon.',
  'The librarian said the change costs nothing extra, because the weekday hours of the quietest mornings move to the weekend.',
];
/** A time this morning: the stories are today's news whenever the test runs. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toUTCString();
const PASSWORD = 'a passphrase for the desk';
const paragraphs = (texts: readonly string[]) => texts.map((t) => `<p>${t}</p>`).join('');

function rss(
  title: string,
  base: string,
  items: ReadonlyArray<{ guid: string; title: string; link: string; date: string; html: string }>,
): string {
  return (
    `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>${base}/</link>` +
    items
      .map(
        (i) =>
          `<item><guid>${i.guid}</guid><title>${i.title}</title><link>${i.link}</link><pubDate>${i.date}</pubDate>` +
          `<description><![CDATA[${i.html}]]></description></item>`,
      )
      .join('') +
    '</channel></rss>'
  );
}

for (const engine of ENGINES) {
  describe(
    `one story from three sources, in the browser and the CLI, on ${engine.name}`,
    { skip: engine.skip },
    () => {
      let dataDir: string;
      let publishers: TestServer;
      let site: RunningSite;
      let browser: Browser;
      const run = (args: string[], input?: string) => courtesyOk(dataDir, args, input);
      const shot = async (page: Page, name: string) => {
        await page.screenshot({ path: artifactPath(name), fullPage: true });
        assert.deepEqual(
          await seriousViolations(page),
          [],
          `${name}: no serious or critical accessibility violations`,
        );
      };

      before(async () => {
        dataDir = await siteFolder(engine, 'courtesy-stories-');
        publishers = await startTestServer((req, res) => {
          const base = `http://${req.headers.host}`;
          const feeds: Record<string, string> = {
            '/wire.xml': rss('Island Wire', base, [
              {
                guid: 'w1',
                title: 'Night ferry to the islands to stop in November',
                link: `${base}/wire/night-ferry`,
                date: hoursAgo(4),
                html: paragraphs(FERRY),
              },
            ]),
            '/gazette.xml': rss('Harbour Gazette', base, [
              {
                guid: 'g1',
                title: 'Islands lose their night ferry',
                link: `${base}/gazette/islands-lose-night-ferry`,
                date: hoursAgo(2.5),
                html:
                  '<p>Harbour Gazette | News | Islands | Weather</p>' +
                  paragraphs(FERRY.slice(0, 4)) +
                  '<p>This story was supplied by Island Wire and edited by the Gazette.</p>',
              },
              {
                guid: 'g2',
                title: 'Library to open on Sundays',
                link: `${base}/gazette/library-sundays`,
                date: hoursAgo(2),
                html: paragraphs(LIBRARY),
              },
            ]),
            '/planet.xml': rss('Islands Planet', base, [
              {
                guid: 'p1',
                title: 'Night ferry to stop',
                link: `${base}/wire/night-ferry?utm_source=planet`,
                date: hoursAgo(1),
                html: '<p>The wire reports the end of the night ferry.</p>',
              },
            ]),
          };
          const body = feeds[req.url ?? ''];
          if (!body) return void res.writeHead(404).end();
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
        });
        const port = await freePort();
        writeFileSync(
          join(dataDir, 'courtesy.toml'),
          [
            '[site]',
            'name = "Islands Today"',
            `base_url = "http://127.0.0.1:${port}"`,
            '[server]',
            `port = ${port}`,
            '',
          ].join('\n'),
        );
        await run(['users', 'add', 'ana', '--password-stdin'], `${PASSWORD}\n`);
        for (const feed of ['wire', 'gazette', 'planet'])
          await run(['sources', 'add', `${publishers.url}/${feed}.xml`]);
        await run(['poll', '--once']);
        site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
        browser = await launchBrowser();
      });

      after(async () => {
        await browser?.close();
        await site?.stop();
        await publishers?.close();
        await removeSiteFolder(dataDir);
      });

      it('shows the story once on the home page, naming its three sources, and each source on its page', async () => {
        for (const [width, theme] of [
          [1280, 'light'],
          [390, 'dark'],
          [1280, 'dark'],
          [390, 'light'],
        ] as const) {
          const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: theme });
          await page.goto(`${site.url}/`);
          const titles = await page.locator('.card h2').allTextContents();
          assert.deepEqual(titles.sort(), [
            'Library to open on Sundays',
            'Night ferry to the islands to stop in November',
          ]);
          assert.equal(
            await page.getAttribute('a.story-sources', 'aria-label'),
            'Carried by 3 sources: Island Wire, Harbour Gazette, Islands Planet',
          );
          assert.ok(await fitsTheScreen(page));
          await shot(page, `stories-home-${width}-${theme}.png`);

          await page.click('a.story-sources');
          assert.equal(await page.textContent('#carriers-title'), 'Also carried by 2 sources');
          const lines = await page.locator('#carriers li').allTextContents();
          assert.match(
            lines[0]!,
            /^Island Wire \(first published\) · this page · the original at 127\.0\.0\.1/,
          );
          assert.match(lines[1]!, /^Harbour Gazette · its copy here · the original/);
          assert.match(lines[2]!, /^Islands Planet · its copy here/);
          assert.ok(await fitsTheScreen(page));
          await shot(page, `stories-article-${width}-${theme}.png`);

          // The gazette's copy keeps its own page, attribution and original; it names the story's first.
          await page.click('#carriers li:nth-child(2) >> text=its copy here');
          assert.equal(await page.textContent('h1'), 'Islands lose their night ferry');
          assert.equal(await page.textContent('#carriers-title'), 'This story is carried by 3 sources');
          assert.match((await page.textContent('.attribution')) ?? '', /Harbour Gazette/);
          await page.close();
        }
        // A source's own page keeps all of its articles; the site's feed carries the story once.
        const feed = await (await fetch(`${site.url}/feed.xml`)).text();
        assert.equal(feed.match(/<item>/g)?.length, 2);
      });

      it('shows the story on the desk, with why each copy joined; splits one off and merges it back there', async () => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const submit = (selector: string) => Promise.all([page.waitForEvent('load'), page.click(selector)]);
        await page.goto(`${site.url}/admin/login`);
        await page.fill('#field-name', 'ana');
        await page.fill('#field-password', PASSWORD);
        await submit('form.login button[type=submit]');
        await page.goto(`${site.url}/admin/articles`);
        await submit('a[href="/admin/stories"]');
        const rows = await page.locator('table.desk-table tbody tr').allTextContents();
        assert.equal(rows.length, 1, 'one story: the library article is alone');
        assert.match(
          rows[0]!,
          /Night ferry to the islands to stop in November.*3.*Island Wire, Harbour Gazette, Islands Planet/,
        );
        for (const [width, theme] of [
          [1280, 'light'],
          [390, 'dark'],
        ] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme: theme });
          assert.ok(await fitsTheScreen(page));
          await shot(page, `stories-desk-list-${width}-${theme}.png`);
        }

        await submit('table.desk-table tbody a');
        const copies = page.locator('table.desk-table tbody tr');
        assert.equal(await copies.count(), 3);
        assert.match((await copies.nth(0).textContent()) ?? '', /Island Wire.*first published.*on the site/);
        assert.match(
          (await copies.nth(1).textContent()) ?? '',
          /Harbour Gazette.*(% of the text in common with entry|began the story)/,
        );
        assert.match(
          (await copies.nth(2).textContent()) ?? '',
          /Islands Planet.*(same address|began the story)/,
        );
        for (const [width, theme] of [
          [390, 'light'],
          [1280, 'dark'],
        ] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme: theme });
          assert.ok(await fitsTheScreen(page));
          await shot(page, `stories-desk-story-${width}-${theme}.png`);
        }
        const storyPath = new URL(page.url()).pathname;
        const gazetteHref = (await copies.nth(1).locator('a[href^="/articles/"]').getAttribute('href'))!;

        // Split off: listed on its own on the site at once, and said so on its own desk page.
        await copies.nth(1).locator('input[type=checkbox]').check();
        await submit('button:has-text("Split off for good")');
        assert.match((await page.textContent('[role=status]')) ?? '', /Split 1 copy off/);
        assert.equal(await page.locator('table.desk-table tbody tr').count(), 2);
        const home = await (await fetch(`${site.url}/`)).text();
        assert.equal(home.match(/<article class="card/g)?.length, 3);

        // Merged back by its address on the site, as an operator pastes it.
        await page.fill('#merge-article', `${site.url}${gazetteHref}`);
        await submit('button:has-text("Merge")');
        assert.equal(new URL(page.url()).pathname, storyPath);
        assert.match((await page.textContent('[role=status]')) ?? '', /1 article joined this story/);
        assert.equal(await page.locator('table.desk-table tbody tr').count(), 3);
        assert.match(
          (await page.locator('table.desk-table tbody tr').nth(1).textContent()) ?? '',
          /merged by ana/,
        );
        assert.equal((await (await fetch(`${site.url}/`)).text()).match(/<article class="card/g)?.length, 2);

        // Nonsense in the merge field is refused with the reason, nothing changed.
        await page.fill('#merge-article', 'the ferry one');
        await submit('button:has-text("Merge")');
        assert.match((await page.textContent('[role=alert]')) ?? '', /number of an article, or its address/);
        await page.goto(`${site.url}/admin/log`);
        assert.match((await page.textContent('main')) ?? '', /merge-story/);
        await page.close();
      });

      it('splits a copy off and merges it back from the command line, and the pages follow', async () => {
        const home = async () =>
          (await (await fetch(`${site.url}/`)).text()).match(/<article class="card/g)?.length;
        const wireId = Number(
          /\/articles\/(\d+)\/night-ferry/.exec(await (await fetch(`${site.url}/`)).text())![1],
        );
        const shown = await run(['stories', 'show', String(wireId)]);
        assert.match(shown, /first published/);
        assert.match(
          shown,
          /% of the text in common with entry|merged by ana with entry|Harbour Gazette\s+\S+\s+yes\s+-/,
        );
        assert.match(shown, /same address \(127\.0\.0\.1:\d+\/wire\/night-ferry\)/);
        const gazetteId = Number(/^(\d+)\s+Harbour Gazette/m.exec(shown)![1]);

        assert.match(await run(['stories', 'split', String(gazetteId)]), /split off its story/);
        assert.equal(await home(), 3, 'the gazette’s copy is listed on its own');
        assert.match(
          await run(['stories', 'merge', String(gazetteId), String(wireId)]),
          /merged into story \d+, now 3 copies/,
        );
        assert.equal(await home(), 2);
        assert.match(await run(['takedown', 'log']), /merge-story/);
      });
    },
  );
}
