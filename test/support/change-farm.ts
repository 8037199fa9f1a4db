import { startTestServer, type TestServer } from './http.js';

/**
 * A loopback farm of feeds that change as real publishers' do, round after round: entries are
 * added, edited, re-dated (a feed that dates its items relative to its newest one re-dates them all
 * at once) and dropped off the end, guids change under the same address, and items come in a new
 * order; a feed can be made to fail and recover. `/__opml` lists every feed. Each feed answers with an ETag
 * and honours If-None-Match, so an unchanged feed answers 304. RSS 2.0 and Atom 1.0 in turn.
 */
export interface ChangeFarm {
  url: string;
  feedUrls: string[];
  /** The next round: every feed changes in one of the ways above (deterministically). */
  tick(): number;
  /** The guids each feed serves now. */
  served(): Map<string, string[]>;
  /** The entries (guid and title) each feed serves now. */
  entries(): Map<string, Array<{ guid: string; title: string }>>;
  /** Makes a feed answer 500 until it is told otherwise. */
  fail(feedUrl: string, failing: boolean): void;
  close(): Promise<void>;
}

interface FarmEntry {
  guid: string;
  /** The article's address, which stays when its guid changes. */
  link: string;
  title: string;
  /** Hours before the feed's newest entry. */
  age: number;
}

interface FarmFeed {
  path: string;
  entries: FarmEntry[];
  next: number;
  round: number;
}

const WORDS = 'harbour council river budget school market rail bridge energy water housing ferry'.split(' ');

export async function startChangeFarm(feeds: number, entriesEach = 20): Promise<ChangeFarm> {
  const all: FarmFeed[] = Array.from({ length: feeds }, (_, i) => ({
    path: `/f/${i}.xml`,
    entries: Array.from({ length: entriesEach }, (_, k) => entry(i, k, entriesEach - k)),
    next: entriesEach,
    round: 0,
  }));
  const byPath = new Map(all.map((f) => [f.path, f]));
  const failing = new Set<string>();
  let round = 0;
  let server: TestServer | null = null;
  server = await startTestServer((req, res) => {
    if (req.url === '/__opml') {
      const outlines = all.map(
        (f) => `<outline type="rss" text="${f.path}" xmlUrl="${server!.url}${f.path}"/>`,
      );
      return res
        .writeHead(200, { 'content-type': 'text/x-opml' })
        .end(
          `<?xml version="1.0"?><opml version="2.0"><head><title>farm</title></head><body>${outlines.join('')}</body></opml>`,
        );
    }
    const feed = byPath.get(req.url ?? '');
    if (!feed) return res.writeHead(404).end();
    if (failing.has(feed.path)) return res.writeHead(500).end('down for maintenance');
    const etag = `"${feed.path}-${feed.round}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    const atom = all.indexOf(feed) % 2 === 1;
    res
      .writeHead(200, { 'content-type': atom ? 'application/atom+xml' : 'application/rss+xml', etag })
      .end(atom ? renderAtom(feed, server!.url) : renderRss(feed, server!.url));
  });
  const url = server.url;
  return {
    url,
    feedUrls: all.map((f) => `${url}${f.path}`),
    tick() {
      round++;
      all.forEach((feed, i) => {
        const kind = (i + round) % 5;
        if (kind === 0) {
          // New entries at the top, and everything re-dated against the newest.
          for (let n = 0; n < 1 + ((i + round) % 3); n++) feed.entries.unshift(entry(i, feed.next++, 0));
          feed.entries.forEach((e, k) => (e.age = k + 1));
        } else if (kind === 1) {
          // An edit: a new title for the second entry; and the third's guid changes, its address not.
          const edited = feed.entries[1];
          if (edited) edited.title = `${edited.title} (updated ${round})`;
          const moved = feed.entries[2];
          if (moved) moved.guid = `${moved.guid.split('#')[0]}#r${round}`;
        } else if (kind === 2) {
          // The oldest drops off the end, and one comes in.
          feed.entries.pop();
          feed.entries.unshift(entry(i, feed.next++, 0));
        } else if (kind === 3) {
          // The same items in another order.
          feed.entries.reverse();
        }
        // kind 4: unchanged, so the feed answers 304.
        if (kind !== 4) feed.round = round;
      });
      return round;
    },
    served() {
      return new Map(all.map((f) => [`${url}${f.path}`, f.entries.map((e) => e.guid)]));
    },
    entries() {
      return new Map(
        all.map((f) => [`${url}${f.path}`, f.entries.map((e) => ({ guid: e.guid, title: e.title }))]),
      );
    },
    fail(feedUrl, on) {
      const path = new URL(feedUrl).pathname;
      if (on) failing.add(path);
      else failing.delete(path);
    },
    close: () => server.close(),
  };
}

function entry(feed: number, k: number, age: number): FarmEntry {
  const words = Array.from({ length: 6 }, (_, w) => WORDS[(feed * 7 + k * 3 + w) % WORDS.length]);
  return {
    guid: `urn:farm:${feed}:${k}`,
    link: `/a/${feed}/${k}`,
    title: `Story ${feed}.${k}: ${words.join(' ')}`,
    age,
  };
}

const BASE = Date.UTC(2026, 10, 1, 12);

function renderRss(feed: FarmFeed, origin: string): string {
  const items = feed.entries
    .map(
      (e) =>
        `<item><guid isPermaLink="false">${e.guid}</guid><title>${e.title}</title><link>${origin}${e.link}</link>` +
        `<pubDate>${new Date(BASE + feed.round * 3_600_000 - e.age * 3_600_000).toUTCString()}</pubDate>` +
        `<description>&lt;p&gt;${e.title}. The full story.&lt;/p&gt;</description></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Farm ${feed.path}</title><link>${origin}/</link><description>farm</description>${items}</channel></rss>`;
}

function renderAtom(feed: FarmFeed, origin: string): string {
  const entries = feed.entries
    .map(
      (e) =>
        `<entry><id>${e.guid}</id><title>${e.title}</title><link href="${origin}${e.link}"/>` +
        `<updated>${new Date(BASE + feed.round * 3_600_000 - e.age * 3_600_000).toISOString()}</updated>` +
        `<author><name>Ada</name></author><content type="html">&lt;p&gt;${e.title}.&lt;/p&gt;</content></entry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Farm ${feed.path}</title><id>${origin}${feed.path}</id><link href="${origin}/"/><updated>${new Date(BASE + feed.round * 3_600_000).toISOString()}</updated>${entries}</feed>`;
}
