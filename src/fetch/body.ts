import { promisify } from 'node:util';
import {
  brotliDecompress,
  brotliDecompressSync,
  gunzip,
  gunzipSync,
  inflate,
  inflateRaw,
  inflateRawSync,
  inflateSync,
  type InputType,
  type ZlibOptions,
} from 'node:zlib';
import { FetchError } from './errors.js';
import type { ByteBudget } from './host-limits.js';
import { collectYoungGarbage } from './young-garbage.js';

/** What bounds a body: see FetcherOptions, where each is described. */
export interface BodyLimits {
  maxBodyBytes: number;
  largeBodyBytes: number;
  minBytesPerSecond: number;
  slowBodyGraceMs: number;
}

/**
 * The share of the large-body budget that one fetch holds: nothing while its body stays small,
 * then what its body may come to once it does not. Given back when the fetch ends.
 */
export class BodyLease {
  private held = 0;

  constructor(
    private readonly budget: ByteBudget,
    /** Where a body of unknown length that passes largeBodyBytes is read to. */
    readonly capBuffers: CapBuffers,
  ) {}

  /** Holds at least `bytes` of the budget (at most all of it), waiting for them if need be. */
  async reserve(bytes: number): Promise<void> {
    if (this.covers(bytes)) return;
    // What is held goes back before the wait: two fetches each holding a part of the budget and
    // waiting for more would wait for each other for ever.
    this.release();
    this.held = await this.budget.acquire(bytes);
  }

  covers(bytes: number): boolean {
    return this.held >= Math.min(bytes, this.budget.total);
  }

  release(): void {
    if (this.held > 0) this.budget.release(this.held);
    this.held = 0;
  }
}

/**
 * Buffers of the cap's length, lent to bodies of unknown length once they pass largeBodyBytes and
 * taken back when they end: the network's 64 KB chunks are copied in as they come and die young,
 * and the buffer itself is used again by the next such body, instead of each body leaving its
 * cap's worth of chunks to V8's next full collection (which waits for 64 MB more of them). The
 * budget bounds how many are out at once; those not lent are let go once no large body of unknown
 * length has been read for a while.
 */
export class CapBuffers {
  private readonly free: Buffer[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly size: number,
    private readonly idleMs = 10_000,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    this.free.push(buffer);
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => {
        this.free.length = 0;
        this.timer = null;
      }, this.idleMs);
      this.timer.unref();
    }
  }

  /** How many are kept for the next bodies. */
  get kept(): number {
    return this.free.length;
  }
}

/** A response body as undici gives it. */
export type BodyStream = AsyncIterable<Buffer> & { destroy(error?: Error): void };

/**
 * Reads a raw body into one buffer, stopping as soon as it passes the cap, or once it comes slower
 * than the minimum speed (checked at each chunk, and by a timer for a server that sends nothing
 * more). A body whose length was announced goes straight into a buffer of that length, the
 * network's chunks copied as they come; one of unknown length is kept in its chunks while it stays
 * within largeBodyBytes, and past that is copied into one of the cap's buffers (see CapBuffers)
 * and out again, at its size, once it ends. Past largeBodyBytes the fetch first waits for its
 * share of the budget (the announced length, or the cap), reading nothing meanwhile; the time
 * waited does not count against the body's speed. While it reads such a large body it collects
 * the young generation each megabyte (see collectYoungGarbage): the chunks it copied are dead by
 * then, but V8 would keep up to 64 MB more of them before it collected them on its own.
 */
