import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { BodyLease, CapBuffers, decompressBody, readBody, type BodyLimits } from './body.js';
import { FetchError } from './errors.js';
import { classify, dnsError, privateAddressError, statusError, timeoutError } from './failures.js';
import { ByteBudget, HostLimiter } from './host-limits.js';
import { ipLiteral, isPrivateAddress } from './private-address.js';

export interface FetcherOptions {
  userAgent: string;
  /** Reach loopback and private addresses (tests, local demos). */
  allowPrivateNetworks: boolean;
  /** Origins reachable even when private (the site's own, which serves its bundled sample feeds). */
  allowedOrigins?: readonly string[];
  maxBodyBytes: number;
  connectTimeoutMs: number;
  /** Time to the response headers (first byte). */
  headersTimeoutMs: number;
  /** Time for the whole request, body included: stops a server that trickles. */
  totalTimeoutMs: number;
  /**
   * The slowest a body may come, in bytes a second, averaged from its first byte once it has taken
   * slowBodyGraceMs: a server that trickles is let go of long before the total timeout, and its
   * host's slot is free for the next feed. 0 waits for the total timeout alone.
   */
  minBytesPerSecond: number;
  /** How long a body may take before its speed is judged: a slow start is no trickle. */
  slowBodyGraceMs: number;
  /**
   * A body larger than this, as read or decompressed, is a large one: before it reads or
   * decompresses further, its fetch waits for its share of `largeBodyBudgetBytes` (the length
   * announced or given by a gzip trailer, or else maxBodyBytes), reading nothing meanwhile. So the
   * memory the fetches in flight hold is bounded by about concurrency × largeBodyBytes +
   * largeBodyBudgetBytes, not concurrency × maxBodyBytes (320 MB at the defaults) when many large
   * or hostile bodies come together, while large feeds of a known size are read many at once.
   */
  largeBodyBytes: number;
  /** Defaults to 2 × (maxBodyBytes + largeBodyBytes): two bodies of unknown size at the cap. */
  largeBodyBudgetBytes?: number;
  maxRedirects: number;
  perHostConcurrency: number;
  totalConcurrency: number;
  /** Resolves a host name to its addresses; the system resolver unless a test supplies its own. */
  resolve?: (hostname: string, family: number) => Promise<LookupAddress[]>;
}

export const DEFAULT_FETCHER_OPTIONS: Omit<FetcherOptions, 'userAgent'> = {
  allowPrivateNetworks: false,
  maxBodyBytes: 10 * 1024 * 1024,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  totalTimeoutMs: 60_000,
  minBytesPerSecond: 1024,
  slowBodyGraceMs: 5_000,
  largeBodyBytes: 256 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
  totalConcurrency: 32,
};

/** Validators from the last successful fetch (RFC 9110 §13.1). */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

interface ResponseFacts {
  /** Where the body finally came from. */
  finalUrl: string;
  /** Set when every redirect on the way was permanent (301/308): callers update the stored URL. */
  movedTo: string | null;
  status: number;
  /** Cache-Control max-age or Expires, for scheduling. */
  cacheControl: string | null;
  expires: string | null;
  /** The server's Date header, to read Expires against its clock. */
  date: string | null;
  /** The Link header(s) (RFC 8288), joined: where WebSub hubs may be announced. */
  link: string | null;
}

/** The answer to a form POST (a WebSub hub's): its status and the start of its body, as text. */
export interface PostResult {
  status: number;
  body: string;
}

/** How much of a POST's answer is read: enough for an error message. */
const POST_BODY_LIMIT = 16 * 1024;

export type FetchResult =
  | (ResponseFacts & { kind: 'not-modified' })
  | (ResponseFacts & {
      kind: 'modified';
      body: Uint8Array;
      contentType: string | null;
      validators: Validators;
    });

/** What a GET asks for unless told otherwise: feeds first, and HTML pages (which may link to feeds). */
const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5';

/** Redirect statuses (RFC 9110 §15.4); 301 and 308 are permanent. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECTS = new Set([301, 308]);

const lookupAll = promisify(dnsLookup);

/**
 * The polite HTTP client every stage fetches through: one keep-alive pool, per-host and global
 * limits, conditional GET, compression, timeouts, a body cap enforced while streaming and after
 * decompression, redirects followed by hand (at most `maxRedirects`, loops detected), and private
 * addresses refused after DNS resolution.
 */
export class Fetcher {
  private readonly options: FetcherOptions;
  private readonly agent: Agent;
  /** The connections of the allowed origins (see dispatcherFor), when there are any. */
  private readonly ownAgent: Agent | null;
  private readonly limiter: HostLimiter;
  private readonly largeBodies: ByteBudget;
  private readonly capBuffers: CapBuffers;
  private readonly bodyLimits: BodyLimits;
  private readonly allowedOrigins: Set<string>;
  private readonly resolve: (hostname: string, family: number) => Promise<LookupAddress[]>;

