import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { ALL_PAGES, type PageTag } from '../model/page-tags.js';
import type { Store } from '../store/index.js';

/** Each page's tags, set by its route; a page without tags is not cached. */
export type CacheEnv = { Variables: { pageTags?: PageTag[]; pageRoute?: string } };

interface Cached {
  body: Uint8Array;
  status: number;
  headers: Array<[string, string]>;
  etag: string | null;
  tags: PageTag[];
  /** The pattern of the route that rendered it ("/articles/:id/:slug?"), for metrics. */
  route?: string;
  /** When it was rendered (ms): its Last-Modified, since a page is dropped as soon as it changes. */
  renderedAt: number;
  /** renderedAt as an HTTP date. */
  lastModified: string;
  /** The body compressed once, when it is worth it (made just after the page is kept). */
  br?: Uint8Array;
  gzip?: Uint8Array;
  /** The headers of each variant answered so far (by encoding, and 304 or not). */
  answers?: Map<string, { extra: readonly string[]; headers: string[] }>;
  /** When it must be rendered again: set once new entries it lacks have arrived (see `additionsDelayMs`). */
  staleAt?: number;
}

export interface PageCacheOptions {
  /** Memory for kept pages, compressed copies included. */
  maxBytes: number;
  /**
   * How long a kept page may go on being shown without new entries that belong on it, counted from
   * when it was rendered: while articles keep arriving (a large poll commits many times a second),
   * a page is rendered again at most once in this time, instead of at every commit. 0 drops it at
   * once, as every other change does. Edits, removals and takedowns always drop pages at once.
   */
  additionsDelayMs?: number;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** Smaller bodies are sent as they are: compressing them saves less than it costs. */
const COMPRESS_FROM = 1024;

/** Changes read per sync at most; more means the cache is far behind, and starts afresh. */
const SYNC_BATCH = 1000;

/**
 * Rendered pages, kept until a change touches them. Every write that changes what pages show
 * appends the tags of those pages to the store's change log (in its own transaction, whichever
 * process wrote); before answering, the cache reads the log's new lines (one indexed read, usually
 * empty) and drops the pages they name. So a new entry empties the home page, its source's,
 * authors' and tags' pages and feeds, and nothing else; a takedown empties every page that showed
 * what it removed, at once, in every web process. New entries alone may reach a page that was
 * rendered a moment ago a little later (`additionsDelayMs`); nothing that was removed ever stays.
 */
export class PageCache {
  private readonly pages = new Map<string, Cached>();
  /** Keys by tag. */
  private readonly tagged = new Map<PageTag, Set<string>>();
  private bytes = 0;
  private lastChange = -1;
  /** The change that last touched each tag, so that a page rendered across a change is not kept. */
  private readonly touchedAt = new Map<PageTag, number>();
  /** The last change that only added to each tag's pages, by id, so that a page rendered across it is kept stale. */
  private readonly addedAt = new Map<PageTag, number>();
  private everythingAt = 0;
  private syncing: Promise<void> | null = null;
  private lastHint: string | null = null;
  private readonly maxBytes: number;
  private readonly additionsDelayMs: number;
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly store: Store,
    options: PageCacheOptions,
  ) {
    this.maxBytes = options.maxBytes;
    this.additionsDelayMs = options.additionsDelayMs ?? 0;
  }

