import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { courtesy, serve } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { freshPostgres, SKIP_POSTGRES, type TestDatabase } from '../support/postgres.js';

const FEED = readFileSync(fixturePath(import.meta.url, 'publisher.xml'));

describe('moving a site from SQLite to PostgreSQL', { skip: SKIP_POSTGRES }, () => {
  let publisher: TestServer;
  let dataDir: string;
  let target: TestDatabase;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'courtesy-migrate-'));
    writeFileSync(join(dataDir, 'courtesy.toml'), '[site]\nname = "Moving News"\n');
    publisher = await startTestServer((req, res) => {
      if (req.url === '/feed.xml')
        return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
      res.writeHead(404).end();
    });
    target = await freshPostgres('migrate');
  });

  after(async () => {
    await publisher.close();
    rmSync(dataDir, { recursive: true, force: true });
    await target.drop();
  });

  it('copies the whole site, verifies the counts, and can run again', async () => {
    assert.equal((await courtesy(dataDir, ['sources', 'add', `${publisher.url}/feed.xml`])).code, 0);
    assert.equal((await courtesy(dataDir, ['poll', '--once'])).code, 0);
    const suppressed = await courtesy(dataDir, [
      'takedown',
      'suppress',
      '--url',
      'https://loopback-times.example/second',
      '--reason',
      'asked by the author',
    ]);
    assert.match(suppressed.stdout, /1 entries removed/, suppressed.stderr);
    assert.equal(
      (await courtesy(dataDir, ['users', 'add', 'ada'], 'correct horse battery staple\n')).code,
      0,
    );

    const first = await courtesy(dataDir, ['migrate', '--to', target.url]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /^entries\s+1\s+1$/m);
    assert.match(first.stdout, /^tombstones\s+1\s+1$/m);
    assert.match(first.stdout, /^users\s+1\s+1$/m);
    assert.match(first.stdout, /^search index\s+1\s+1$/m);
    assert.match(first.stdout, /verified: every table has the same number of rows in both/);

    const again = await courtesy(dataDir, ['migrate', '--to', target.url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^ {2}0 entries$/m, 'nothing is copied twice');

    const refused = await courtesy(dataDir, ['migrate', '--from', target.url, '--to', target.url]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--from must be a SQLite database/);
  });

  it('serves the moved site from PostgreSQL: its article, its search, and the 410 of what was taken down', async () => {
    const moved = await serveOn(dataDir, target.url);
    try {
      const home = await (await fetch(`${moved.url}/`)).text();
      const path = /href="(\/articles\/\d+\/[^"]*)"/.exec(home)?.[1];
      assert.ok(path, 'the home page lists the article that was kept');
      assert.equal((await fetch(moved.url + path)).status, 200);
      const search = await (await fetch(`${moved.url}/search?q=council`)).text();
      assert.match(search, /<mark>council<\/mark>/i);
      const removed = await fetch(`${moved.url}/articles/2/x`, { redirect: 'manual' });
      assert.equal(removed.status, 410, 'the tombstone came along');
    } finally {
      await moved.stop();
    }
  });
});

/** `courtesy serve` on the data folder's config, with its store at `database`. */
async function serveOn(dataDir: string, database: string) {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = database;
  try {
    return await serve(dataDir);
  } finally {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  }
}
