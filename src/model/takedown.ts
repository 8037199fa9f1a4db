/**
 * Takedown requests as authors and publishers file them, the counter-notices filed against granted
 * ones, and the notices (emails) that tell everyone concerned what happened.
 */

/** Who asks: the author of the work, or someone who speaks for the site that published it. */
export type Capacity = 'author' | 'publisher';
export const CAPACITIES: readonly Capacity[] = ['author', 'publisher'];

/** What is asked: the articles named; everything by one author from the source; everything from the site. */
export type RequestScope = 'article' | 'author' | 'site';
export const REQUEST_SCOPES: readonly RequestScope[] = ['article', 'author', 'site'];

export type RequestState = 'received' | 'granted' | 'rejected';

export interface TakedownRequest {
  id: number;
  /** The public reference, "TD-" and eight letters and digits: what the requester quotes. */
  reference: string;
  name: string;
  email: string;
  capacity: Capacity;
  scope: RequestScope;
  /** The addresses the requester gave, as given (originals, or articles on this site). */
  urls: string[];
  /** Author requests: the name the articles give. */
  author: string | null;
  /** The requester's own words; plain text, always shown escaped. */
  message: string | null;
  /** The electronic signature: the requester's full name, typed. */
  signature: string;
  state: RequestState;
  createdAt: Date;
  decidedAt: Date | null;
  /** "operator NAME", "cli", "self-service verification". */
  decidedBy: string | null;
  decisionReason: string | null;
  /** The rules a grant created. */
  ruleIds: number[];
  /** Site requests: what the publisher's site must serve to verify itself. */
  verifyToken: string;
  lastVerifyAt: Date | null;
  /** What the last verification attempt found, in words. */
  lastVerifyResult: string | null;
  /** What its addresses stood for on the site that received it; null for a request filed before this was kept. */
  resolved: ResolvedScope | null;
}

/**
 * What a request's addresses stood for on the site that received it, resolved when it was filed:
 * the grant uses it, so a grant made later, from elsewhere (the command line of a configuration
 * that names another address for the site), covers what the requester pointed at.
 */
export interface ResolvedScope {
  /** The site's address when the request was filed. */
  site: string;
  /** Each address as given, and the original article it stands for. */
  addresses: Array<{ given: string; original: string }>;
  /** The stored articles at those addresses then, with their source and their author as stored. */
  articles: Array<{ entryId: number; sourceId: number; author: string | null }>;
}

/** What the form collects; the statements are checked before anything is stored. */
export type NewTakedownRequest = Pick<
  TakedownRequest,
  'name' | 'email' | 'capacity' | 'scope' | 'urls' | 'author' | 'message' | 'signature'
>;

export type CounterNoticeState = 'received' | 'upheld' | 'rejected';

/**
 * A counter-notice against a granted request (DMCA §512(g), DSA Art. 20): the person whose content
 * was removed says it was removed by mistake. Upholding it revokes the request's rules.
 */
export interface CounterNotice {
  id: number;
  /** "CN-" and eight letters and digits. */
  reference: string;
  requestId: number;
  name: string;
  email: string;
  /** A postal address, which a DMCA counter-notice must give. */
  address: string;
  /** Why the removal was a mistake. */
  explanation: string;
  signature: string;
  state: CounterNoticeState;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

export type NewCounterNotice = Pick<
  CounterNotice,
  'requestId' | 'name' | 'email' | 'address' | 'explanation' | 'signature'
>;

/** An email waiting in the outbox; written in the same transaction as what it tells of. */
export interface Notice {
  to: string;
  subject: string;
  text: string;
}

export interface QueuedNotice extends Notice {
  id: number;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** When it was sent (or marked as sent by hand); null while it waits. */
  sentAt: Date | null;
}

/** The next attempt of a notice the sender gave up on: it stays in the outbox, unsent, until retried. */
export const NOTICE_GIVEN_UP = new Date('9999-01-01T00:00:00Z');

/** Where a notice stands: sent, waiting for its first try, failing (to be tried again), or given up. */
export type NoticeState = 'sent' | 'waiting' | 'failing' | 'given-up';

export function noticeState(notice: QueuedNotice): NoticeState {
  if (notice.sentAt) return 'sent';
  if (notice.nextAttemptAt.getTime() >= NOTICE_GIVEN_UP.getTime()) return 'given-up';
  return notice.attempts > 0 ? 'failing' : 'waiting';
}

/** Crockford's base 32: no I, L, O or U to misread, and 32 letters so that each byte maps evenly. */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A reference that is short to quote and says nothing about how many requests came before. */
export function newReference(prefix: 'TD' | 'CN', random: (n: number) => Uint8Array): string {
  const bytes = random(8);
  let out = '';
  for (const b of bytes) out += REFERENCE_ALPHABET[b & 31];
  return `${prefix}-${out}`;
}

/** A reference as people type it: any case, spaces around, an en dash for the hyphen. */
export function normalizeReference(value: string): string {
  return value
    .trim()
    .toUpperCase()
    .replace(/[\u2010-\u2015\s_]+/g, '-')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** The scope of a request, in words. */
export function describeScope(request: Pick<TakedownRequest, 'scope' | 'author' | 'urls'>): string {
  switch (request.scope) {
    case 'article':
      return request.urls.length === 1 ? 'this article' : `these ${request.urls.length} articles`;
    case 'author':
      return `everything by ${request.author ?? 'this author'} from this source`;
    case 'site':
      return 'everything from this site';
  }
}
