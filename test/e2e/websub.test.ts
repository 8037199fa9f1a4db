import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { freePort, startTestServer, type TestServer } from '../support/http.js';

/**
 * WebSub as an operator meets it: `courtesy serve` polls a feed that names a hub, subscribes, answers
 * the hub's verification, and shows a pushed article on its home page at once, without polling again.
 */

function feed(self: string, hub: string, titles: string[]): string {
  const items = titles
    .map(
      (t, i) =>
        `<item><guid>urn:e2e:${t}</guid><title>${t}</title><link>https://publisher.example/${i}</link>` +
        `<description>About ${t}.</description><pubDate>Wed, 25 Nov 2026 0${i}:00:00 GMT</pubDate></item>`,
    )
    .join('');
  return (
    `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>` +
    `<title>Push Gazette</title><link>https://publisher.example/</link>` +
    `<atom:link rel="self" href="${self}"/><atom:link rel="hub" href="${hub}"/>${items}</channel></rss>`
  );
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
}

for (const engine of ENGINES) {
  describe(`WebSub through the real server, on ${engine.name}`, { skip: engine.skip }, () => {
    let dataDir: string;
    let hub: TestHub;
    let publisher: TestServer;
    let site: RunningSite;
    let polls = 0;

    before(async () => {
      dataDir = await siteFolder(engine, 'courtesy-websub-');
      hub = await startTestHub();
      publisher = await startTestServer((_req, res) => {
        polls++;
        res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(feed(`${publisher.url}/feed.xml`, hub.url, ['Polled story']));
      });
      const port = await freePort();
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        `[site]\nname = "Push Test"\nbase_url = "http://127.0.0.1:${port}"\n[server]\nport = ${port}\n`,
      );
      const added = await courtesy(dataDir, ['sources', 'add', `${publisher.url}/feed.xml`]);
      assert.equal(added.code, 0, added.stderr);
      site = await serve(dataDir, ['--port', String(port)]);
    });

    after(async () => {
      await site.stop();
      await Promise.all([hub.close(), publisher.close()]);
      await removeSiteFolder(dataDir);
    });

    it('subscribes on the first poll, then shows pushed articles at once', async () => {
      await within(10_000, 'the hub verification', hub.verified(1));
      assert.equal(hub.verifications[0]?.echoed, true, 'courtesy echoed the challenge');
      const pollsBefore = polls;

      const topic = `${publisher.url}/feed.xml`;
      const pushed = feed(topic, hub.url, ['Polled story', 'Pushed breaking story']);
      assert.deepEqual(await hub.publish(topic, pushed, 'application/rss+xml'), [204]);

      const home = await (await fetch(`${site.url}/`)).text();
      assert.match(home, /Pushed breaking story/);
      assert.match(home, /Polled story/);
      assert.equal(polls, pollsBefore, 'the pushed article arrived without another poll');

      const forged = feed(topic, hub.url, ['Forged story']);
      assert.deepEqual(await hub.publish(topic, forged, 'application/rss+xml', 'wrong'), [202]);
      assert.doesNotMatch(await (await fetch(`${site.url}/`)).text(), /Forged story/);

      const shown = await courtesy(dataDir, ['sources', 'show', '1']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /push +live \(WebSub hub http:\/\/127\.0\.0\.1:\d+\/\)/);
      assert.match(shown.stdout, /pushes +1 stored, the last .*; 1 ignored/);
      assert.match(
        shown.stdout,
        /because +WebSub push from 127\.0\.0\.1:\d+ is live; polling as a fallback/,
        'the verification moved the next poll back',
      );
      assert.match(
        shown.stdout,
        /last push problem +the push signature does not match the subscription secret/,
      );
    });
  });
}
