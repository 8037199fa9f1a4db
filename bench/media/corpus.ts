/**
 * The pictures report over real feeds: the 30 feeds of a corpus with the most picture markup
 * (Media RSS, enclosures, images in the text), each served from a loopback publisher, polled by the
 * real `courtesy`, and the site opened in Chromium. The feeds' picture addresses (on hosts this
 * machine cannot reach) are pointed at the loopback publisher, which answers each with a picture
 * of its own, so that the cache does what it would do on the web. It reports how many articles
 * have a lead image and from where, what the cache kept and why it refused the rest, and, for the
 * home page, every section and 12 article pages at 1280 and 390 px in both themes, the cumulative
 * layout shift and every request to a host that is not the site's own.
 *
 *   npm run report:pictures -- CORPUS [--feeds 30] [--shots DIR]
 *
 * CORPUS is a folder with a feeds/ folder of feed files. Without one, it says so and stops.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { courtesy, serve } from '../../test/support/cli.js';
import { launchBrowser } from '../../test/support/browser.js';
import { freePort, startTestServer } from '../../test/support/http.js';
import { testImage } from '../../test/support/images.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { feeds: { type: 'string', default: '30' }, shots: { type: 'string' } },
});
const corpus = positionals[0];
if (!corpus || !existsSync(join(corpus, 'feeds'))) {
  console.log(
    `pictures report: skipped: no corpus given (or it has no feeds/ folder): ${corpus ?? '(none)'}`,
  );
  process.exit(0);
}
const FEEDS = Number(args.feeds);
const shots = args.shots ? resolve(args.shots) : null;
if (shots) mkdirSync(shots, { recursive: true });

/** Picture markup in a feed: what the lead image and the text's pictures come from. */
const MARKUP = /<img|&lt;img|media:thumbnail|media:content|<enclosure|"image"\s*:/gi;
const chosen = readdirSync(join(corpus, 'feeds'))
  .map((name) => {
    const text = readFileSync(join(corpus, 'feeds', name), 'latin1');
    return { name, text, marks: text.match(MARKUP)?.length ?? 0 };
  })
  .filter((f) => f.marks > 0)
  .sort((a, b) => b.marks - a.marks || a.name.localeCompare(b.name))
  .slice(0, FEEDS);

// Picture addresses, pointed at the publisher: every address in a src= or url= attribute (plain, or
// escaped in the text), an href= that names an image, and JSON Feed's image fields.
const PICTURE_URL =
  /((?:src|url)\s*=\s*(?:"|'|&quot;|&#34;)|href\s*=\s*(?:"|'|&quot;|&#34;)(?=https?:\/\/[^"'<>\s]+?\.(?:jpe?g|png|gif|webp)\b)|"(?:image|banner_image)"\s*:\s*")(https?:\/\/[^"'<>\s]+?)(?="|'|&quot;|&#34;)/gi;
const pictures = new Map<string, number>();
let origin = '';
const rewrite = (text: string) =>
  text.replace(PICTURE_URL, (_, lead: string, url: string) => {
    const id = createHash('sha1').update(url).digest('hex').slice(0, 16);
    pictures.set(id, pictures.size);
    return `${lead}${origin}/img/${id}.jpg`;
  });

const sizes: Array<[number, number]> = [
  [1600, 900],
  [1200, 800],
  [800, 600],
  [640, 360],
  [300, 300],
];
const images = await Promise.all(sizes.map(([w, h]) => testImage(w, h)));
const publisher = await startTestServer((req, res) => {
  const url = req.url ?? '';
  const feed = /^\/feeds\/(\d+)$/.exec(url);
  if (feed) {
    const f = chosen[Number(feed[1])];
    if (!f) return void res.writeHead(404).end();
    return void res
      .writeHead(200, {
        'content-type': f.name.endsWith('.json') ? 'application/feed+json' : 'application/xml',
      })
      .end(Buffer.from(rewrite(f.text), 'latin1'));
  }
  const picture = /^\/img\/([0-9a-f]{16})\.jpg$/.exec(url);
  if (picture) {
    const n = pictures.get(picture[1]!) ?? 0;
    return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(images[n % images.length]);
  }
  res.writeHead(404).end();
});
origin = publisher.url;

