import type { Context, MiddlewareHandler } from 'hono';
import type { Config, LiveSettings } from '../config/index.js';
import type { ExtractionPool } from '../extract/index.js';
import type { Fetcher, RobotsRules } from '../fetch/index.js';
import type { FeedProcessor, IngestContext } from '../ingest/index.js';
import type { Logger } from '../log/logger.js';
import { mayUse, type DeskArea, type Session } from '../model/user.js';
import type { Store } from '../store/index.js';
import type { Takedowns } from '../takedown/service.js';
import type { FormTokens } from '../web/forms.js';

/** The hono environment of every desk route after sign-in: the operator's session. */
export type DeskEnv = { Variables: { session: Session } };
export type DeskContext = Context<DeskEnv>;

/** What the desk works with: the store, and the services that fetch and decide. */
export interface DeskDeps {
  store: Store;
  config: Config;
  logger: Logger;
  takedowns: Takedowns;
  /** Fetches for the desk's previews (a feed before it is added, an article's extraction). */
  fetcher: Fetcher;
  /** Parses feeds as the poller does, so that a preview shows what would be republished. */
  processor: FeedProcessor;
  /** Checks one source now, as the poller would. */
  ingest: IngestContext;
  /** The extraction threads, for the preview of a source's scraper rules. */
  extractions: ExtractionPool;
  /** robots.txt of article pages, asked before a preview fetches one. */
  robots: RobotsRules;
  /** Lets the full-text extractor know that pages wait (after a source is set to full text). */
  onFullTextQueued?: () => void;
  /** Told when entries were stored from the desk: their lead images wait in the media queue. */
  onMediaQueued?: () => void;
  /** The settings saved from the desk over the file's: read again after a save. */
  settings: LiveSettings;
  formTokens: FormTokens;
  outboxEnabled: boolean;
  sendNotices: () => void;
}

/** Reasons and notes are bounded: a pasted book does not go into the audit log. */
export const MAX_REASON = 2000;

/** Who did it, for the audit log and the decisions: the signed-in user's name. */
export function actor(c: DeskContext): string {
  return c.get('session').user.name;
}

/** A numeric id from the path or a form; 0 (which no row has) for anything else. */
export function idParam(value: string | undefined): number {
  return value !== undefined && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : 0;
}

/** The ids a bulk form checked (`id` fields), without repeats or anything that is not an id. */
export async function checkedIds(c: DeskContext): Promise<number[]> {
  const body = await c.req.parseBody({ all: true });
  const raw = body.id;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return [...new Set(values.flatMap((v) => (typeof v === 'string' && idParam(v) ? [idParam(v)] : [])))];
}

/** Refuses a part of the desk to a user whose role does not open it, with a page that says so. */
export function requireArea(
  area: DeskArea,
  forbidden: (c: DeskContext) => Response | Promise<Response>,
): MiddlewareHandler<DeskEnv> {
  return async (c, next) => {
    if (!mayUse(c.get('session').user.role, area)) return forbidden(c);
    await next();
  };
}

/** What a redirect after a change says, by key; a message may take the count the redirect carries (?n=). */
export type DoneMessages = Record<string, string | ((n: number) => string)>;

/** The fixed message a redirect after a change names (?done=KEY&n=N): a crafted link cannot put words on a page. */
export function doneMessage(c: Context, messages: DoneMessages): string | null {
  const key = c.req.query('done') ?? '';
  if (!Object.hasOwn(messages, key)) return null;
  const message = messages[key]!;
  if (typeof message === 'string') return message;
  const n = c.req.query('n') ?? '';
  return /^[0-9]{1,9}$/.test(n) ? message(Number(n)) : null;
}

/**
 * Where a bulk form returns (its `back` field): a page of one part of the desk (`part`, "/admin/sources")
 * or one of its pages by id, with its query, and nothing else; the part's own page otherwise.
 */
export function safeBack(back: string | undefined, part: string): string {
  const escaped = part.replace(/[/]/g, '\\/');
  return back && new RegExp(`^${escaped}(\\/[0-9]+)?(\\?[A-Za-z0-9=&%+._-]*)?$`).test(back) ? back : part;
}

/** A path with the ?done= and ?n= a redirect after a change carries (see doneMessage). */
export function withDone(path: string, done: string, n: number): string {
  const url = new URL(path, 'http://desk.invalid');
  url.searchParams.set('done', done);
  url.searchParams.set('n', String(n));
  return `${url.pathname}${url.search}`;
}
