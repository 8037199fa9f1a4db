/**
 * The media cache benchmark: 10,000 articles' lead images fetched from a loopback publisher,
 * resized and kept by courtesy's media cache (src/media) within a disk bound far smaller than they
 * would take, beside a floor measured in the same run: the same images resized by the same code
 * with no fetching, no store and no files. It shows the cache's bounds, its peak memory and the
 * disk it keeps to, and what fetching, storing and evicting add to the resizing itself.
 *
 *   npm run bench:media [-- --images 10000 --max-disk-mb 64 --floor 400]
 *
 * Every article has an address of its own (`?copy=N`), so every image is fetched and resized: the
 * worst case. The pictures are blurred noise (as hard to compress as photographs), 1600 × 1000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadConfig } from '../../src/config/index.js';
import { Fetcher, RobotsRules } from '../../src/fetch/index.js';
import { createLogger } from '../../src/log/logger.js';
import { MediaCache } from '../../src/media/index.js';
import { resizeImage } from '../../src/media/resize.js';
import type { EntryInput } from '../../src/model/entry.js';
import { openStore } from '../../src/store/index.js';
import { sampleMemoryPeaks } from '../support/memory.js';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    distinct: { type: 'string', default: '24' },
    'max-disk-mb': { type: 'string', default: '64' },
    floor: { type: 'string', default: '400' },
  },
});
const IMAGES = Number(args.images);
const DISTINCT = Number(args.distinct);
const MAX_DISK = Number(args['max-disk-mb']) * 1024 * 1024;
const FLOOR = Math.min(Number(args.floor), IMAGES);

async function picture(seed: number): Promise<Buffer> {
  const noise = await sharp({
    create: {
      width: 1600,
      height: 1000,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 100 + seed, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
  return sharp(noise).blur(2.5).jpeg({ quality: 85 }).toBuffer();
}

const pictures = await Promise.all(Array.from({ length: DISTINCT }, (_, i) => picture(i)));
const averageKb = pictures.reduce((n, p) => n + p.byteLength, 0) / pictures.length / 1024;
const server = createServer((req, res) => {
  const m = /^\/img\/(\d+)\.jpg/.exec(req.url ?? '');
  if (req.url === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('');
  if (!m) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'image/jpeg' }).end(pictures[Number(m[1]) % DISTINCT]);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The floor: the same resizing, in memory, one image after another as the cache does them.
const floorStarted = process.hrtime.bigint();
const floorCpu = process.cpuUsage();
for (let i = 0; i < FLOOR; i++) await resizeImage(pictures[i % DISTINCT]!);
const floorCpuS = cpuSeconds(process.cpuUsage(floorCpu));
const floorS = Number(process.hrtime.bigint() - floorStarted) / 1e9;

const dir = mkdtempSync(join(tmpdir(), 'courtesy-bench-media-'));
const loaded = loadConfig({ dataDir: dir, allowPrivateNetworks: true }, {});
const config = {
  ...loaded,
  media: { ...loaded.media, dir: join(dir, 'media'), maxDiskBytes: MAX_DISK },
  poll: { ...loaded.poll, checkEveryMs: 3_600_000 },
};
const store = await openStore(`sqlite:${join(dir, 'courtesy.sqlite')}`);
const source = await store.sources.add({ feedUrl: `${origin}/feed.xml` }, new Date());
const now = new Date();
for (let i = 0; i < IMAGES; i += 500) {
  const batch: EntryInput[] = [];
  for (let n = i; n < Math.min(IMAGES, i + 500); n++) {
    batch.push({
      guid: `urn:${n}`,
      url: `${origin}/news/${n}.html`,
      title: `Story ${n}`,
      author: null,
      publishedAt: new Date(now.getTime() - n * 60_000),
      updatedAt: null,
      summaryHtml: `<p>Story ${n}.</p>`,
      contentHtml: null,
      categories: [],
      enclosures: [],
      contentHash: `h${n}`,
      imageUrl: `${origin}/img/${n % DISTINCT}.jpg?copy=${n}`,
    });
  }
  await store.entries.saveRefresh(source.id, batch, {}, now);
}

const fetcher = new Fetcher({ userAgent: config.poll.userAgent, allowPrivateNetworks: true });
const cache = new MediaCache({
  store,
  fetcher,
  robots: new RobotsRules(fetcher, config.poll.userAgent),
  config,
  logger: createLogger('silent'),
});
const memory = sampleMemoryPeaks(50);
let largestDisk = 0;
const diskWatch = setInterval(() => {
  void cache.files.diskBytes().then((b) => (largestDisk = Math.max(largestDisk, b)));
}, 2_000);
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const pass = await cache.drain();
const cpuS = cpuSeconds(process.cpuUsage(cpu));
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(diskWatch);
const peaks = memory.stop();
const counts = await store.media.counts();
const usage = await store.media.usage();
const disk = await cache.files.diskBytes();
largestDisk = Math.max(largestDisk, disk);

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const perImage = (s: number, n: number) => ((s / n) * 1000).toFixed(1);
console.log(
  `media cache: ${IMAGES} images (${DISTINCT} distinct pictures of ${averageKb.toFixed(0)} KB, 1600 × 1000), bound ${mb(MAX_DISK)} MB`,
);
console.log(
  `  courtesy: ${wallS.toFixed(1)} s, ${cpuS.toFixed(1)} CPU s (${perImage(wallS, IMAGES)} ms, ${perImage(cpuS, IMAGES)} CPU ms an image), ` +
    `${(IMAGES / wallS).toFixed(0)} images/s`,
);
console.log(
  `  floor (resizing alone, ${FLOOR} images): ${perImage(floorS, FLOOR)} ms, ${perImage(floorCpuS, FLOOR)} CPU ms an image`,
);
console.log(
  `  ratio to the floor: ${(wallS / IMAGES / (floorS / FLOOR)).toFixed(2)}× wall, ${(cpuS / IMAGES / (floorCpuS / FLOOR)).toFixed(2)}× CPU`,
);
console.log(
  `  kept: ${counts.ready} ready, ${counts.evicted} evicted, ${counts.failed} failed, ${counts.pending} pending; ` +
    `${pass.evicted} evicted in all`,
);
console.log(
  `  disk: ${mb(disk)} MB at the end (store's count ${mb(usage.bytes)} MB), largest seen ${mb(largestDisk)} MB, bound ${mb(MAX_DISK)} MB`,
);
console.log(
  `  memory: peak RSS ${peaks.rssMb.toFixed(0)} MB, heap ${peaks.heapUsedMb.toFixed(0)} MB, array buffers ${peaks.arrayBuffersMb.toFixed(0)} MB`,
);

await cache.stop();
await fetcher.close();
await store.close();
server.close();
rmSync(dir, { recursive: true, force: true });

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
