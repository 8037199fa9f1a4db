import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { createLogger } from '../log/logger.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { Takedowns } from '../takedown/service.js';
import { createApp } from './app.js';

/** The site over `store`, and a function that asks it for a path. */
function site(store: Store) {
  const config = loadConfig({ dataDir: '/nonexistent' }, {});
  const logger = createLogger('silent');
  const fetcher = new Fetcher({ userAgent: 'courtesy-test' });
  const app = createApp({
    store,
    config,
    logger,
    takedowns: new Takedowns({ store, fetcher, config, logger }),
  });
  return async (path: string) => {
    const res = await app.fetch(new Request(`http://127.0.0.1${path}`));
    return { status: res.status, body: await res.text(), cache: res.headers.get('cache-control') };
  };
}

describe('health checks', () => {
  it('say the process is alive, and ready while its database answers', async () => {
    const store = await openSqliteStore(':memory:');
    const get = site(store);
    assert.deepEqual(await get('/healthz'), { status: 200, body: 'ok\n', cache: 'no-store' });
    assert.deepEqual(await get('/readyz'), { status: 200, body: 'ready\n', cache: 'no-store' });
    await store.close();
    const closed = await get('/readyz');
    assert.equal(closed.status, 503);
    assert.match(closed.body, /^not ready: the database failed: /);
    assert.equal((await get('/healthz')).status, 200, 'alive all the same');
  });

  it('are not ready when the database does not answer in time', async () => {
    const store = await openSqliteStore(':memory:');
    const stalled: Store = Object.assign(Object.create(store) as Store, {
      lastPageChange: () => new Promise<number>(() => {}),
    });
    const res = await site(stalled)('/readyz');
    assert.equal(res.status, 503);
    assert.match(res.body, /did not answer within 2000 ms/);
    await store.close();
  });

  it('are not ready when sources have been due a long while and no check has ended meanwhile', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const get = site(store);
      const now = Date.now();
      const source = await store.sources.add({ feedUrl: 'https://due.example/feed' }, new Date(now - 60_000));
      assert.equal((await get('/readyz')).status, 200, 'due for a minute: a poller may just be busy');
      await store.sources.update(source.id, { nextCheckAt: new Date(now - 3_600_000) });
      const stalled = await get('/readyz');
      assert.equal(stalled.status, 503);
      assert.match(
        stalled.body,
        /^not ready: the polling has stalled: a source has been due for 60 min and no check has ever ended \(poll\.stall_after_seconds is 900\)/,
      );
      // A check that ended a minute ago is progress, however long the queue has waited.
      await store.sources.recordCheck(
        source.id,
        {},
        {
          startedAt: new Date(now - 61_000),
          durationMs: 1000,
          outcome: 'not-modified',
          url: source.feedUrl,
          httpStatus: 304,
          bytes: null,
          inserted: 0,
          updated: 0,
          errorCode: null,
          message: null,
        },
      );
      assert.equal((await get('/readyz')).status, 200);
    } finally {
      await store.close();
    }
  });
});
