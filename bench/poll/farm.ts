/**
 * A loopback feed farm for the polling benchmark: N synthetic feeds spread over H loopback addresses
 * (127.0.0.1 … 127.0.0.H, one port), in four formats, with validators, caching headers, gzip, new
 * entries on demand and a share of faulty feeds. Deterministic for a given --seed.
 *
 *   node dist/bench/poll/farm.js --feeds 10000 --hosts 20 --port 8790 --faults 0.05 --update 0.2
 *
 * --syndicated S: that share of the feeds carry, as every third entry, a copy of the same entry of
 * another feed (the same paragraphs under a line of their own, a new title and address, an hour
 * later), as papers carry a wire's stories. --recent: the newest entries are of the last 20 days
 * (dated from now), not of November 2026, so that what looks at the last week sees them.
 *
 * Control paths (any host): /__opml, /__tick (next round: --update of the healthy feeds gain 3
 * entries, edit one, re-date the rest and drop their 3 oldest), /__stats, /__reset. Prints "farm listening on PORT" when ready.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { constants, gzipSync } from 'node:zlib';
import { prng } from '../support/random.js';

const { values: args } = parseArgs({
  options: {
    feeds: { type: 'string', default: '1000' },
    hosts: { type: 'string', default: '10' },
    port: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    faults: { type: 'string', default: '0.05' },
    update: { type: 'string', default: '0.2' },
    syndicated: { type: 'string', default: '0' },
    recent: { type: 'boolean', default: false },
  },
});

const FEEDS = Number(args.feeds);
const HOSTS = Number(args.hosts);
const FAULT_SHARE = Number(args.faults);
const UPDATE_SHARE = Number(args.update);
const SYNDICATED_SHARE = Number(args.syndicated);

const FAULT_KINDS = [
  '404',
  '410',
  '500',
  '503-retry',
  '429-date',
  '301',
  '302',
  'loop',
  'trickle',
  'stall',
  'truncated',
  'huge',
  'gzip-bomb',
  'billion-laughs',
  'wrong-charset',
  'html-page',
  'empty',
  'json-not-feed',
] as const;
type FaultKind = (typeof FAULT_KINDS)[number];
type Format = 'rss' | 'atom' | 'rdf' | 'json';
const FORMATS: Format[] = ['rss', 'atom', 'rdf', 'json'];

interface FarmFeed {
  id: number;
  host: string;
  format: Format;
  entries: number;
  paragraphs: number;
  version: number;
  fault: FaultKind | null;
  /** Newest entry time, seconds. */
  newest: number;
  /** The feed whose stories this one carries copies of (--syndicated), or null. */
  wire: number | null;
}

const random = prng(Number(args.seed));
const EPOCH = args.recent ? Math.floor(Date.now() / 1000) - 86_400 * 20 : Date.UTC(2026, 10, 1) / 1000;
/** Drawn apart from the feeds' own numbers, so that a farm without copies is the one it always was. */
const syndication = prng(Number(args.seed) + 7);
const feeds: FarmFeed[] = Array.from({ length: FEEDS }, (_, id) => {
  const faulty = random() < FAULT_SHARE;
  return {
    id,
    host: `127.0.0.${(id % HOSTS) + 1}`,
    format: FORMATS[Math.floor(random() * FORMATS.length)]!,
    entries: 10 + Math.floor(random() * 31),
    paragraphs: 1 + Math.floor(random() * 6),
    version: 1,
    fault: faulty ? FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]! : null,
    newest: EPOCH + Math.floor(random() * 86_400 * 20),
    wire: syndication() < SYNDICATED_SHARE ? (id * 7919 + 1) % FEEDS : null,
  };
});

const WORDS =
  'council harbour budget science river market policy vote school road climate energy court report election health water city transport museum'.split(
    ' ',
  );

function paragraph(feed: number, entry: number, n: number): string {
  const r = prng(feed * 1_000_003 + entry * 101 + n);
  const words = Array.from(
    { length: 30 + Math.floor(r() * 30) },
    () => WORDS[Math.floor(r() * WORDS.length)],
  );
  return `<p>${words.join(' ')} <a href="/a/${feed}/${entry}.html#p${n}">more</a>.</p>`;
}