  /** Brings the cache up to the change log. Concurrent callers share one read. */
  sync(): Promise<void> {
    this.syncing ??= this.readChanges().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async readChanges(): Promise<void> {
    // Nothing was committed since the last read: the log cannot have grown.
    const hint = this.store.pageChangeHint();
    if (hint !== null && hint === this.lastHint) return;
    this.lastHint = hint;
    if (this.lastChange < 0) {
      this.lastChange = await this.store.lastPageChange();
      return;
    }
    const changes = await this.store.pageChanges(this.lastChange, SYNC_BATCH);
    if (changes.length === 0) return;
    // A gap means lines were trimmed before this cache read them: it cannot know what changed.
    const gap = changes[0]!.id !== this.lastChange + 1;
    if (gap || changes.length === SYNC_BATCH) {
      this.clear();
      this.lastChange =
        changes.length === SYNC_BATCH ? await this.store.lastPageChange() : changes.at(-1)!.id;
      this.everythingAt = this.lastChange;
      return;
    }
    const now = Date.now();
    for (const change of changes) {
      for (const tag of change.tags) {
        if (change.additions) {
          this.addedAt.set(tag, change.id);
          for (const key of this.tagged.get(tag) ?? []) this.markStale(key, now);
          continue;
        }
        this.touchedAt.set(tag, change.id);
        if (tag === ALL_PAGES) {
          this.everythingAt = change.id;
          this.clear();
        } else {
          for (const key of this.tagged.get(tag) ?? []) this.drop(key);
        }
      }
      this.lastChange = change.id;
    }
  }

  /**
   * Whether the cache is known to be up to the change log without reading it: nothing was committed
   * since its last read. Answers without I/O; when false, `sync()` first.
   */
  isCurrent(): boolean {
    if (this.syncing || this.lastChange < 0) return false;
    const hint = this.store.pageChangeHint();
    return hint !== null && hint === this.lastHint;
  }

  /** The version the cache has read up to: a page rendered after it shows at least this. */
  get version(): number {
    return this.lastChange;
  }

  get(key: string): Cached | undefined {
    const page = this.pages.get(key);
    if (page?.staleAt !== undefined && Date.now() >= page.staleAt) {
      this.drop(key);
      return undefined;
    }
    if (page) {
      // Most recently used last, for the eviction order.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  /**
   * Keeps a page rendered from the store as it stood at `version`; unless a change read since
   * then touched one of its tags (the page might show what that change removed).
   */
  put(key: string, page: Cached, version: number): void {
    if (this.everythingAt > version) return;
    if (page.tags.some((t) => (this.touchedAt.get(t) ?? 0) > version)) return;
    // Rendered before new entries of its own were read: it may lack them, so it is kept stale.
    if (page.tags.some((t) => (this.addedAt.get(t) ?? 0) > version)) {
      if (this.additionsDelayMs === 0) return;
      page.staleAt = page.renderedAt + this.additionsDelayMs;
    }
    this.drop(key);
    if (page.body.byteLength > this.maxBytes / 8) return;
    this.pages.set(key, page);
    this.bytes += page.body.byteLength;
    if (page.body.byteLength >= COMPRESS_FROM) void this.compress(key, page);
    for (const tag of page.tags) {
      let keys = this.tagged.get(tag);
      if (!keys) this.tagged.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.bytes > this.maxBytes) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
  }

  /** Compresses a kept page once (brotli at a middle quality, and gzip), off the request's path. */
  private async compress(key: string, page: Cached): Promise<void> {
    try {
      const [br, gz] = await Promise.all([
        brotli(page.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6 } }),
        gzipAsync(page.body, { level: 6 }),
      ]);
      // Only for a page still kept: one dropped meanwhile is no longer counted.
      if (this.pages.get(key) !== page) return;
      page.br = new Uint8Array(br);
      page.gzip = new Uint8Array(gz);
      this.bytes += br.byteLength + gz.byteLength;
    } catch {
      // A page that cannot be compressed is sent as it is.
    }
  }

  clear(): void {
    this.stats.invalidations += this.pages.size;
    this.pages.clear();
    this.tagged.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.pages.size;
  }

  /** The memory the kept pages take, compressed copies included. */
  get byteSize(): number {
    return this.bytes;
  }

  /** A kept page that new entries belong on: dropped now if it is older than the delay, else when it reaches it. */
  private markStale(key: string, now: number): void {
    const page = this.pages.get(key);
    if (!page || page.staleAt !== undefined) return;
    const due = page.renderedAt + this.additionsDelayMs;
    if (due <= now) this.drop(key);
    else page.staleAt = due;
  }

  private drop(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.bytes -= page.body.byteLength + (page.br?.byteLength ?? 0) + (page.gzip?.byteLength ?? 0);
    this.stats.invalidations++;
    for (const tag of page.tags) {
      const keys = this.tagged.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.tagged.delete(tag);
    }
  }
}

/** What a cache hit answers: the status, the headers (name, value, name, value...) and the body. */
export interface HitAnswer {
  status: number;
  headers: string[];
  body: Uint8Array | null;
}

/** The request headers a hit depends on. */
export interface HitRequest {
  method: string;
  acceptEncoding: string | undefined;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
}

/**
 * The answer to a request for a kept page: the body compressed the way the client takes it, or a
 * 304 when the client's copy is current (If-None-Match first; If-Modified-Since only without it,
 * RFC 9110 §13.2.2). `extra` headers (the site's security headers) are added to every answer.
 */
export function answerHit(hit: Cached, request: HitRequest, extra: readonly string[]): HitAnswer {
  const encoding = chooseEncoding(request.acceptEncoding, hit);
  const current = request.ifNoneMatch
    ? hit.etag !== null && matches(request.ifNoneMatch, hit.etag)
    : notModifiedSince(request.ifModifiedSince, hit.renderedAt);
  const variant = `${encoding ?? 'identity'}${current ? ' 304' : ''}`;
  // The headers of each variant are made once per kept page (and per set of extra headers).
  hit.answers ??= new Map();
  let prepared = hit.answers.get(variant);
  if (!prepared || prepared.extra !== extra) {
    prepared = { extra, headers: variantHeaders(hit, encoding, current, extra) };
    hit.answers.set(variant, prepared);
  }
  if (current) return { status: 304, headers: prepared.headers, body: null };
  const body = encoding ? hit[encoding]! : hit.body;
  return { status: hit.status, headers: prepared.headers, body: request.method === 'HEAD' ? null : body };
}

function variantHeaders(
  hit: Cached,
  encoding: 'br' | 'gzip' | null,
  notModified: boolean,
  extra: readonly string[],
): string[] {
  const headers: string[] = [];
  for (const [name, value] of hit.headers) {
    if (name === 'etag' || name === 'content-length' || name === 'content-encoding' || name === 'vary') {
      continue;
    }
    headers.push(name, value);
  }
  headers.push('last-modified', hit.lastModified, 'x-cache', 'hit', ...extra);
  if (hit.body.byteLength >= COMPRESS_FROM) headers.push('vary', 'Accept-Encoding');
  if (hit.etag) {
    // The compressed bytes are not the same representation: the validator becomes weak.
    headers.push('etag', encoding ? `W/${hit.etag}` : hit.etag);
  }
  if (notModified) return headers;
  const body = encoding ? hit[encoding]! : hit.body;
  if (encoding) headers.push('content-encoding', encoding);
  headers.push('content-length', String(body.byteLength));
  return headers;
}

/**
 * The Hono path adds no headers of its own (the app's middleware adds the security headers): one
 * shared empty list, so that the headers made for it are kept like the server's.
 */
const NO_EXTRA: readonly string[] = [];

/**
 * Serves GET and HEAD from the cache, and keeps what the routes render (200 answers of routes that
 * named their tags). It sits before the ETag middleware: a hit answers If-None-Match itself, so a
 * cached page is never hashed again. (The server answers most hits before they reach Hono at all:
 * see `serveFromCache`; this path serves the hits that needed the change log read first.)
 */
export function pageCacheMiddleware(cache: PageCache): MiddlewareHandler<CacheEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    await cache.sync();
    const key = cacheKey(c.req.url);
    const hit = cache.get(key);
    if (hit) {
      cache.stats.hits++;
      // Answered here, not by its route: the route that rendered it names it in the metrics.
      if (hit.route) c.set('pageRoute', hit.route);
      const answer = answerHit(
        hit,
        {
          method: c.req.method,
          acceptEncoding: c.req.header('accept-encoding'),
          ifNoneMatch: c.req.header('if-none-match'),
          ifModifiedSince: c.req.header('if-modified-since'),
        },
        NO_EXTRA,
      );
      const headers = new Headers();
      for (let i = 0; i < answer.headers.length; i += 2)
        headers.append(answer.headers[i]!, answer.headers[i + 1]!);
      return new Response(answer.body, { status: answer.status, headers });
    }
    const version = cache.version;
    await next();
    const tags = c.get('pageTags');
    if (!tags || c.res.status !== 200 || c.res.headers.has('set-cookie')) return;
    cache.stats.misses++;
    const body = new Uint8Array(await c.res.clone().arrayBuffer());
    const headers = [...c.res.headers.entries()];
    const renderedAt = Date.now();
    const lastModified = new Date(renderedAt).toUTCString();
    cache.put(
      key,
      {
        body,
        status: c.res.status,
        headers,
        etag: c.res.headers.get('etag'),
        tags,
        route: routeOf(c),
        renderedAt,
        lastModified,
      },
      version,
    );
    c.res.headers.set('Last-Modified', lastModified);
    c.res.headers.set('X-Cache', 'miss');
  };
}

