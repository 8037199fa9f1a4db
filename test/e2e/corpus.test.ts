import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parseFeedBytes } from '../../src/parse/index.js';
import { courtesy, serve, type RunningSite } from '../support/cli.js';
import { corpusDir } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/http.js';

/**
 * Real-world feeds from the shared corpus, served over loopback with validators, subscribed by OPML
 * import, polled twice through the real CLI and then read back from the real site. Two feeds of each
 * format that carry linked entries are taken, so every parser path meets the whole pipeline.
 */
const FORMATS = ['rss-0.9', 'rss-1.0', 'rss-2.0', 'atom-0.3', 'atom-1.0', 'jsonfeed-1.0', 'jsonfeed-1.1'];
const PER_FORMAT = 2;

interface CorpusFeed {
  name: string;
  bytes: Buffer;
  etag: string;
  entries: number;
}

function pickFeeds(dir: string): CorpusFeed[] {
  const manifest = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  const picked: CorpusFeed[] = [];
  for (const format of FORMATS) {
    let taken = 0;
    for (const line of manifest) {
      const [file, kind, fmt] = line.split('\t');
      if (kind !== 'feed' || !file || !fmt?.startsWith(format) || taken >= PER_FORMAT) continue;
      let bytes = readFileSync(join(dir, file));
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
      try {
        const feed = parseFeedBytes(bytes, { url: 'http://127.0.0.1/feeds/x' });
        const linked = feed.entries.filter((e) => e.link && e.title);
        if (linked.length < 2) continue;
        const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
        picked.push({ name: file.replace(/^feeds\//, ''), bytes, etag, entries: feed.entries.length });
        taken++;
      } catch {
        continue;
      }
    }
  }
  return picked;
}

const dir = corpusDir();
describe(
  'real-world feeds through the whole pipeline',
  { skip: dir ? false : 'skipped: no shared corpus beside this checkout' },
  () => {
    let feeds: CorpusFeed[];
    let publisher: TestServer;
    let dataDir: string;
    let site: RunningSite | undefined;

    before(async () => {
      feeds = pickFeeds(dir!);
      dataDir = mkdtempSync(join(tmpdir(), 'courtesy-corpus-'));
      writeFileSync(join(dataDir, 'courtesy.toml'), '[site]\nname = "Corpus News"\n');
      const byPath = new Map(feeds.map((f) => [`/feeds/${f.name}`, f]));
      publisher = await startTestServer((req, res) => {
        const feed = byPath.get(req.url ?? '');
        if (!feed) return res.writeHead(404).end();
        if (req.headers['if-none-match'] === feed.etag) return res.writeHead(304).end();
        res.writeHead(200, { etag: feed.etag }).end(feed.bytes);
      });
    });

    after(async () => {
      await site?.stop();
      await publisher?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('subscribes, polls, and a second poll changes nothing', async () => {
      assert.ok(feeds.length >= FORMATS.length, `only ${feeds.length} corpus feeds qualified`);
      const outlines = feeds
        .map((f) => `<outline text="${f.name}" xmlUrl="${publisher.url}/feeds/${f.name}"/>`)
        .join('\n');
      writeFileSync(join(dataDir, 'corpus.opml'), `<opml version="2.0"><body>${outlines}</body></opml>`);
      const imported = await courtesy(dataDir, ['sources', 'import', join(dataDir, 'corpus.opml')]);
      assert.equal(imported.code, 0, imported.stderr);

      const first = await courtesy(dataDir, ['poll', '--once']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stdout,
        new RegExp(
          `polled ${feeds.length} source\\(s\\) in [\\d.]+ s: \\d+ new entries, 0 not modified, 0 failed`,
        ),
      );

      const listed = (await courtesy(dataDir, ['sources', 'list', '--json'])).stdout
        .trim()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as { id: number; feedUrl: string; entryCount: number; lastError: string | null },
        );
      assert.equal(listed.length, feeds.length);
      for (const source of listed) {
        const feed = feeds.find((f) => source.feedUrl.endsWith(`/${f.name}`))!;
        assert.equal(source.lastError, null, feed.name);
        assert.ok(
          source.entryCount > 0 && source.entryCount <= feed.entries,
          `${feed.name}: ${source.entryCount} stored`,
        );
      }

      const second = await courtesy(dataDir, ['poll', '--once', '--all']);
      assert.equal(second.code, 0, second.stderr);
      assert.match(
        second.stdout,
        new RegExp(
          `polled ${feeds.length} source\\(s\\) in [\\d.]+ s: 0 new entries, ${feeds.length} not modified, 0 failed`,
        ),
      );
      assert.equal(
        (second.stdout.match(/: not modified$/gm) ?? []).length,
        feeds.length,
        'every feed answers 304',
      );
      const again = (await courtesy(dataDir, ['sources', 'list', '--json'])).stdout.trim().split('\n');
      assert.deepEqual(
        again.map((line) => (JSON.parse(line) as { entryCount: number }).entryCount),
        listed.map((s) => s.entryCount),
      );
    });

    it('republishes an article of every source with attribution and a canonical link', async () => {
      site = await serve(dataDir);
      const sourceCount = feeds.length;
      for (let id = 1; id <= sourceCount; id++) {
        const page = await (await fetch(`${site.url}/sources/${id}`)).text();
        const link = /href="(\/articles\/\d+\/[^"]*)"/.exec(page)?.[1];
        assert.ok(link, `source ${id} lists an article`);
        const response = await fetch(`${site.url}${link}`);
        assert.equal(response.status, 200);
        const article = await response.text();
        assert.ok(
          !/<script(?! type="application\/ld\+json">)/i.test(article),
          `source ${id}: no script but the JSON-LD data block`,
        );
        assert.match(article, /This content is courtesy of, and owned and copyrighted by, /);
        assert.match(article, /<link rel="canonical" href="https?:\/\/[^"]+"\/>/);
        assert.match(article, /<a href="\/takedown\?url=[^"]+">takedown page<\/a>/);
      }
    });
  },
);
