import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { it } from 'node:test';
import { corpusDir } from '../../test/support/fixtures.js';
import { htmlToText } from '../markup/html-text.js';
import { ParseError, parseFeedBytes } from './index.js';

/**
 * The shared real-world corpus, when present. First: where its origin project published what the
 * first entry of a feed holds (`expected/`, named by the MANIFEST's quirks column), courtesy reads
 * the same text from it. Then: every feed is read or refused with a ParseError (never
 * a crash), the accepted count does not fall below what it was, every accepted feed yields entries
 * (unless its MANIFEST row says it has none: quirk `no-items`), and every entry has an id.
 */
const ACCEPTED_AT_LEAST = 223;

const dir = corpusDir();
it(
  "reads the corpus's feeds as their projects' expected output says",
  { skip: dir ? false : 'skipped: no shared corpus beside this checkout' },
  () => {
    const rows = readFileSync(join(dir!, 'MANIFEST.tsv'), 'utf8')
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((cols) => cols[1] === 'expected');
    assert.ok(rows.length > 0, 'the MANIFEST lists no expected output');
    for (const [file, , , quirks] of rows) {
      const feedFile = /expected-first-entry-content-of:(\S+)/.exec(quirks ?? '')?.[1];
      assert.ok(feedFile, `${file}: the MANIFEST names no feed`);
      const entry = parseFeedBytes(readFileSync(join(dir!, feedFile)), { url: 'https://corpus.example/feed' })
        .entries[0];
      // feedjira's expected output names the summary "Description", and the content otherwise.
      const html = /Description\.xml$/.test(file!) ? entry?.summary : (entry?.content ?? entry?.summary);
      assert.equal(
        htmlToText(html ?? ''),
        htmlToText(readFileSync(join(dir!, file!), 'utf8')),
        `${feedFile}: its first entry's text differs from ${file}`,
      );
    }
  },
);
it(
  'reads the real-world feed corpus',
  { skip: dir ? false : 'skipped: no shared corpus beside this checkout' },
  () => {
    const feeds = join(dir!, 'feeds');
    const empty = new Set(
      readFileSync(join(dir!, 'MANIFEST.tsv'), 'utf8')
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((cols) => cols[3]?.split(',').includes('no-items'))
        .map((cols) => cols[0]!.replace(/^feeds\//, '')),
    );
    let accepted = 0;
    for (const name of readdirSync(feeds)) {
      let bytes = readFileSync(join(feeds, name));
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
      try {
        const feed = parseFeedBytes(bytes, { url: 'https://corpus.example/feed' });
        accepted++;
        if (!empty.has(name)) assert.ok(feed.entries.length > 0, `${name}: no entries`);
        for (const entry of feed.entries) assert.ok(entry.id, `${name}: an entry without an id`);
      } catch (error) {
        assert.ok(error instanceof ParseError, `${name}: ${String(error)}`);
      }
    }
    assert.ok(accepted >= ACCEPTED_AT_LEAST, `accepted ${accepted}, expected at least ${ACCEPTED_AT_LEAST}`);
  },
);
