/**
 * The large-bodies benchmark: what reading many large or hostile bodies at once costs courtesy's
 * fetcher (src/fetch: the byte budget, a body in one buffer of its announced size, gzip trailers
 * read before decompressing), beside a peer timed on the same bodies: undici and zlib used as their
 * documentation shows, each body kept in its chunks and joined, with the same cap while it streams
 * and after decompression, and no budget. Each kind of body and each client runs in a process of
 * its own, so that its peak memory is its own; 40 fetches are in flight at once, as in a poll of
 * 20 hosts with 2 slots each.
 *
 *   npm run bench:bodies [-- --count 100]
 *
 * Kinds: 50 MB of unknown length (read to the 10 MB cap), 50 MB announced (refused unread), a gzip
 * bomb (64 MB of zeros in 64 KB), a deflate bomb (no trailer to read), 2 MB feeds announced, and
 * 2 MB feeds gzipped in chunks (their size unknown until decompressed).
 */
import { spawnSync } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { constants, deflateSync, gunzip, gzipSync, inflate } from 'node:zlib';
import { Agent, request } from 'undici';
import { Fetcher } from '../../src/fetch/index.js';
import { sampleMemoryPeaks } from '../support/memory.js';
import { prng } from '../support/random.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    kind: { type: 'string' },
    client: { type: 'string' },
  },
});

const CAP = 10 * 1024 * 1024;
const IN_FLIGHT = 40;
const KINDS = [
  'unknown-50mb',
  'announced-50mb',
  'gzip-bomb',
  'deflate-bomb',
  'feed-2mb',
  'feed-2mb-gzip',
] as const;
type Kind = (typeof KINDS)[number];
const CLIENTS = ['courtesy', 'undici+zlib'] as const;
type Client = (typeof CLIENTS)[number];

interface Measure {
  kind: Kind;
  client: Client;
  cpuS: number;
  wallS: number;
  peakRssMb: number;
  peakArrayBuffersMb: number;
  outcomes: Record<string, number>;
}

/** An RSS feed of about `bytes`, of words drawn from a small vocabulary: it gzips about as real feeds do. */
function syntheticFeed(bytes: number): Buffer {
  const random = prng(1);
  const words = 'the of news source author rights page article courtesy feed poll publisher aggregator'.split(
    ' ',
  );
  const parts = ['<rss version="2.0"><channel><title>Synthetic</title>'];
  let size = parts[0]!.length;
  while (size < bytes - 100) {
    const text = Array.from({ length: 60 }, () => words[Math.floor(random() * words.length)]).join(' ');
    const item = `<item><title>${text.slice(0, 40)}</title><description>${text}</description></item>`;
    parts.push(item);
    size += item.length;
  }
  parts.push('</channel></rss>');
  return Buffer.from(parts.join(''));
}

