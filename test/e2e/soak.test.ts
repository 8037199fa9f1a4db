import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { courtesy, serve, startWorker } from '../support/cli.js';
import { startChangeFarm, type ChangeFarm } from '../support/change-farm.js';
import { openDatabase, type Database } from '../support/database.js';
import { ENGINES, removeSiteFolder, siteFolder } from '../support/engines.js';

/**
 * Five rounds of change on 200 feeds (new, edited, re-dated, dropped and reordered entries, changed
 * guids, unchanged feeds answering 304, a feed that fails and recovers), each round polled by
 * another of courtesy's pollers with its default concurrency: `poll`, `serve`, two `worker`s at
 * once, `poll`, `serve`. After every round each feed was checked once, the stored entries hold
 * every entry the feeds serve, once, with its edits, and the site shows them.
 */
const FEEDS = 200;
const ROUNDS: ReadonlyArray<'poll' | 'serve' | 'workers'> = ['poll', 'serve', 'workers', 'poll', 'serve'];

for (const engine of ENGINES) {
  describe(`polling through five rounds of change, on ${engine.name}`, { skip: engine.skip }, () => {
    let farm: ChangeFarm;
    let dataDir: string;

    before(async () => {
      farm = await startChangeFarm(FEEDS, 15);
      dataDir = await siteFolder(engine, 'courtesy-soak-');
      writeFileSync(
        join(dataDir, 'courtesy.toml'),
        '[site]\nname = "Soak"\n[poll]\ncheck_every_seconds = 0.2\n',
      );
      const imported = await courtesy(dataDir, ['sources', 'import', `${farm.url}/__opml`]);
      assert.equal(imported.code, 0, imported.stderr);
    });

    after(async () => {
      await farm.close();
      await removeSiteFolder(dataDir);
    });

    it('checks every feed once a round, whichever poller runs, and stores what the feeds hold', async () => {
      const db = await openDatabase(engine, dataDir);
      const flaky = farm.feedUrls[7]!;
      try {
        for (const [round, runner] of ROUNDS.entries()) {
          if (round > 0) farm.tick();
          farm.fail(flaky, round === 2);
          // Time passes: every source is due again.
          await db.run('UPDATE sources SET next_check_at = 0');
          const since = Number((await db.all('SELECT coalesce(max(id), 0) AS n FROM fetches'))[0]!.n);
          const checked = async () =>
            Number(
              (await db.all(`SELECT count(DISTINCT source_id) AS n FROM fetches WHERE id > ${since}`))[0]!.n,
            );
          if (runner === 'poll') {
            const run = await courtesy(dataDir, ['poll', '--once']);
            assert.equal(run.code, 0, run.stderr);
          } else if (runner === 'serve') {
            const site = await serve(dataDir, []);
            try {
              await until(async () => (await checked()) === FEEDS, `round ${round}: serve checks every feed`);
              // The site shows the round's edits: each edited entry's page carries its new title.
              const edited = [...farm.entries().values()]
                .flat()
                .filter((e) => e.title.includes(`(updated ${round})`));
              assert.ok(edited.length > 0, `round ${round} edits entries`);
              for (const e of edited.slice(0, 5)) {
                const [row] = await db.all(`SELECT id FROM entries WHERE guid = '${e.guid}'`);
                const page = await fetch(`${site.url}/articles/${String(row?.id)}`);
                assert.equal(page.status, 200, `round ${round}: the page of ${e.guid}`);
                assert.ok((await page.text()).includes(e.title), `round ${round}: ${e.guid} shows its edit`);
              }
            } finally {
              await site.stop();
            }
          } else {
            const workers = await Promise.all([startWorker(dataDir), startWorker(dataDir)]);
            try {
              await until(
                async () => (await checked()) === FEEDS,
                `round ${round}: the workers check every feed`,
              );
            } finally {
              await Promise.all(workers.map((w) => w.stop()));
            }
          }
          const perSource = await db.all(
            `SELECT source_id, count(*) AS n FROM fetches WHERE id > ${since} GROUP BY source_id`,
          );
          assert.equal(perSource.length, FEEDS, `round ${round}: every feed checked`);
          assert.deepEqual(
            perSource.filter((r) => Number(r.n) !== 1),
            [],
            `round ${round}: each once`,
          );
          const flakyState = await db.all(
            `SELECT last_error_code AS code FROM sources WHERE feed_url = '${flaky}'`,
          );
          assert.equal(
            flakyState[0]?.code ?? null,
            round === 2 ? 'fetch.http-status' : null,
            `round ${round}`,
          );
          await assertStoredAsServed(db, farm, round === 2 ? flaky : null, round);
        }
      } finally {
        await db.close();
      }
    });
  });
}

/** Every entry each feed serves is stored once, with its title as served (the failing feed aside). */
async function assertStoredAsServed(db: Database, farm: ChangeFarm, failing: string | null, round: number) {
  const rows = await db.all(
    'SELECT s.feed_url AS feed, e.guid AS guid, e.title AS title, e.url AS url FROM entries e JOIN sources s ON s.id = e.source_id',
  );
  const stored = new Map<string, string>();
  const addresses = new Set<string>();
  for (const row of rows) {
    const key = `${String(row.feed)} ${String(row.guid)}`;
    assert.ok(!stored.has(key), `round ${round}: ${key} stored twice`);
    stored.set(key, String(row.title));
    const address = `${String(row.feed)} ${String(row.url)}`;
    assert.ok(!addresses.has(address), `round ${round}: ${address} stored twice under two guids`);
    addresses.add(address);
  }
  for (const [feed, entries] of farm.entries()) {
    if (feed === failing) continue;
    for (const e of entries) {
      assert.equal(stored.get(`${feed} ${e.guid}`), e.title, `round ${round}: ${feed} ${e.guid}`);
    }
  }
}

async function until(done: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    assert.ok(Date.now() - started < ms, `${what} within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
