import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchBrowser, seriousViolations } from '../support/browser.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesyOk, serve, type RunningSite } from '../support/cli.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

/**
 * Takedown as people meet it, in a real browser against the real `courtesy serve`: an author files a
 * request on the form (and fixes what the form says is wrong), an operator signs in to /admin and
 * grants it, a publisher verifies a site-wide request from its own site, and the author of removed
 * content files a counter-notice that the operator upholds. Every notice arrives by SMTP.
 */

const PASSWORD = 'a long and careful passphrase';
/** A time of today's: the articles are the news of the day whenever the test runs. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toUTCString();

for (const engine of ENGINES) {
  describe(
    `takedown in the browser: the form, the admin area, self-service and counter-notices, on ${engine.name}`,
    { skip: engine.skip },
    () => {
      let dataDir: string;
      let publisher: TestServer;
      let smtp: TestSmtp;
      let site: RunningSite;
      let browser: Browser;
      let wellKnown: string | null = null;
      const items: Array<{ guid: string; title: string; path: string; author: string }> = [
        { guid: 'a1', title: 'Ada on engines', path: '/ada-engines', author: 'Ada Lovelace' },
        { guid: 'a2', title: 'Ada on notes', path: '/ada-notes', author: 'Ada Lovelace' },
        { guid: 'b1', title: 'Bob on bridges', path: '/bob-bridges', author: 'Bob Smith' },
      ];
      const run = (args: string[], input?: string) => courtesyOk(dataDir, args, input);
      const home = async () => (await fetch(`${site.url}/`)).text();
      /** The text of Ada's first article: long enough to be known by its words. */
      const engineText = [
        'The analytical engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.',
        'It might act upon other things besides number, were objects found whose mutual relations could be expressed.',
        'Supposing the fundamental relations of pitched sounds in the science of harmony were so expressed and adapted,',
        'the engine might compose elaborate and scientific pieces of music of any degree of complexity or extent.',
      ];
      /** Clicks a link or sends a form, and waits until the next page has loaded (its address may be the same). */
      const submit = async (page: Page, selector: string) => {
        await Promise.all([page.waitForEvent('load'), page.click(selector)]);
      };
      /** Saves a screenshot for people to look at, and checks the page with axe-core on the way. */
      const shot = async (page: Page, name: string) => {
        await page.screenshot({ path: artifactPath(name), fullPage: true });
        assert.deepEqual(
          await seriousViolations(page),
          [],
          `${name}: no serious or critical accessibility violations`,
        );
      };

      before(async () => {
        dataDir = await siteFolder(engine, 'courtesy-browser-');
        smtp = await startTestSmtp();
        publisher = await startTestServer((req, res) => {
          if (req.url === '/.well-known/courtesy-takedown.txt' && wellKnown) {
            res.writeHead(200, { 'content-type': 'text/plain' }).end(`${wellKnown}\n`);
            return;
          }
          const base = `http://${req.headers.host}`;
          if (req.url === '/planet.xml') {
            // An aggregator on another feed carries a copy of Ada's text, under its own address and byline.
            res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
              '<?xml version="1.0"?><rss version="2.0"><channel><title>Planet Digest</title>' +
                // An hour after Ada's: the text is hers, and her article leads the story they make.
                `<link>${base}/planet/</link><item><guid>p1</guid><title>Engines, as the planet tells it</title>` +
                `<pubDate>${hoursAgo(1)}</pubDate>` +
                `<link>${base}/planet/engines-copy</link><author>desk@planet.example (Planet staff)</author>` +
                `<description><![CDATA[<p>Planet Digest | Home</p>${engineText.map((t) => `<p>${t}</p>`).join('')}]]></description>` +
                '</item></channel></rss>',
            );
            return;
          }
          if (req.url !== '/feed.xml') {
            res.writeHead(404).end();
            return;
          }
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(
              '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' +
                `<title>Rights Daily</title><link>${base}/</link>` +
                items
                  .map(
                    (i) =>
                      `<item><guid>${i.guid}</guid><title>${i.title}</title><link>${base}${i.path}</link><pubDate>${hoursAgo(2)}</pubDate>` +
                      `<dc:creator>${i.author}</dc:creator><description>${i.guid === 'a1' ? engineText.map((t) => `&lt;p&gt;${t}&lt;/p&gt;`).join('') : `Text of ${i.title}.`}</description></item>`,
                  )
                  .join('') +
                '</channel></rss>',
            );
        });
        const port = await freePort();
        writeFileSync(
          join(dataDir, 'courtesy.toml'),
          [
            '[site]',
            'name = "Rights Test"',
            `base_url = "http://127.0.0.1:${port}"`,
            'contact_email = "editor@rights-test.example"',
            '[server]',
            `port = ${port}`,
            '[smtp]',
            'host = "127.0.0.1"',
            `port = ${smtp.port}`,
            '',
          ].join('\n'),
        );
        await run(['sources', 'add', `${publisher.url}/feed.xml`]);
        await run(['sources', 'add', `${publisher.url}/planet.xml`]);
        await run(['poll', '--once']);
        await run(['users', 'add', 'editor', '--password-stdin'], `${PASSWORD}\n`);
        site = await serve(dataDir, ['--no-poll', '--port', String(port)]);
        browser = await launchBrowser();
      });

      after(async () => {
        await browser?.close();
        await site?.stop();
        await publisher?.close();
        await smtp?.close();
        await removeSiteFolder(dataDir);
      });

      let statusUrl = '';
      let reference = '';

      it('files a request from an article: errors keep the form filled, success gives a reference and a status page', async () => {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        await page.goto(`${site.url}/`);
        await page.click('text=Ada on engines');
        await page.click('.attribution >> text=takedown page');
        assert.equal(
          await page.inputValue('#field-urls'),
          `${publisher.url}/ada-engines`,
          'the form starts with the article’s original address',
        );
        await shot(page, 'takedown-form-desktop.png');

        await page.fill('#field-name', 'Ada Lovelace');
        await page.fill('#field-email', 'ada@not-an-address');
        await page.fill('#field-message', '<script>alert("x")</script> Please remove my article.');
        await page.click('text=Send the request');
        assert.equal(await page.textContent('#error-summary-title'), 'There are 4 problems');
        assert.match(
          (await page.textContent('#field-email-error')) ?? '',
          /does not look like an email address/,
        );
        assert.equal(await page.inputValue('#field-name'), 'Ada Lovelace', 'what was typed is kept');
        assert.equal(
          await page.inputValue('#field-message'),
          '<script>alert("x")</script> Please remove my article.',
          'and shown as text, never as markup',
        );
        await shot(page, 'takedown-form-errors.png');
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot(page, 'takedown-form-errors-dark.png');
        await page.emulateMedia({ colorScheme: 'light' });

        await page.fill('#field-email', 'ada@rights.example');
        await page.check('#field-capacity-author');
        await page.check('#field-good_faith');
        await page.check('#field-accurate');
        await page.check('#field-authorized');
        await page.fill('#field-signature', 'Ada Lovelace');
        await page.click('text=Send the request');
        await page.waitForURL(/\/takedown\/status\/[A-Za-z0-9_-]{43}\?new=1$/);
        statusUrl = page.url().replace(/\?new=1$/, '');
        reference = ((await page.textContent('h1')) ?? '').replace('Takedown request ', '');
        assert.match(reference, /^TD-[0-9A-Z]{8}$/);
        assert.match((await page.textContent('.state')) ?? '', /awaiting a decision/);
        await shot(page, 'takedown-status.png');
        await page.close();

        const mails = await smtp.waitFor(2);
        const receipt = mails.find((m) => m.to.includes('ada@rights.example'));
        assert.ok(receipt?.text.includes(statusUrl), 'the receipt carries the status link');
        const operator = mails.find((m) => m.to.includes('editor@rights-test.example'));
        assert.match(operator?.subject ?? '', new RegExp(`New takedown request ${reference}`));
      });

      it('refuses a form posted from another site, and one without its token', async () => {
        const forged = await fetch(`${site.url}/takedown`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
          body: 'name=x',
        });
        assert.equal(forged.status, 403);
        const tokenless = await fetch(`${site.url}/takedown`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site.url },
          body: 'name=x',
        });
        assert.equal(tokenless.status, 400);
        assert.match(await tokenless.text(), /has to be sent again/);
      });

      it('lets an operator sign in, review what the request removes, and grant it', async () => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${site.url}/admin`);
        assert.match(page.url(), /\/admin\/login\?next=%2Fadmin$/);
        await page.fill('#field-name', 'editor');
        await page.fill('#field-password', 'not the password');
        await submit(page, 'form.login button[type=submit]');
        assert.match((await page.textContent('.error-summary')) ?? '', /name or the password is wrong/);
        await page.fill('#field-password', PASSWORD);
        await submit(page, 'form.login button[type=submit]');
        await page.waitForURL(`${site.url}/admin`);
        await submit(page, 'nav[aria-label=Desk] >> text=Takedowns');
        const cookie = (await page.context().cookies()).find((c) => c.name === 'courtesy_session');
        assert.ok(
          cookie?.httpOnly && cookie.sameSite === 'Strict',
          'the session cookie is HttpOnly and SameSite=Strict',
        );

        // The planet's copy is one story with Ada's article: her card names both sources, and the
        // planet's page lists its copy.
        assert.match(await home(), /aria-label="Carried by 2 sources: Rights Daily, Planet Digest"/);
        assert.match(await (await fetch(`${site.url}/sources/2`)).text(), /Engines, as the planet tells it/);
        await submit(page, `text=${reference}`);
        assert.match(
          (await page.textContent('main')) ?? '',
          /2 stored articles match and will be removed at once \(1 of them is a copy of their text under another address, byline or source\)/,
        );
        assert.ok(await page.isVisible('.matched >> text=Ada on engines'));
        assert.ok(await page.isVisible('.matched >> text=Engines, as the planet tells it'));
        assert.equal(
          await page.textContent('.message'),
          '<script>alert("x")</script> Please remove my article.',
          'the requester’s words are text here too',
        );
        await shot(page, 'admin-request.png');
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot(page, 'admin-request-dark.png');
        await page.setViewportSize({ width: 390, height: 844 });
        await shot(page, 'admin-request-phone-dark.png');
        await page.emulateMedia({ colorScheme: 'light' });
        await shot(page, 'admin-request-phone.png');
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.fill('#grant-reason', 'The author asked.');
        await submit(page, 'text=Grant and remove now');
        assert.match((await page.textContent('[role=status]')) ?? '', /Granted/);
        assert.equal(
          ((await page.textContent('td[data-label=Removed]')) ?? '').trim(),
          '2',
          'the rules made for it say how many articles each removed, the copy included',
        );
        await shot(page, 'admin-rules.png');
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot(page, 'admin-rules-dark.png');
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 390, height: 844 });
        await shot(page, 'admin-rules-phone.png');
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot(page, 'admin-rules-phone-dark.png');
        await page.close();

        assert.doesNotMatch(await home(), /Ada on engines|Engines, as the planet tells it/);
        assert.match(await home(), /Ada on notes/);
        const status = await (await fetch(statusUrl)).text();
        assert.match(status, /Granted: the content has been removed/);
        const decision = await smtp.waitForMail((m) => m.subject.includes(`${reference} granted`));
        assert.match(decision.text, /Removed now: 2 articles/);
      });

      it('refuses admin changes without the session’s token, and locks an account after repeated failures', async () => {
        const refused = await fetch(`${site.url}/admin/rules/1/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site.url },
          body: 'reason=x',
          redirect: 'manual',
        });
        assert.equal(refused.status, 401, 'no session');

        await run(['users', 'add', 'victim', '--password-stdin'], `${PASSWORD}\n`);
        const page = await browser.newPage();
        const attempt = async (password: string) => {
          await page.goto(`${site.url}/admin/login`);
          await page.fill('#field-name', 'victim');
          await page.fill('#field-password', password);
          await submit(page, 'form.login button[type=submit]');
          return (await page.textContent('main')) ?? '';
        };
        for (let i = 0; i < 4; i++) assert.match(await attempt('wrong guess number ' + i), /wrong/);
        assert.match(await attempt('wrong guess number 5'), /locked for 15 minutes/);
        assert.match(await attempt(PASSWORD), /locked until/, 'even the right password waits');
        await page.close();
      });

      it('grants a site-wide request when the publisher serves its token', async () => {
        const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
        await page.goto(`${site.url}/takedown`);
        await page.fill('#field-name', 'Rights Daily Desk');
        await page.fill('#field-email', 'desk@rights.example');
        await page.check('#field-capacity-publisher');
        await page.check('#field-scope-site');
        await page.fill('#field-urls', `${publisher.url}/bob-bridges`);
        await page.check('#field-good_faith');
        await page.check('#field-accurate');
        await page.check('#field-authorized');
        await page.fill('#field-signature', 'Rights Daily Desk');
        await shot(page, 'takedown-form-phone.png');
        await page.click('text=Send the request');
        await page.waitForURL(/\/takedown\/status\//);
        const token = ((await page.textContent('code.token')) ?? '').trim();
        assert.match(token, /^courtesy-verify-/);

        await submit(page, 'text=Check now');
        assert.match((await page.textContent('[role=status]')) ?? '', /Not verified/);
        wellKnown = token;
        await new Promise((r) => setTimeout(r, 10_000)); // the status page allows one check per 10 s
        await submit(page, 'text=Check now');
        assert.match((await page.textContent('[role=status]')) ?? '', /Verified: .* The request is granted/);
        await shot(page, 'takedown-verified-phone.png');
        await page.close();

        assert.doesNotMatch(await home(), /Bob on bridges|Ada on notes/);
        const sources = await run(['sources', 'list']);
        assert.match(sources, /paused/, 'the site’s source is paused');
      });

      it('takes a counter-notice from the removal notice, and the operator upholds it', async () => {
        const log = await run(['takedown', 'log']);
        assert.match(log, new RegExp(`request.granted +${reference}`));
        // The first article stored was the one removed on the author's request.
        const gone = await fetch(`${site.url}/articles/1/x`);
        assert.equal(gone.status, 410);
        const page = await browser.newPage();
        await page.goto(`${site.url}/articles/1/x`);
        await page.click('text=file a counter-notice');
        assert.equal(await page.inputValue('#field-reference'), reference);
        await page.fill('#field-name', 'Ada Lovelace');
        await page.fill('#field-email', 'ada@rights.example');
        await page.fill('#field-address', '12 St James’s Square\nLondon');
        await page.fill('#field-explanation', 'I changed my mind: I licensed it.');
        await page.check('#field-mistake');
        await page.check('#field-jurisdiction');
        await page.fill('#field-signature', 'Ada Lovelace');
        await page.click('text=Send the counter-notice');
        await page.waitForURL(/\/takedown\/counter-notice\/status\//);
        const counterRef = ((await page.textContent('h1')) ?? '').replace('Counter-notice ', '');

        await page.goto(`${site.url}/admin/login`);
        await page.fill('#field-name', 'editor');
        await page.fill('#field-password', PASSWORD);
        await submit(page, 'form.login button[type=submit]');
        await submit(page, 'nav[aria-label=Desk] >> text=Takedowns');
        await submit(page, `text=${counterRef}`);
        await page.fill(`textarea[name=reason] >> nth=-1`, 'A licence was shown.');
        await submit(page, 'text=Uphold: revoke the rules');
        assert.match((await page.textContent('[role=status]')) ?? '', /Counter-notice upheld/);
        await page.close();
        assert.match(await run(['takedown', 'rules', '--all']), /counter-notice .* upheld/);
        const upheld = await smtp.waitForMail((m) =>
          m.subject.includes(`Counter-notice ${counterRef} upheld`),
        );
        assert.deepEqual(upheld.to, ['ada@rights.example']);
        const copy = await smtp.waitForMail((m) =>
          m.subject.includes(`Decision on the counter-notice against ${reference}`),
        );
        assert.match(copy.text, /was upheld/);
      });

      it('lets an operator revoke a rule with a reason, and shows it in the audit log', async () => {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        await page.goto(`${site.url}/admin/login`);
        await page.fill('#field-name', 'editor');
        await page.fill('#field-password', PASSWORD);
        await submit(page, 'form.login button[type=submit]');
        await submit(page, 'nav[aria-label=Desk] >> text=Takedowns');
        await submit(page, 'nav[aria-label=Takedowns] >> text=Rules');
        const form = page.locator('form.inline').first();
        const action = (await form.getAttribute('action')) ?? '';
        const id = /\/admin\/rules\/(\d+)\/revoke/.exec(action)?.[1];
        assert.ok(id, 'a rule in force can be revoked');
        await form.locator('input[name=reason]').fill('Granted by mistake: wrong site.');
        await form.locator('button').click();
        assert.match((await page.textContent('[role=status]')) ?? '', /Rule revoked/);
        await submit(page, 'nav[aria-label=Takedowns] >> text=Audit log');
        assert.match(
          (await page.textContent('main')) ?? '',
          new RegExp(`rule ${id}: .*reason: Granted by mistake`),
        );
        await shot(page, 'admin-audit-log.png');
        await page.close();
        assert.doesNotMatch(await run(['takedown', 'rules']), new RegExp(`^${id} `, 'm'));
      });

      it('shows notices the mail server refused in the outbox, and sends them on a retry', async () => {
        smtp.refuse = true;
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        await page.goto(`${site.url}/takedown`);
        await page.fill('#field-name', 'Grace Hopper');
        await page.fill('#field-email', 'grace@rights.example');
        await page.check('#field-capacity-author');
        await page.check('#field-scope-article');
        await page.fill('#field-urls', `${publisher.url}/ada-notes`);
        await page.check('#field-good_faith');
        await page.check('#field-accurate');
        await page.check('#field-authorized');
        await page.fill('#field-signature', 'Grace Hopper');
        await submit(page, 'text=Send the request');
        assert.match(page.url(), /\/takedown\/status\//, (await page.textContent('main')) ?? '');

        await page.goto(`${site.url}/admin/login`);
        await page.fill('#field-name', 'editor');
        await page.fill('#field-password', PASSWORD);
        await submit(page, 'form.login button[type=submit]');
        await submit(page, 'nav[aria-label=Desk] >> text=Takedowns');
        await submit(page, 'nav[aria-label=Takedowns] >> text=Outbox');
        // The sender tries each notice at once; the refusal is recorded a moment later.
        for (let i = 0; i < 50 && !/failing/.test((await page.textContent('main table')) ?? ''); i++) {
          await new Promise((r) => setTimeout(r, 100));
          await page.reload();
        }
        const table = (await page.textContent('main table')) ?? '';
        // A minute after the refusal: "in 59 s", or "in 1 min" when the page is read within half a second.
        assert.match(table, /failing\s*1 try so far; next in (\d+ s|1 min)\.?.*try again later/s);
        assert.match(table, /grace@rights\.example/);
        assert.match(
          (await page.textContent('main [role=status]')) ?? '',
          /Sent through 127\.0\.0\.1:\d+\. 2 notices unsent: 0 waiting, 2 failing, 0 given up\./,
        );
        await shot(page, 'admin-outbox.png');

        await submit(page, 'main table a >> nth=0');
        assert.match((await page.textContent('pre.notice-text')) ?? '', /Reference: TD-|TD-[0-9A-Z]{8}/);
        await page.goBack();

        smtp.refuse = false;
        const received = smtp.mails.length;
        for (const box of await page.locator('main table input[type=checkbox]').all()) await box.check();
        await submit(page, 'button[value=retry]');
        assert.match((await page.textContent('[role=status]')) ?? '', /2 notices will be tried again now/);
        await smtp.waitFor(received + 2);
        assert.ok(smtp.mails.slice(received).some((m) => m.to.includes('grace@rights.example')));
        await page.goto(`${site.url}/admin/outbox`);
        assert.match((await page.textContent('main')) ?? '', /Nothing waits\./);
        await submit(page, 'a[href="/admin/outbox?show=sent"]');
        assert.match(
          (await page.textContent('main table')) ?? '',
          /grace@rights\.example\s*\d+ s ago\s*sent/,
        );
        await submit(page, 'nav[aria-label=Takedowns] >> text=Audit log');
        assert.match((await page.textContent('main')) ?? '', /retry-notices/);
        await page.close();
      });
    },
  );
}