/**
 * Answers a GET or HEAD for a kept page straight from Node's request, before Hono: no Request,
 * Response or Headers objects are made, and the stored bytes go to the socket as they are. Returns
 * the page answered, or null (having written nothing) when the page is not kept or the cache must
 * read the change log first; the request then goes on to the app.
 */
export function serveFromCache(
  cache: PageCache,
  req: IncomingMessage,
  res: ServerResponse,
  extra: readonly string[],
): Cached | null {
  const method = req.method;
  if ((method !== 'GET' && method !== 'HEAD') || !cache.isCurrent() || !req.url) return null;
  const hit = cache.get(cacheKey(req.url));
  if (!hit) return null;
  cache.stats.hits++;
  const answer = answerHit(
    hit,
    {
      method,
      acceptEncoding: req.headers['accept-encoding'],
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
    },
    extra,
  );
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body ?? undefined);
  return hit;
}

/** brotli when the client takes it and it is ready, else gzip, else none. */
function chooseEncoding(accepted: string | undefined, page: Cached): 'br' | 'gzip' | null {
  if (!accepted) return null;
  const takes = acceptedEncodings(accepted);
  if (page.br && takes.br) return 'br';
  if (page.gzip && takes.gzip) return 'gzip';
  return null;
}

/** Accept-Encoding values seen lately, read once each: clients send a handful of distinct ones. */
const acceptSeen = new Map<string, { br: boolean; gzip: boolean }>();

