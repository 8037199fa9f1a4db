import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FeedEntry } from '../../src/model/feed.js';
import { parseFeedBytes } from '../../src/parse/index.js';

/** The feed files a corpus's MANIFEST.tsv lists (its `kind` column is `feed`), relative to the corpus. */
export function corpusFeedFiles(dir: string): string[] {
  return readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cols) => cols[1] === 'feed' && cols[0])
    .map((cols) => cols[0]!);
}

/**
 * A corpus file's bytes as a server would send them after its Content-Encoding is undone: a few
 * files are stored gzip-compressed, as they were fetched.
 */
export function readFeedFile(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** The expected article HTML of each of a corpus's article pages (articles/NAME/expected.html), by page name. */
export function* corpusArticlePages(dir: string): Generator<{ name: string; html: string }> {
  const pages = join(dir, 'articles');
  for (const name of existsSync(pages) ? readdirSync(pages).sort() : []) {
    const file = join(pages, name, 'expected.html');
    if (existsSync(file)) yield { name, html: readFileSync(file, 'utf8') };
  }
}

/** Every entry of the feeds a corpus lists, with the feed's file; a feed the parser refuses is left out. */
export function* corpusFeedEntries(dir: string): Generator<{ path: string; entry: FeedEntry }> {
  for (const path of corpusFeedFiles(dir)) {
    let feed;
    try {
      feed = parseFeedBytes(readFeedFile(join(dir, path)), { url: 'https://corpus.example/feed' });
    } catch {
      continue;
    }
    for (const entry of feed.entries) yield { path, entry };
  }
}