function entriesOf(
  feed: FarmFeed,
): Array<{ n: number; title: string; link: string; date: Date; html: string }> {
  return Array.from({ length: feed.entries }, (_, i) => {
    const n = feed.entries - 1 - i + (feed.version - 1) * 3;
    const date = new Date((feed.newest + (feed.version - 1) * 3600 - i * 3600 * 7) * 1000);
    const wire = feed.wire === null || n % 3 !== 0 ? null : feeds[feed.wire]!;
    if (wire && wire.id !== feed.id) {
      // The wire's story n, as this feed carries it.
      const body = Array.from({ length: wire.paragraphs }, (_, p) => paragraph(wire.id, n, p)).join('');
      return {
        n,
        title: `Feed ${wire.id} story ${n}, as feed ${feed.id} tells it`,
        link: `http://${feed.host}:${port}/a/${feed.id}/${n}.html`,
        date: new Date(date.getTime() + 3_600_000),
        html: `<p>From the wire service of farm feed ${wire.id}:</p>${body}<p>Republished by feed ${feed.id}.</p>`,
      };
    }
    const html = Array.from({ length: feed.paragraphs }, (_, p) => paragraph(feed.id, n, p)).join('');
    return {
      n,
      // A new round edits the story just below the newest, as publishers correct a recent one.
      title: `Feed ${feed.id} story ${n}${i === 1 && feed.version > 1 ? ` (updated, round ${feed.version})` : ''}`,
      link: `http://${feed.host}:${port}/a/${feed.id}/${n}.html`,
      // An entry is dated by its place below the newest, as feeds that date items relative to
      // their newest one do: a new round adds 3 entries at the top, re-dates every other one and
      // drops the 3 oldest off the end (the shared feed farm's rounds change feeds the same ways).
      date,
      html,
    };
  });
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function render(feed: FarmFeed): { body: string; type: string } {
  const items = entriesOf(feed);
  const self = `http://${feed.host}:${port}/feed/${feed.id}`;
  switch (feed.format) {
    case 'rss':
      return {
        type: 'application/rss+xml; charset=utf-8',
        body: `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Farm feed ${feed.id}</title><link>http://${feed.host}:${port}/</link><description>Synthetic</description>${items
          .map(
            (e) =>
              `<item><title>${e.title}</title><link>${e.link}</link><guid>${e.link}</guid><pubDate>${e.date.toUTCString()}</pubDate><dc:creator>Reporter ${e.n % 7}</dc:creator><description>${esc(e.html)}</description></item>`,
          )
          .join('')}</channel></rss>`,
      };
    case 'atom':
      return {
        type: 'application/atom+xml',
        body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Farm feed ${feed.id}</title><id>${self}</id><link href="http://${feed.host}:${port}/"/><updated>${items[0]?.date.toISOString() ?? ''}</updated>${items
          .map(
            (e) =>
              `<entry><title>${e.title}</title><id>urn:farm:${feed.id}:${e.n}</id><link href="${e.link}"/><updated>${e.date.toISOString()}</updated><author><name>Reporter ${e.n % 7}</name></author><content type="html">${esc(e.html)}</content></entry>`,
          )
          .join('')}</feed>`,
      };
    case 'rdf':
      return {
        type: 'application/rdf+xml',
        body: `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="${self}"><title>Farm feed ${feed.id}</title><link>http://${feed.host}:${port}/</link><description>Synthetic</description></channel>${items
          .map(
            (e) =>
              `<item rdf:about="${e.link}"><title>${e.title}</title><link>${e.link}</link><dc:date>${e.date.toISOString()}</dc:date><description>${esc(e.html)}</description></item>`,
          )
          .join('')}</rdf:RDF>`,
      };
    case 'json':
      return {
        type: 'application/feed+json',
        body: JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: `Farm feed ${feed.id}`,
          home_page_url: `http://${feed.host}:${port}/`,
          items: items.map((e) => ({
            id: e.link,
            url: e.link,
            title: e.title,
            date_published: e.date.toISOString(),
            authors: [{ name: `Reporter ${e.n % 7}` }],
            content_html: e.html,
          })),
        }),
      };
  }
}

const stats = {
  requests: 0,
  notModified: 0,
  ok: 0,
  gzip: 0,
  bytes: 0,
  faultRequests: 0,
  inFlightMax: 0,
  perHostMax: 0,
  /** Distinct feeds requested, and the most requests any one feed got (a feed polled twice in a round shows here). */
  feedsRequested: 0,
  maxPerFeed: 0,
};
const inFlight = new Map<string, number>();
const perFeed = new Map<number, number>();
let bombBody: Buffer | null = null;

/**
 * Each feed's body, rendered and compressed once per version, as a static server with precompressed
 * files (or a CDN) answers: the farm shares the benchmark's two cores with courtesy, and rendering
 * and compressing every answer anew cost it several seconds of CPU a round that a real publisher's
 * server, on another machine, would not take from the aggregator.
 */
const bodies = new Map<number, { version: number; type: string; plain: Buffer; gzip?: Buffer }>();

function bodyOf(feed: FarmFeed, gzip: boolean): { payload: Buffer; type: string } {
  let kept = bodies.get(feed.id);
  if (kept?.version !== feed.version) {
    const { body, type } = render(feed);
    kept = { version: feed.version, type, plain: Buffer.from(body) };
    bodies.set(feed.id, kept);
  }
  if (!gzip) return { payload: kept.plain, type: kept.type };
  kept.gzip ??= gzipSync(kept.plain, { level: 1 });
  return { payload: kept.gzip, type: kept.type };
}

