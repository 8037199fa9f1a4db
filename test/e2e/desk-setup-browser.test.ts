import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { artifactPath, launchBrowser, seriousViolations } from '../support/browser.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { removeSiteFolder, siteFolder } from '../support/engines.js';

/**
 * The first run as a new operator meets it: `courtesy serve` on an empty site prints a setup link,
 * which makes the first administrator from the browser (and nothing else, once there is one).
 */

const PASSWORD = 'a long and careful passphrase';

describe('the first run: the first administrator made from the browser, through the link serve prints', () => {
  let dataDir: string;
  let site: RunningSite;
  let browser: Browser;

  before(async () => {
    dataDir = await siteFolder({ name: 'SQLite', skip: false }, 'courtesy-setup-');
    site = await serve(dataDir);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.stop();
    await removeSiteFolder(dataDir);
  });

  it('prints a setup link while no one can sign in; it makes an administrator, signs in, and is gone', async () => {
    for (let i = 0; i < 50 && !site.stdout().includes('/admin/setup'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const link = /open (http:\/\/\S+\/admin\/setup\?key=[0-9a-f]{32}) to create the first administrator/.exec(
      site.stdout(),
    )?.[1];
    assert.ok(link, site.stdout());
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${site.url}/admin/login`);
    assert.match(
      (await page.textContent('[role=alert]')) ?? '',
      /No one can sign in yet\. Open the setup link/,
    );
    assert.equal((await page.goto(`${site.url}/admin/setup?key=${'0'.repeat(32)}`))?.status(), 403);
    assert.equal((await page.goto(`${site.url}/admin/setup`))?.status(), 403, 'no key, no setup');

    await page.goto(link);
    await page.fill('#field-name', 'ada');
    await page.fill('#field-password', PASSWORD);
    await page.fill('#field-again', 'another careful passphrase');
    await Promise.all([page.waitForEvent('load'), page.click('form[action="/admin/setup"] button')]);
    assert.match((await page.textContent('[role=alert]')) ?? '', /Not created: the two passwords differ/);
    assert.equal(await page.inputValue('#field-name'), 'ada');
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: artifactPath('desk-setup-390-light.png'), fullPage: true });
    await page.fill('#field-password', PASSWORD);
    await page.fill('#field-again', PASSWORD);
    await Promise.all([page.waitForEvent('load'), page.click('form[action="/admin/setup"] button')]);
    assert.equal(new URL(page.url()).pathname, '/admin', 'signed in, on the overview');
    await page.goto(`${site.url}/admin/`);
    assert.equal(
      new URL(page.url()).pathname,
      '/admin',
      'the desk’s address with a trailing slash, as people type it',
    );
    assert.match((await page.textContent('nav[aria-label=Desk]')) ?? '', /ada, administrator/);

    await page.goto(link);
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'once someone can sign in, the link is gone');
    const users = await courtesy(dataDir, ['users', 'list']);
    assert.match(users.stdout, /ada\s+admin/);
    await page.close();
  });
});
