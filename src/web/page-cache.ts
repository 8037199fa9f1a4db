import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import { ALL_PAGES, type PageTag } from '../model/page-tags.js';
import type { Store } from '../store/index.js';

/** Each page's tags, set by its route; a page without tags is not cached. */
export type CacheEnv = { Variables: { pageTags?: PageTag[] } };

interface Cached {
  body: Uint8Array;
  status: number;
  headers: Array<[string, string]>;
  etag: string | null;
  tags: PageTag[];
  /** The body compressed once, when it is worth it (made just after the page is kept). */
  br?: Uint8Array;
  gzip?: Uint8Array;
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
 * what it removed, at once, in every web process.
 */
export class PageCache {
  private readonly pages = new Map<string, Cached>();
  /** Keys by tag. */
  private readonly tagged = new Map<PageTag, Set<string>>();
  private bytes = 0;
  private lastChange = -1;
  /** The change that last touched each tag, so that a page rendered across a change is not kept. */
  private readonly touchedAt = new Map<PageTag, number>();
  private everythingAt = 0;
  private syncing: Promise<void> | null = null;
  private lastHint: string | null = null;
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly store: Store,
    private readonly maxBytes: number,
  ) {}

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
    for (const change of changes) {
      for (const tag of change.tags) {
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

  /** The version the cache has read up to: a page rendered after it shows at least this. */
  get version(): number {
    return this.lastChange;
  }

  get(key: string): Cached | undefined {
    const page = this.pages.get(key);
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

/**
 * Serves GET and HEAD from the cache, and keeps what the routes render (200 answers of routes that
 * named their tags). It sits before the ETag middleware: a hit answers If-None-Match itself, so a
 * cached page is never hashed again.
 */
export function pageCacheMiddleware(cache: PageCache): MiddlewareHandler<CacheEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    await cache.sync();
    const key = cacheKey(c);
    const hit = cache.get(key);
    if (hit) {
      cache.stats.hits++;
      const headers = new Headers(hit.headers);
      headers.set('X-Cache', 'hit');
      const encoding = chooseEncoding(c.req.header('accept-encoding'), hit);
      const body = encoding ? hit[encoding]! : hit.body;
      if (hit.body.byteLength >= COMPRESS_FROM) headers.set('Vary', 'Accept-Encoding');
      if (encoding) {
        headers.set('Content-Encoding', encoding);
        headers.delete('Content-Length');
        // The compressed bytes are not the same representation: the validator becomes weak.
        if (hit.etag) headers.set('ETag', `W/${hit.etag}`);
      }
      if (hit.etag && matches(c.req.header('if-none-match'), hit.etag)) {
        return new Response(null, { status: 304, headers });
      }
      return new Response(c.req.method === 'HEAD' ? null : body, { status: hit.status, headers });
    }
    const version = cache.version;
    await next();
    const tags = c.get('pageTags');
    if (!tags || c.res.status !== 200 || c.res.headers.has('set-cookie')) return;
    cache.stats.misses++;
    const body = new Uint8Array(await c.res.clone().arrayBuffer());
    const headers = [...c.res.headers.entries()];
    cache.put(key, { body, status: c.res.status, headers, etag: c.res.headers.get('etag'), tags }, version);
    c.res.headers.set('X-Cache', 'miss');
  };
}

/** brotli when the client takes it and it is ready, else gzip, else none. */
function chooseEncoding(accepted: string | undefined, page: Cached): 'br' | 'gzip' | null {
  if (!accepted) return null;
  const takes = (name: string) =>
    accepted.split(',').some((part) => {
      const [token = '', ...params] = part.trim().toLowerCase().split(';');
      return token.trim() === name && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
    });
  if (page.br && takes('br')) return 'br';
  if (page.gzip && takes('gzip')) return 'gzip';
  return null;
}

/** If-None-Match against a page's validator, strong or weak (weak comparison, RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/** A page's address as the cache knows it: the path and the query, its parameters in order. */
function cacheKey(c: Context): string {
  const url = new URL(c.req.url);
  url.searchParams.sort();
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** Names the tags of the page a route renders, so that the cache may keep it. */
export function tagPage(c: Context, tags: PageTag[]): void {
  (c as unknown as Context<CacheEnv>).set('pageTags', tags);
}