  constructor(options: Partial<FetcherOptions> & Pick<FetcherOptions, 'userAgent'>) {
    this.options = { ...DEFAULT_FETCHER_OPTIONS, ...options };
    this.allowedOrigins = new Set(this.options.allowedOrigins ?? []);
    this.resolve = this.options.resolve ?? ((hostname, family) => lookupAll(hostname, { all: true, family }));
    this.limiter = new HostLimiter(this.options.perHostConcurrency, this.options.totalConcurrency);
    const { maxBodyBytes, largeBodyBytes, minBytesPerSecond, slowBodyGraceMs } = this.options;
    this.bodyLimits = { maxBodyBytes, largeBodyBytes, minBytesPerSecond, slowBodyGraceMs };
    this.largeBodies = new ByteBudget(
      this.options.largeBodyBudgetBytes ?? 2 * (maxBodyBytes + largeBodyBytes),
    );
    this.capBuffers = new CapBuffers(maxBodyBytes);
    const agent = (lookup: typeof this.guardedLookup) =>
      new Agent({
        keepAliveTimeout: 30_000,
        connections: this.options.perHostConcurrency,
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.headersTimeoutMs,
        connect: { timeout: this.options.connectTimeoutMs, lookup },
      });
    this.agent = agent(this.guardedLookup);
    this.ownAgent = this.allowedOrigins.size > 0 ? agent(this.ownLookup) : null;
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.close(), this.ownAgent?.close()]);
  }

  /**
   * The connections of a request: those of the allowed origins (exactly: scheme, host and port)
   * may reach a private address, every other request's may not. A DNS lookup is told only a host
   * name, never the port, so the exemption cannot be decided there: an exempt host on another port
   * (the site's own name on an internal service's port) would pass too.
   */
  private dispatcherFor(url: URL): Agent {
    return this.ownAgent && this.allowedOrigins.has(url.origin) ? this.ownAgent : this.agent;
  }

  /** The most bytes of the large-body budget held at once so far (see largeBodyBudgetBytes). */
  get largeBodyPeakBytes(): number {
    return this.largeBodies.peak;
  }

  /** GET a URL; with validators, a conditional GET whose 304 is reported as 'not-modified'. */
  async fetch(
    url: string,
    validators: Validators = { etag: null, lastModified: null },
    options: { accept?: string } = {},
  ): Promise<FetchResult> {
    const lease = new BodyLease(this.largeBodies, this.capBuffers);
    try {
      return await this.follow(url, validators, options.accept ?? FEED_ACCEPT, lease);
    } finally {
      lease.release();
    }
  }

  private async follow(
    url: string,
    validators: Validators,
    accept: string,
    lease: BodyLease,
  ): Promise<FetchResult> {
    const started = Date.now();
    const seen = new Set<string>();
    let current = parseHttpUrl(url);
    let permanent = true;
    for (let hop = 0; ; hop++) {
      seen.add(current.href);
      this.checkLiteralAddress(current);
      const remaining = this.options.totalTimeoutMs - (Date.now() - started);
      const response = await this.limiter.run(current.host, () =>
        this.requestOnce(current, validators, remaining, accept, lease),
      );
      if (!REDIRECTS.has(response.status)) {
        return this.finish(response, current, permanent && hop > 0 ? current.href : null, lease);
      }
      const location = response.location;
      if (!location) {
        throw new FetchError(
          'fetch.http-status',
          `fetch: redirect (${response.status}) without a Location header`,
          {
            status: response.status,
          },
        );
      }
      const next = parseHttpUrl(location, current.href);
      if (seen.has(next.href)) {
        throw new FetchError(
          'fetch.redirect-loop',
          `fetch: redirect loop (${next.href} was already visited)`,
          {
            status: response.status,
          },
        );
      }
      if (hop + 1 > this.options.maxRedirects) {
        throw new FetchError(
          'fetch.too-many-redirects',
          `fetch: more than ${this.options.maxRedirects} redirects`,
          {
            status: response.status,
          },
        );
      }
      permanent &&= PERMANENT_REDIRECTS.has(response.status);
      current = next;
    }
  }

  /**
   * POSTs a form (application/x-www-form-urlencoded) under the same rules as a GET: address checks
   * after DNS, the host's limit, the timeouts. Redirects are not followed; the status is returned.
   */
  async postForm(url: string, form: URLSearchParams): Promise<PostResult> {
    const target = parseHttpUrl(url);
    this.checkLiteralAddress(target);
    return this.limiter.run(target.host, async () => {
      const signal = AbortSignal.timeout(this.options.totalTimeoutMs);
      try {
        const res = await request(target, {
          method: 'POST',
          headers: {
            'user-agent': this.options.userAgent,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/plain, */*;q=0.5',
          },
          body: form.toString(),
          dispatcher: this.dispatcherFor(target),
          signal,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= POST_BODY_LIMIT) {
            res.body.destroy();
            break;
          }
        }
        const body = Buffer.concat(chunks, size).subarray(0, POST_BODY_LIMIT).toString('utf8');
        return { status: res.statusCode, body };
      } catch (error) {
        throw classify(error, this.options.totalTimeoutMs, this.options.maxBodyBytes);
      }
    });
  }

  private async requestOnce(
    url: URL,
    validators: Validators,
    remainingMs: number,
    accept: string,
    lease: BodyLease,
  ): Promise<RawResponse> {
    if (remainingMs <= 0) throw timeoutError(this.options.totalTimeoutMs);
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept,
      'accept-encoding': 'gzip, deflate, br',
    };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    const signal = AbortSignal.timeout(remainingMs);
    try {
      const res = await request(url, { method: 'GET', headers, dispatcher: this.dispatcherFor(url), signal });
      const header = (name: string): string | null => {
        const value = res.headers[name];
        // Link may come in several headers; the others are single-valued (the first one counts).
        if (Array.isArray(value)) return name === 'link' ? value.join(', ') : (value[0] ?? null);
        return value ?? null;
      };
      const skip = REDIRECTS.has(res.statusCode) || res.statusCode === 304;
      // A body announced past the cap is refused before a byte of it is read.
      const announced = Number(header('content-length') ?? Number.NaN);
      if (!skip && announced > this.options.maxBodyBytes) {
        res.body.destroy();
        throw new FetchError(
          'fetch.too-large',
          `fetch: the server announced a body of ${announced} bytes, over the limit of ${this.options.maxBodyBytes}`,
        );
      }
      const length = Number.isSafeInteger(announced) && announced >= 0 ? announced : null;
      const body = skip
        ? (await res.body.dump(), null)
        : await readBody(res.body, length, signal, this.bodyLimits, lease);
      return { status: res.statusCode, header, body, location: header('location') };
    } catch (error) {
      throw classify(error, this.options.totalTimeoutMs, this.options.maxBodyBytes);
    }
  }

  private async finish(
    response: RawResponse,
    url: URL,
    movedTo: string | null,
    lease: BodyLease,
  ): Promise<FetchResult> {
    const facts: ResponseFacts = {
      finalUrl: url.href,
      movedTo,
      status: response.status,
      cacheControl: response.header('cache-control'),
      expires: response.header('expires'),
      date: response.header('date'),
      link: response.header('link'),
    };
    if (response.status === 304) return { ...facts, kind: 'not-modified' };
    if (response.status < 200 || response.status > 299) throw statusError(response);
    const body = await decompressBody(
      response.body ?? Buffer.alloc(0),
      response.header('content-encoding'),
      this.bodyLimits,
      lease,
    );
    return {
      ...facts,
      kind: 'modified',
      body,
      contentType: response.header('content-type'),
      validators: { etag: response.header('etag'), lastModified: response.header('last-modified') },
    };
  }

  private checkLiteralAddress(url: URL): void {
    const literal = ipLiteral(url.hostname);
    if (literal && !this.mayReach(literal, url.origin)) throw privateAddressError(url.hostname, literal);
  }

  private mayReach(address: string, origin: string | null): boolean {
    if (this.options.allowPrivateNetworks || !isPrivateAddress(address)) return true;
    return origin !== null && this.allowedOrigins.has(origin);
  }

  /** The lookup of the allowed origins' own connections (see dispatcherFor): any address. */
  private readonly ownLookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => this.lookup(hostname, options, callback, true);

  /** The lookup of every other connection: private addresses refused, unless allowPrivateNetworks. */
  private readonly guardedLookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => this.lookup(hostname, options, callback, false);

  /**
   * The DNS lookup of every connection: private addresses are refused here (unless `exempt`), after
   * resolution and for every connection (redirects included), so DNS rebinding cannot slip past a
   * check made earlier.
   */
  private lookup(
    hostname: string,
    options: LookupOptions,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
    exempt: boolean,
  ): void {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    this.resolve(hostname, family)
      .then((addresses) => {
        const refused = exempt ? undefined : addresses.find((a) => !this.mayReach(a.address, null));
        if (refused) return callback(privateAddressError(hostname, refused.address), []);
        if (addresses.length === 0) return callback(dnsError(hostname), []);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((error: unknown) => callback(dnsError(hostname, error), []));
  }
}

interface RawResponse {
  status: number;
  header(name: string): string | null;
  body: Buffer | null;
  location: string | null;
}

function parseHttpUrl(value: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch (error) {
    throw new FetchError('fetch.bad-url', `fetch: "${value}" is not a valid URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(
      'fetch.bad-url',
      `fetch: only http and https URLs can be fetched, not ${url.protocol}`,
    );
  }
  url.hash = '';
  return url;
}