function serveFeed(feed: FarmFeed, req: IncomingMessage, res: ServerResponse): void {
  const etag = `"f${feed.id}-v${feed.version}"`;
  const lastModified = new Date(feed.newest * 1000 + feed.version * 3_600_000).toUTCString();
  if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified) {
    stats.notModified++;
    res.writeHead(304, { etag, 'last-modified': lastModified }).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const { payload, type } = bodyOf(feed, gzip);
  const headers: Record<string, string> = {
    'content-type': type,
    etag,
    'last-modified': lastModified,
    'cache-control': 'max-age=300',
  };
  if (gzip) {
    headers['content-encoding'] = 'gzip';
    stats.gzip++;
  }
  stats.ok++;
  stats.bytes += payload.length;
  res.writeHead(200, headers).end(payload);
}

function serveFault(feed: FarmFeed, kind: FaultKind, res: ServerResponse): void {
  stats.faultRequests++;
  const good = render({ ...feed, fault: null });
  switch (kind) {
    case '404':
    case '410':
    case '500':
      return void res.writeHead(Number(kind)).end();
    case '503-retry':
      return void res.writeHead(503, { 'retry-after': '3600' }).end();
    case '429-date':
      return void res.writeHead(429, { 'retry-after': new Date(Date.now() + 7_200_000).toUTCString() }).end();
    case '301':
      return void res.writeHead(301, { location: `/moved/${feed.id}` }).end();
    case '302':
      return void res.writeHead(302, { location: `/moved/${feed.id}` }).end();
    case 'loop':
      return void res.writeHead(302, { location: `/loop/${feed.id}` }).end();
    case 'trickle': {
      res.writeHead(200, { 'content-type': good.type });
      let i = 0;
      const timer = setInterval(() => {
        if (i >= 100 || res.destroyed) {
          clearInterval(timer);
          return void res.end();
        }
        res.write(good.body[i++] ?? ' ');
      }, 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'stall':
      setTimeout(() => res.destroy(), 15_000).unref();
      return;
    case 'truncated':
      return void res
        .writeHead(200, { 'content-type': good.type })
        .end(good.body.slice(0, good.body.length >> 1));
    case 'huge': {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    case 'gzip-bomb':
      bombBody ??= gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: constants.Z_BEST_COMPRESSION });
      return void res
        .writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' })
        .end(bombBody);
    case 'billion-laughs':
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><title>&c;</title><item><title>&c;</title><guid>lol</guid></item></channel></rss>',
        );
    case 'wrong-charset':
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' })
        .end(Buffer.from(good.body.replace('Synthetic', 'Synthétique'), 'latin1'));
    case 'html-page':
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<html><head><link rel="alternate" type="application/rss+xml" href="/moved/${feed.id}"></head><body>Home</body></html>`,
        );
    case 'empty':
      return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end();
    case 'json-not-feed':
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  stats.requests++;
  const host = req.socket.localAddress ?? '';
  const now = (inFlight.get(host) ?? 0) + 1;
  inFlight.set(host, now);
  stats.perHostMax = Math.max(stats.perHostMax, now);
  res.on('close', () => inFlight.set(host, (inFlight.get(host) ?? 1) - 1));
  const url = req.url ?? '/';
  const id = Number(/^\/(?:feed|moved|loop)\/(\d+)$/.exec(url)?.[1] ?? NaN);
  const feed = Number.isInteger(id) ? feeds[id] : undefined;
  if (feed && url.startsWith('/feed/')) {
    const count = (perFeed.get(feed.id) ?? 0) + 1;
    perFeed.set(feed.id, count);
    stats.feedsRequested = perFeed.size;
    stats.maxPerFeed = Math.max(stats.maxPerFeed, count);
  }
  if (url === '/__opml') {
    const outlines = feeds
      .map((f) => `<outline text="Farm feed ${f.id}" xmlUrl="http://${f.host}:${port}/feed/${f.id}"/>`)
      .join('\n');
    return void res
      .writeHead(200, { 'content-type': 'text/x-opml' })
      .end(`<opml version="2.0"><body>${outlines}</body></opml>`);
  }
  if (url === '/__tick') {
    let changed = 0;
    for (const f of feeds) {
      if (f.fault === null && random() < UPDATE_SHARE) {
        f.version++;
        changed++;
      }
    }
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ changed }));
  }
  if (url === '/__stats')
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
  if (url === '/__reset') {
    for (const key of Object.keys(stats) as Array<keyof typeof stats>) stats[key] = 0;
    perFeed.clear();
    return void res.writeHead(204).end();
  }
  if (!feed) return void res.writeHead(404).end();
  if (url.startsWith('/loop/')) return void res.writeHead(302, { location: `/feed/${feed.id}` }).end();
  if (url.startsWith('/moved/')) return serveFeed(feed, req, res);
  if (feed.fault) return serveFault(feed, feed.fault, res);
  serveFeed(feed, req, res);
}

/** One server per loopback address, all on the same port, so nothing listens beyond this machine. */
function listen(address: string, wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer(handle);
    server.keepAliveTimeout = 30_000;
    server.once('error', reject);
    server.listen(wanted, address, () => {
      const info = server.address();
      resolve(typeof info === 'object' && info ? info.port : wanted);
    });
  });
}

let port = await listen('127.0.0.1', Number(args.port));
for (let h = 2; h <= HOSTS; h++) port = await listen(`127.0.0.${h}`, port);
process.stdout.write(`farm listening on ${port}\n`);