const dataDir = mkdtempSync(join(tmpdir(), 'courtesy-pictures-'));
const port = await freePort();
writeFileSync(
  join(dataDir, 'courtesy.toml'),
  `[site]\nname = "Pictures Report"\nbase_url = "http://127.0.0.1:${port}"\n[server]\nport = ${port}\n[poll]\nallow_private_networks = true\n`,
);
for (const [i, f] of chosen.entries()) {
  const added = await courtesy(dataDir, ['sources', 'add', `${origin}/feeds/${i}`, '--name', f.name]);
  if (added.code !== 0) console.log(`  ${f.name}: not added: ${added.stderr.trim().split('\n')[0]}`);
  else if (i % 3 === 0) await courtesy(dataDir, ['sources', 'set', String(i + 1), '--section', 'Reports']);
}
const polled = await courtesy(dataDir, ['poll', '--once', '--all']);
const imagesLine = /images: .*/.exec(polled.stdout)?.[0] ?? 'images: none worked';
const site = await serve(dataDir, ['--no-poll', '--port', String(port)]);

const home = await (await fetch(`${site.url}/`)).text();
const cards = [...home.matchAll(/<article class="card( with-image)?">/g)];
const articles = [...new Set([...home.matchAll(/href="(\/articles\/[^"]+)"/g)].map((m) => m[1]!))].slice(
  0,
  12,
);
const sections = [...new Set([...home.matchAll(/href="(\/sections\/[^"]+)"/g)].map((m) => m[1]!))];

const browser = await launchBrowser();
let worstShift = 0;
const elsewhere = new Map<string, string>();
let pagesSeen = 0;
for (const [scheme, width] of [
  ['light', 1280],
  ['dark', 1280],
  ['light', 390],
  ['dark', 390],
] as const) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
  page.on('request', (r) => {
    if (!r.url().startsWith(site.url)) elsewhere.set(r.url(), r.resourceType());
  });
  for (const path of [
    '/',
    '/sections/reports',
    ...sections.filter((s) => s !== '/sections/reports'),
    ...articles,
  ]) {
    await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
    const shift = await page.evaluate<number>(`new Promise((resolve) => {
      let total = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
        .observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => resolve(total), 300);
    })`);
    worstShift = Math.max(worstShift, shift);
    pagesSeen++;
    if (shots && (path === '/' || path === articles[0] || path === '/sections/reports'))
      await page.screenshot({
        path: join(
          shots,
          `pictures-${path === '/' ? 'home' : path.startsWith('/sections') ? 'section' : 'article'}-${width}-${scheme}.png`,
        ),
      });
  }
  await page.close();
}
await browser.close();

console.log(
  `pictures report: ${chosen.length} feeds of ${corpus} with picture markup, ${pictures.size} picture addresses`,
);
console.log(`  poll: ${polled.stdout.split('\n').find((l) => l.startsWith('polled')) ?? polled.stderr}`);
console.log(`  ${imagesLine}`);
console.log(
  `  home page: ${cards.length} cards, ${cards.filter((c) => c[1]).length} with a picture; ${sections.length} section(s) linked`,
);
console.log(
  `  ${pagesSeen} page views (home, sections, ${articles.length} articles; 1280 and 390 px, light and dark)`,
);
console.log(`  cumulative layout shift: worst ${worstShift.toFixed(4)} (target under 0.05)`);
const imageRequests = [...elsewhere].filter(([, type]) => type === 'image').map(([url]) => url);
const otherRequests = [...elsewhere].filter(([, type]) => type !== 'image');
console.log(
  `  image requests to any host but the site's own: ${imageRequests.length}${imageRequests.length ? `: ${imageRequests.slice(0, 5).join(', ')}` : ''}`,
);
console.log(
  `  other requests elsewhere (players from the embed hosts the operator allows): ${otherRequests.length}${
    otherRequests.length
      ? `: ${otherRequests
          .slice(0, 3)
          .map(([u, t]) => `${t} ${u}`)
          .join(', ')}`
      : ''
  }`,
);
const db = new Database(join(dataDir, 'courtesy.sqlite'), { readonly: true });
const lines = db.prepare('SELECT role, state, note FROM entry_media').all() as Array<{
  role: string;
  state: string;
  note: string | null;
}>;
const tally = new Map<string, number>();
for (const l of lines) {
  const why = l.note ? `: ${l.note.replace(/https?:\/\/\S+/g, 'URL').replace(/\d+/g, 'N')}` : '';
  const key = `${l.role} ${l.state}${why}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}
for (const [key, n] of [...tally].sort((a, b) => b[1] - a[1])) console.log(`  ${n} ${key}`);
db.close();

await site.stop();
await publisher.close();
rmSync(dataDir, { recursive: true, force: true });
