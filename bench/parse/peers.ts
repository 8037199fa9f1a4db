import FeedParser from 'feedparser';
import RssParser from 'rss-parser';
import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import { parseFeed as feedsmithParse } from 'feedsmith';
import { parseFeedBytes } from '../../src/parse/index.js';

/** The address relative links resolve against, for every parser alike. */
const BASE = 'https://corpus.example/feed';

/** Parses one file; resolves to the number of entries found, rejects when the parser refuses it. */
export type Reader = (bytes: Buffer) => number | Promise<number>;

const looksLikeJson = (text: string): boolean => /^\s*[{[]/.test(text);

const rssParser = new RssParser();

/**
 * courtesy and the npm parsers it is measured against, each reading a file's bytes (the peers that
 * take a string get `toString('utf8')`, the least any caller must do) to its number of entries.
 */
export const readers: Record<string, Reader> = {
  courtesy: (bytes) => parseFeedBytes(bytes, { url: BASE }).entries.length,

  'rss-parser': async (bytes) => {
    const feed = await rssParser.parseString(bytes.toString('utf8'));
    return feed.items.length;
  },

  feedparser: (bytes) =>
    new Promise<number>((resolve, reject) => {
      const parser = new FeedParser({ feedurl: BASE });
      let entries = 0;
      let settled = false;
      parser.on('error', (error: Error) => {
        if (settled) return;
        settled = true;
        reject(error);
      });
      parser.on('readable', () => {
        while (parser.read()) entries++;
      });
      parser.on('end', () => {
        if (settled) return;
        settled = true;
        resolve(entries);
      });
      parser.end(bytes);
    }),

  'feed-extractor': (bytes) => {
    const text = bytes.toString('utf8');
    const feed = looksLikeJson(text) ? extractFromJson(text) : extractFromXml(text);
    return feed.entries?.length ?? 0;
  },

  feedsmith: (bytes) => {
    const text = bytes.toString('utf8');
    const { feed } = feedsmithParse(looksLikeJson(text) ? (JSON.parse(text) as unknown) : text);
    const items = 'items' in feed ? feed.items : 'entries' in feed ? feed.entries : undefined;
    return items?.length ?? 0;
  },
};
