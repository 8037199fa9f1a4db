import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { BIN, courtesy } from '../support/cli.js';
import { startChangeFarm, type ChangeFarm } from '../support/change-farm.js';
import { removeSiteFolder, siteFolder } from '../support/engines.js';

/**
 * The poller killed with SIGKILL at moments spread over its ingest, ten times, on feeds that change
 * between the runs: after each kill the database is whole (integrity and foreign keys), holds no
 * entry twice, has lost nothing it had committed, and its search index matches its entries; then
 * a poll that is not killed completes and stores everything the feeds serve.
 */
const KILLS = 10;

/** Milliseconds after its start at which the n-th poll is killed: spread over start-up and ingest. */
const killAt = (n: number): number => 300 + ((n * 7919) % 11) * 150;

describe('a poller killed mid-ingest, on SQLite', () => {
  let farm: ChangeFarm;
  let dataDir: string;
  let database: string;

  before(async () => {
    farm = await startChangeFarm(60, 25);
    dataDir = await siteFolder({ name: 'SQLite', skip: false }, 'courtesy-crash-');
    database = join(dataDir, 'courtesy.sqlite');
    writeFileSync(join(dataDir, 'courtesy.toml'), '[site]\nname = "Crash"\n');
    const opml = join(dataDir, 'farm.opml');
    writeFileSync(
      opml,
      `<?xml version="1.0"?><opml version="2.0"><head><title>farm</title></head><body>${farm.feedUrls
        .map((u) => `<outline type="rss" text="${u}" xmlUrl="${u}"/>`)
        .join('')}</body></opml>`,
    );
    const imported = await courtesy(dataDir, ['sources', 'import', opml]);
    assert.equal(imported.code, 0, imported.stderr);
  });

  after(async () => {
    await farm.close();
    await removeSiteFolder(dataDir);
  });

  it(`keeps the database whole and every committed entry through ${KILLS} kills, then polls to the end`, async () => {
    let before = new Set<string>();
    let killedMidway = 0;
    for (let n = 0; n < KILLS; n++) {
      farm.tick();
      const exit = await pollKilledAfter(dataDir, killAt(n));
      if (exit === 'SIGKILL') killedMidway++;
      const state = inspect(database);
      assert.deepEqual(state.problems, [], `after kill ${n + 1}`);
      for (const key of before)
        assert.ok(state.entries.has(key), `kill ${n + 1} lost the committed entry ${key}`);
      before = state.entries;
    }
    assert.ok(killedMidway >= KILLS / 2, `${killedMidway} of the polls were killed before they ended`);
    farm.tick();
    const last = await courtesy(dataDir, ['poll', '--once', '--all']);
    assert.equal(last.code, 0, last.stderr);
    const state = inspect(database);
    assert.deepEqual(state.problems, []);
    for (const [feedUrl, guids] of farm.served()) {
      for (const guid of guids)
        assert.ok(state.entries.has(`${feedUrl} ${guid}`), `${feedUrl} ${guid} stored`);
    }
  });
});

/** Runs `poll --once --all` and kills it with SIGKILL after `ms`; how it ended. */
function pollKilledAfter(dataDir: string, ms: number): Promise<'SIGKILL' | number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--data', dataDir, 'poll', '--once', '--all'], {
      env: { ...process.env, COURTESY_ALLOW_PRIVATE_NETWORKS: '1', LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'SIGKILL' : (code ?? -1));
    });
  });
}

/** What is wrong with the database, and its entries as "FEED-URL GUID". */
function inspect(path: string): { problems: string[]; entries: Set<string> } {
  // Opened as the next process would: a killed writer's log is recovered on open.
  const db = new BetterSqlite3(path);
  try {
    const problems: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const keys = db.pragma('foreign_key_check') as unknown[];
    if (keys.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(keys.slice(0, 3))}`);
    const doubled = db
      .prepare('SELECT source_id, guid, count(*) AS n FROM entries GROUP BY source_id, guid HAVING n > 1')
      .all();
    if (doubled.length > 0) problems.push(`entries stored twice: ${JSON.stringify(doubled.slice(0, 3))}`);
    const count = (q: string) => (db.prepare(q).get() as { n: number }).n;
    const entries = count('SELECT count(*) AS n FROM entries');
    const indexed = count('SELECT count(*) AS n FROM entries_fts');
    if (indexed !== entries) problems.push(`${entries} entries, ${indexed} in the search index`);
    const strays = count('SELECT count(*) AS n FROM entries_fts WHERE rowid NOT IN (SELECT id FROM entries)');
    if (strays > 0) problems.push(`${strays} search rows of no entry`);
    const rows = db
      .prepare(
        'SELECT s.feed_url AS feed, e.guid AS guid FROM entries e JOIN sources s ON s.id = e.source_id',
      )
      .all() as Array<{ feed: string; guid: string }>;
    return { problems, entries: new Set(rows.map((r) => `${r.feed} ${r.guid}`)) };
  } finally {
    db.close();
  }
}
