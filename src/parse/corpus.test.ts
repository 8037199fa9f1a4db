import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { it } from 'node:test';
import { corpusDir } from '../../test/support/fixtures.js';
import { ParseError, parseFeedBytes } from './index.js';

/**
 * The shared real-world corpus, when present: every feed is read or refused with a ParseError (never
 * a crash), the accepted count does not fall below what it was, every accepted feed yields entries
 * (unless its MANIFEST row says it has none: quirk `no-items`), and every entry has an id.
 */
const ACCEPTED_AT_LEAST = 223;

const dir = corpusDir();
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