export async function readBody(
  stream: BodyStream,
  announced: number | null,
  signal: AbortSignal,
  limits: BodyLimits,
  lease: BodyLease,
): Promise<Buffer> {
  const cap = limits.maxBodyBytes;
  const minRate = limits.minBytesPerSecond;
  const grace = limits.slowBodyGraceMs;
  let size = 0;
  let started = Date.now();
  let waiting = false;
  let slow: FetchError | null = null;
  const tooSlow = (): boolean => {
    if (waiting) return false;
    const elapsed = Date.now() - started;
    if (minRate <= 0 || elapsed < grace || size >= (minRate * elapsed) / 1000) return false;
    slow = tooSlowError(size, elapsed, minRate);
    return true;
  };
  const timer =
    minRate > 0
      ? setInterval(() => {
          if (tooSlow()) stream.destroy(slow!);
        }, grace / 5)
      : null;
  timer?.unref();
  const reserve = async (bytes: number): Promise<void> => {
    if (lease.covers(bytes)) return;
    waiting = true;
    const from = Date.now();
    await lease.reserve(bytes);
    started += Date.now() - from;
    waiting = false;
  };

  /** The body's buffer: of its announced length, or, for one of unknown length, a lent one of the cap's. */
  let target: Buffer | null = null;
  const chunks: Buffer[] = [];
  try {
    if (announced !== null) {
      if (announced > limits.largeBodyBytes) await reserve(announced);
      target = Buffer.allocUnsafe(announced);
    }
    for await (const chunk of stream) {
      const end = size + chunk.length;
      if (end > cap) {
        stream.destroy();
        throw tooLarge(cap);
      }
      if (target === null && end > limits.largeBodyBytes) {
        await reserve(cap);
        target = lease.capBuffers.take();
        let at = 0;
        for (const earlier of chunks) at += earlier.copy(target, at);
        chunks.length = 0;
      }
      if (target === null) {
        chunks.push(chunk);
      } else if (end > target.length) {
        stream.destroy();
        throw new FetchError(
          'fetch.network',
          `fetch: the server sent more than the ${target.length} bytes it announced`,
        );
      } else {
        chunk.copy(target, size);
        // The chunks of a large body, once copied, are garbage: let them go each megabyte.
        if (end > limits.largeBodyBytes && size >>> 20 !== end >>> 20) collectYoungGarbage();
      }
      size = end;
      if (tooSlow()) {
        stream.destroy();
        throw slow!;
      }
      if (signal.aborted) {
        stream.destroy();
        throw signal.reason;
      }
    }
    if (target === null) return Buffer.concat(chunks, size);
    if (announced === null) {
      const body = Buffer.allocUnsafe(size);
      target.copy(body, 0, 0, size);
      return body;
    }
    return size === target.length ? target : target.subarray(0, size);
  } catch (error) {
    throw slow ?? error;
  } finally {
    if (timer) clearInterval(timer);
    if (announced === null && target !== null) lease.capBuffers.give(target);
  }
}

/**
 * A decompressor in both forms: at once, for a body known to stay small (what most feeds are), and
 * on the thread pool, for one that may reach the cap. zlib's asynchronous form hands its work to the
 * thread pool and back in 16 KB pieces through a stream; for a feed of a few tens of kilobytes that
 * overhead on the main thread cost several times the decompression itself.
 */
interface Decompressor {
  now(buf: InputType, opts: ZlibOptions): Buffer;
  later(buf: InputType, opts: ZlibOptions): Promise<Buffer>;
}
const GUNZIP: Decompressor = { now: gunzipSync, later: promisify(gunzip) };
const DECOMPRESSORS: Record<string, Decompressor> = {
  gzip: GUNZIP,
  'x-gzip': GUNZIP,
  deflate: { now: inflateSync, later: promisify(inflate) },
  br: { now: brotliDecompressSync, later: promisify(brotliDecompress) },
};
const INFLATE_RAW: Decompressor = { now: inflateRawSync, later: promisify(inflateRaw) };

/**
 * Decompresses with the same cap on the output, so a compression bomb stops at the limit (a gzip
 * one whose trailer gives its size is refused before it is opened). Within largeBodyBytes it
 * decompresses at once (at most a few milliseconds of the main thread); past it, on the thread
 * pool, once the fetch holds its share of the budget: the size a gzip body's trailer gives, or
 * the cap.
 */
