import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { loadConfig, type Config } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';

const SITE = 'https://mirror.example';

describe('the takedown form’s hourly limit', () => {
  let store: Store;
  let app: Hono;

  before(async () => {
    store = await openSqliteStore(':memory:');
    const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
    const defaults = loadConfig({ dataDir: '/nonexistent' }, {});
    const config: Config = {
      ...defaults,
      site: { ...defaults.site, baseUrl: SITE },
      takedown: { ...defaults.takedown, requestsPerHour: 2 },
    };
    const logger = createLogger('silent');
    app = createApp({ store, config, logger, takedowns: new Takedowns({ store, fetcher, config, logger }) });
  });
  after(() => store.close());

  /** Sends the form as a browser would: its cookie and token, from the site's own origin. */
  const send = async (fields: Record<string, string>) => {
    const form = await app.fetch(new Request(`${SITE}/takedown`));
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const res = await app.fetch(
      new Request(`${SITE}/takedown`, {
        method: 'POST',
        headers: { origin: SITE, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrf,
          name: 'Bob Smith',
          email: 'bob@rights.example',
          capacity: 'author',
          scope: 'article',
          urls: 'https://rights.example/bob-bridges',
          good_faith: 'yes',
          accurate: 'yes',
          authorized: 'yes',
          signature: 'Bob Smith',
          ...fields,
        }),
      }),
    );
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
  };

  it('counts only the requests it takes, and keeps what was typed when it refuses one', async () => {
    for (let i = 0; i < 3; i++) {
      const corrected = await send({ signature: '' });
      assert.equal(corrected.status, 400, 'a form to correct is shown again');
    }
    assert.equal((await send({})).status, 303, 'three mistakes did not use up the limit');
    assert.equal((await send({ urls: 'https://rights.example/bob-tunnels' })).status, 303);
    const refused = await send({ urls: 'https://rights.example/bob-ferries' });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.retryAfter) > 0, 'Retry-After says when');
    assert.match(
      refused.body,
      /sent several forms in the last hour\. Please send this one again in \d+ minutes?: what you typed is kept below\./,
    );
    assert.match(
      refused.body,
      /https:\/\/rights\.example\/bob-ferries/,
      'the addresses typed are in the form',
    );
    assert.match(refused.body, /value="bob@rights\.example"/);
  });

  it('shows a counter-notice to correct again, even at the limit, and counts none of it', async () => {
    const form = await app.fetch(new Request(`${SITE}/takedown/counter-notice`));
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    for (let i = 0; i < 3; i++) {
      const res = await app.fetch(
        new Request(`${SITE}/takedown/counter-notice`, {
          method: 'POST',
          headers: { origin: SITE, cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf, reference: 'TD-NOTAREF', name: 'Carol' }),
        }),
      );
      assert.equal(res.status, 400, `mistake ${i + 1}: shown again to correct, not refused`);
    }
  });

  it('answers a post far larger than the form with a page of the site that says what to do', async () => {
    const sent = await send({ explanation: 'x'.repeat(1024 * 1024) });
    assert.equal(sent.status, 413);
    assert.match(sent.body, /<h1>This form was too large to accept<\/h1>/);
    assert.match(sent.body, /64 KB at most/);
    assert.match(sent.body, /<nav aria-label="Main">/, 'in the site’s own frame');
  });
});
