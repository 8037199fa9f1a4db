import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, courtesy } from '../support/cli.js';
import { startChangeFarm, type ChangeFarm } from '../support/change-farm.js';
import { openDatabase } from '../support/database.js';
import { ENGINES, removeSiteFolder, siteFolder, storeEnv, type TestEngine } from '../support/engines.js';

/**
 * The poller killed with SIGKILL at moments spread over its ingest, ten times, on feeds that change
 * between the runs: after each kill the database is whole, holds no
 * entry twice, has lost nothing it had committed, and its search index matches its entries (on
 * SQLite also integrity_check and foreign_key_check; PostgreSQL checks its constraints at commit); then
 * a poll that is not killed completes and stores everything the feeds serve.
 */
/** Ten in the suite; `npm run soak:crash` runs fifty (COURTESY_CRASH_KILLS). */
const KILLS = Number(process.env.COURTESY_CRASH_KILLS ?? 10);

/** Milliseconds after its start at which the n-th poll is killed: spread over start-up and ingest. */
const killAt = (n: number): number => 300 + ((n * 7919) % 11) * 150;

for (const engine of ENGINES) {
  describe(`a poller killed mid-ingest, on ${engine.name}`, { skip: engine.skip }, () => {
    let farm: ChangeFarm;
    let dataDir: string;

    before(async () => {
      farm = await startChangeFarm(60, 25);
      dataDir = await siteFolder(engine, 'courtesy-crash-');
      writeFileSync(join(dataDir, 'courtesy.toml'), '[site]\nname = "Crash"\n');
      const imported = await courtesy(dataDir, ['sources', 'import', `${farm.url}/__opml`]);
      assert.equal(imported.code, 0, imported.stderr);
    });

    after(async () => {
      await farm.close();
      await removeSiteFolder(dataDir);
    });

    it(`keeps the database whole and every committed entry through ${KILLS} kills, then polls to the end`, async (t) => {
      const started = Date.now();
      let committed = new Set<string>();
      let killedMidway = 0;
      for (let n = 0; n < KILLS; n++) {
        farm.tick();
        const exit = await pollKilledAfter(dataDir, killAt(n));
        if (exit === 'SIGKILL') killedMidway++;
        const state = await inspect(engine, dataDir);
        assert.deepEqual(state.problems, [], `after kill ${n + 1}`);
        for (const key of committed)
          assert.ok(state.addresses.has(key), `kill ${n + 1} lost the committed entry ${key}`);
        committed = state.addresses;
      }
      assert.ok(killedMidway >= KILLS / 2, `${killedMidway} of the polls were killed before they ended`);
      farm.tick();
      const last = await courtesy(dataDir, ['poll', '--once', '--all']);
      assert.equal(last.code, 0, last.stderr);
      const state = await inspect(engine, dataDir);
      assert.deepEqual(state.problems, []);
      for (const [feedUrl, guids] of farm.served()) {
        for (const guid of guids)
          assert.ok(state.entries.has(`${feedUrl} ${guid}`), `${feedUrl} ${guid} stored`);
      }
      t.diagnostic(
        `${engine.name}: ${KILLS} polls, ${killedMidway} killed before they ended; ${state.entries.size} entries, whole; ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    });
  });
}

/** Runs `poll --once --all` and kills it with SIGKILL after `ms`; how it ended. */
function pollKilledAfter(dataDir: string, ms: number): Promise<'SIGKILL' | number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--data', dataDir, 'poll', '--once', '--all'], {
      env: {
        ...process.env,
        COURTESY_ALLOW_PRIVATE_NETWORKS: '1',
        LOG_LEVEL: 'silent',
        ...storeEnv(dataDir),
      },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'SIGKILL' : (code ?? -1));
    });
  });
}

/**
 * What is wrong with the database, and its entries as "FEED-URL GUID" and as "FEED-URL ADDRESS"
 * (an entry whose guid the feed changed keeps its address: it is the same entry, updated).
 */
async function inspect(
  engine: TestEngine,
  dataDir: string,
): Promise<{ problems: string[]; entries: Set<string>; addresses: Set<string> }> {
  // Opened as the next process would: on SQLite, a killed writer's log is recovered on open.
  const db = await openDatabase(engine, dataDir);
  try {
    const problems: string[] = [];
    const count = async (q: string) => Number((await db.all(q))[0]!.n);
    if (engine.name === 'SQLite') {
      const integrity = await db.all('PRAGMA integrity_check');
      if (integrity.length !== 1 || integrity[0]!.integrity_check !== 'ok')
        problems.push(`integrity_check: ${JSON.stringify(integrity.slice(0, 3))}`);
      const keys = await db.all('PRAGMA foreign_key_check');
      if (keys.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(keys.slice(0, 3))}`);
    }
    const doubled = await db.all(
      'SELECT source_id, guid, count(*) AS n FROM entries GROUP BY source_id, guid HAVING count(*) > 1',
    );
    if (doubled.length > 0) problems.push(`entries stored twice: ${JSON.stringify(doubled.slice(0, 3))}`);
    const orphans = await count(
      'SELECT count(*) AS n FROM entries WHERE source_id NOT IN (SELECT id FROM sources)',
    );
    if (orphans > 0) problems.push(`${orphans} entries of no source`);
    const [search, key] = engine.name === 'SQLite' ? ['entries_fts', 'rowid'] : ['entry_search', 'entry_id'];
    const entries = await count('SELECT count(*) AS n FROM entries');
    const indexed = await count(`SELECT count(*) AS n FROM ${search}`);
    if (indexed !== entries) problems.push(`${entries} entries, ${indexed} in the search index`);
    const strays = await count(
      `SELECT count(*) AS n FROM ${search} WHERE ${key} NOT IN (SELECT id FROM entries)`,
    );
    if (strays > 0) problems.push(`${strays} search rows of no entry`);
    const rows = await db.all(
      'SELECT s.feed_url AS feed, e.guid AS guid, e.url AS url FROM entries e JOIN sources s ON s.id = e.source_id',
    );
    return {
      problems,
      entries: new Set(rows.map((r) => `${String(r.feed)} ${String(r.guid)}`)),
      addresses: new Set(rows.map((r) => `${String(r.feed)} ${String(r.url)}`)),
    };
  } finally {
    await db.close();
  }
}