/** A loopback server that sends `kind` for every request. */
async function serve(kind: Kind): Promise<{ url: string; close(): void }> {
  const piece = Buffer.alloc(64 * 1024, 0x20);
  const feed2mb = syntheticFeed(2 * 1024 * 1024);
  const gzipBomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: constants.Z_BEST_COMPRESSION });
  const deflateBomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: constants.Z_BEST_COMPRESSION });
  const feedGzip = gzipSync(feed2mb);
  const stream = (res: ServerResponse, total: number): void => {
    let sent = 0;
    const pump = (): void => {
      while (sent < total && !res.destroyed) {
        sent += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };
  const server = createServer((_req, res) => {
    switch (kind) {
      case 'unknown-50mb':
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return stream(res, 50 * 1024 * 1024);
      case 'announced-50mb':
        res.writeHead(200, {
          'content-type': 'application/rss+xml',
          'content-length': String(50 * 1024 * 1024),
        });
        return stream(res, 50 * 1024 * 1024);
      case 'gzip-bomb':
        return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipBomb);
      case 'deflate-bomb':
        return void res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateBomb);
      case 'feed-2mb':
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed2mb);
      case 'feed-2mb-gzip':
        // Written in two pieces: chunked, so its length is not announced.
        res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
        res.write(feedGzip.subarray(0, feedGzip.length >> 1));
        return void res.end(feedGzip.subarray(feedGzip.length >> 1));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/** The peer: undici's request and zlib, each body kept in its chunks, the same caps, no budget. */
function peerClient(): { fetch(url: string): Promise<number>; close(): Promise<void> } {
  const agent = new Agent({ connections: IN_FLIGHT, keepAliveTimeout: 30_000 });
  const decompress: Record<string, (b: Buffer, o: { maxOutputLength: number }) => Promise<Buffer>> = {
    gzip: promisify(gunzip),
    deflate: promisify(inflate),
  };
  return {
    async fetch(url) {
      const res = await request(url, { dispatcher: agent, headers: { 'accept-encoding': 'gzip, deflate' } });
      if (Number(res.headers['content-length'] ?? 0) > CAP) {
        res.body.destroy();
        throw Object.assign(new Error('announced past the cap'), { code: 'too-large' });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > CAP) {
          res.body.destroy();
          throw Object.assign(new Error('over the cap'), { code: 'too-large' });
        }
        chunks.push(chunk);
      }
      const raw = Buffer.concat(chunks, size);
      const encoding = res.headers['content-encoding'];
      const inflateTo = typeof encoding === 'string' ? decompress[encoding] : undefined;
      if (!inflateTo) return raw.length;
      try {
        return (await inflateTo(raw, { maxOutputLength: CAP })).length;
      } catch (error) {
        if (error instanceof RangeError)
          throw Object.assign(new Error('over the cap'), { code: 'too-large' });
        throw error;
      }
    },
    close: () => agent.close(),
  };
}

function courtesyClient(): { fetch(url: string): Promise<number>; close(): Promise<void> } {
  const fetcher = new Fetcher({
    userAgent: 'courtesy-bench',
    allowPrivateNetworks: true,
    maxBodyBytes: CAP,
    totalConcurrency: IN_FLIGHT,
    perHostConcurrency: IN_FLIGHT,
  });
  return {
    async fetch(url) {
      const result = await fetcher.fetch(url);
      return result.kind === 'modified' ? result.body.length : 0;
    },
    close: () => fetcher.close(),
  };
}

/** One kind with one client, in this process. */
async function measureHere(kind: Kind, client: Client, count: number): Promise<Measure> {
  const server = await serve(kind);
  (globalThis as { gc?: () => void }).gc?.(); // the server's own bodies, made above, are not the client's
  const http = client === 'courtesy' ? courtesyClient() : peerClient();
  const memory = sampleMemoryPeaks(5);
  const outcomes: Record<string, number> = {};
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++;
      let outcome: string;
      try {
        outcome = `ok ${((await http.fetch(server.url)) / 1024 / 1024).toFixed(0)} MB`;
      } catch (error) {
        outcome = String((error as { code?: unknown }).code ?? error);
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const peaks = memory.stop();
  await http.close();
  server.close();
  return {
    kind,
    client,
    cpuS: (used.user + used.system) / 1e6,
    wallS,
    peakRssMb: peaks.rssMb,
    peakArrayBuffersMb: peaks.arrayBuffersMb,
    outcomes,
  };
}

const count = Math.max(1, Number.parseInt(args.count, 10) || 100);
if (args.kind && args.client) {
  const measure = await measureHere(args.kind as Kind, args.client as Client, count);
  process.stdout.write(`${JSON.stringify(measure)}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  for (const kind of KINDS) {
    const measures = new Map<Client, Measure>();
    for (const client of CLIENTS) {
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          '--expose-gc',
          self,
          '--kind',
          kind,
          '--client',
          client,
          '--count',
          String(count),
        ],
        { encoding: 'utf8', env: process.env, maxBuffer: 1024 * 1024 },
      );
      if (child.status !== 0) {
        process.stderr.write(child.stderr);
        process.exit(1);
      }
      measures.set(client, JSON.parse(child.stdout) as Measure);
    }
    const ours = measures.get('courtesy')!;
    const peer = measures.get('undici+zlib')!;
    const outcome = (m: Measure) =>
      Object.entries(m.outcomes)
        .map(([name, n]) => `${n} ${name}`)
        .join(', ');
    rows.push(
      `| ${kind} | ${ours.cpuS.toFixed(2)} | ${peer.cpuS.toFixed(2)} | ${(ours.cpuS / peer.cpuS).toFixed(2)} | ${ours.wallS.toFixed(1)} | ${peer.wallS.toFixed(1)} | ${ours.peakRssMb.toFixed(0)} | ${peer.peakRssMb.toFixed(0)} | ${ours.peakArrayBuffersMb.toFixed(0)} | ${peer.peakArrayBuffersMb.toFixed(0)} | ${outcome(ours)} | ${outcome(peer)} |`,
    );
  }
  process.stdout.write(
    [
      `${count} bodies of each kind, ${IN_FLIGHT} in flight, cap ${CAP / 1024 / 1024} MB; node ${process.version}`,
      '',
      '| kind | courtesy CPU s | peer CPU s | × peer | courtesy wall s | peer wall s | courtesy peak RSS MB | peer peak RSS MB | courtesy peak ArrayBuffers MB | peer peak ArrayBuffers MB | courtesy outcomes | peer outcomes |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}