export async function decompressBody(
  raw: Buffer,
  encoding: string | null,
  limits: BodyLimits,
  lease: BodyLease,
): Promise<Buffer> {
  const name = encoding?.trim().toLowerCase();
  if (!name || name === 'identity' || raw.length === 0) return raw;
  const decompressor = DECOMPRESSORS[name];
  if (!decompressor) {
    throw new FetchError('fetch.decompress', `fetch: unsupported content encoding "${encoding}"`);
  }
  const claimed = decompressor === GUNZIP ? gzipSize(raw) : null;
  try {
    return await bounded(decompressor, raw, claimed, limits, lease);
  } catch (error) {
    if (error instanceof FetchError) throw error;
    // Servers that say "deflate" often send raw DEFLATE without the zlib wrapper (RFC 9110 §8.4.1.2 notes it).
    if (name === 'deflate') {
      try {
        return await bounded(INFLATE_RAW, raw, null, limits, lease);
      } catch (rawError) {
        if (rawError instanceof FetchError) throw rawError;
      }
    }
    throw new FetchError('fetch.decompress', `fetch: the ${name} body could not be decompressed`, {
      cause: error,
    });
  }
}

async function bounded(
  decompressor: Decompressor,
  raw: Buffer,
  claimed: number | null,
  limits: BodyLimits,
  lease: BodyLease,
): Promise<Buffer> {
  const cap = limits.maxBodyBytes;
  const small = Math.min(limits.largeBodyBytes, cap);
  if (claimed !== null && claimed > cap) {
    // The last member alone would decompress to at least that much: a bomb. Opened only as far as
    // largeBodyBytes, to tell it from a body that is broken (whose last bytes are no trailer).
    try {
      return decompressor.now(raw, { maxOutputLength: small });
    } catch (error) {
      if (!outputTooLarge(error)) throw error;
    }
    throw new FetchError(
      'fetch.too-large',
      `fetch: response body too large after decompression: its gzip trailer gives ${claimed} bytes, over the limit of ${cap}`,
    );
  }
  if (raw.length <= small && (claimed === null || claimed <= small)) {
    try {
      return decompressor.now(raw, { maxOutputLength: small });
    } catch (error) {
      if (!outputTooLarge(error) || small >= cap) throw capped(error, cap);
    }
    claimed = null; // larger than its trailer said (see gzipSize)
  }
  const within = async (limit: number): Promise<Buffer> => {
    await lease.reserve(raw.length + limit);
    return decompressor.later(raw, { maxOutputLength: limit });
  };
  const bound = claimed !== null && claimed > small ? claimed : cap;
  try {
    return await within(bound);
  } catch (error) {
    if (!outputTooLarge(error) || bound >= cap) throw capped(error, cap);
  }
  // Past the size its trailer gave (several gzip members): once more, within the cap.
  try {
    return await within(cap);
  } catch (error) {
    throw capped(error, cap);
  }
}

/**
 * The size a gzip body says it decompresses to: the last four bytes of its last member (RFC 1952
 * §2.3.1, its length modulo 2^32, which zlib checks). No more than what the body decompresses to,
 * when it does: zlib takes several members one after another, and zeros after the last one (whose
 * trailer then reads 0). So a trailer past the cap condemns the body, and one within it is what to
 * reserve memory for, not a bound: earlier members may give more.
 */
function gzipSize(raw: Buffer): number | null {
  if (raw.length < 18 || raw[0] !== 0x1f || raw[1] !== 0x8b) return null;
  return raw.readUInt32LE(raw.length - 4);
}

function capped(error: unknown, cap: number): unknown {
  return outputTooLarge(error) ? tooLarge(cap, 'after decompression') : error;
}

export function tooLarge(limit: number, when = ''): FetchError {
  const suffix = when ? ` ${when}` : '';
  return new FetchError('fetch.too-large', `fetch: response body too large${suffix}: over ${limit} bytes`);
}

function outputTooLarge(error: unknown): boolean {
  return error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

function tooSlowError(bytes: number, elapsedMs: number, minRate: number): FetchError {
  return new FetchError(
    'fetch.too-slow',
    `fetch: the server sent ${bytes} bytes of the body in ${(elapsedMs / 1000).toFixed(1)} s, slower than ${minRate} bytes a second`,
  );
}