function acceptedEncodings(header: string): { br: boolean; gzip: boolean } {
  let seen = acceptSeen.get(header);
  if (seen) return seen;
  const takes = (name: string) =>
    header.split(',').some((part) => {
      const [token = '', ...params] = part.trim().toLowerCase().split(';');
      return token.trim() === name && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
    });
  seen = { br: takes('br'), gzip: takes('gzip') };
  if (acceptSeen.size >= 256) acceptSeen.clear();
  acceptSeen.set(header, seen);
  return seen;
}

/** If-Modified-Since against a page's render time, to the second (HTTP dates have no finer unit). */
function notModifiedSince(header: string | undefined, renderedAt: number): boolean {
  if (!header) return false;
  const since = Date.parse(header);
  return Number.isFinite(since) && Math.floor(renderedAt / 1000) * 1000 <= since;
}

/** If-None-Match against a page's validator, strong or weak (weak comparison, RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/**
 * A page's address as the cache knows it: the path and the query, its parameters in order. Takes
 * an absolute URL (Hono's) or a request target (Node's); both give the same key.
 */
function cacheKey(target: string): string {
  const url = new URL(target, 'http://cache.invalid');
  url.searchParams.sort();
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** Names the tags of the page a route renders, so that the cache may keep it. */
export function tagPage(c: Context, tags: PageTag[]): void {
  (c as unknown as Context<CacheEnv>).set('pageTags', tags);
}

/**
 * The pattern of the route that answered ("/articles/:id/:slug?"), never the path itself, so that
 * metrics have few labels (a page answered from the cache: the route that rendered it); "unmatched"
 * when no route did.
 */
export function routeOf(c: Context): string {
  const cached = (c as unknown as Context<CacheEnv>).get('pageRoute');
  if (cached) return cached;
  const route = matchedRoutes(c)[c.req.routeIndex];
  return route && route.path !== '*' && route.path !== '/*' ? route.path : 'unmatched';
}
