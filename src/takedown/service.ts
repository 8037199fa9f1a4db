import type { Config } from '../config/index.js';
import type { Entry } from '../model/entry.js';
import type { Fetcher } from '../fetch/index.js';
import type { Logger } from '../log/logger.js';
import { UsageError } from '../model/errors.js';
import type { NewRule } from '../model/rights.js';
import {
  newReference,
  type ResolvedScope,
  type CounterNotice,
  type NewTakedownRequest,
  type TakedownRequest,
} from '../model/takedown.js';
import type { GrantOutcome, Store } from '../store/index.js';
import type { CounterNoticeForm, FieldErrors } from './form.js';
import {
  counterNoticeDecided,
  counterNoticeFiled,
  grantedNotice,
  rejectedNotice,
  requestReceipt,
  requestToOperator,
  type NoticeSite,
} from './notices.js';
import {
  describeResolved,
  requestSite,
  resolveScope,
  resolveUrls,
  rulesFor,
  scopeOfRequest,
} from './scope.js';
import { hashToken, newToken, randomBytes } from './tokens.js';
import { META_NAME, WELL_KNOWN_PATH, verifySite } from './verify.js';

export interface TakedownDeps {
  store: Store;
  fetcher: Fetcher;
  config: Config;
  logger: Logger;
}

/** What a site-wide grant does to the site's sources besides removing their content. */
export type SourceAction = 'pause' | 'link-only' | 'nothing';

export type Filed<T> = { ok: true; value: T; statusToken: string } | { ok: false; errors: FieldErrors };

/** The least time between two verification attempts of one request. */
const VERIFY_SPACING_MS = 10_000;

export const STATUS_PATH = '/takedown/status/';
export const COUNTER_STATUS_PATH = '/takedown/counter-notice/status/';

/**
 * The takedown workflow, shared by the site, the admin area and the command line: filing a request,
 * deciding it (by an operator, or by the publisher's own verification), counter-notices, and the
 * notices that tell everyone concerned.
 */
export class Takedowns {
  constructor(private readonly deps: TakedownDeps) {}

  /** Read at each use: the name and the address to notify follow the settings saved from the desk. */
  private get site(): NoticeSite {
    const { config } = this.deps;
    return {
      name: config.site.name,
      baseUrl: config.site.baseUrl,
      notifyEmail: config.takedown.notifyEmail,
      selfService: config.takedown.selfService,
    };
  }

  get selfService(): boolean {
    return this.site.selfService;
  }

  statusUrl(token: string): string {
    return `${this.site.baseUrl}${STATUS_PATH}${token}`;
  }

  counterStatusUrl(token: string): string {
    return `${this.site.baseUrl}${COUNTER_STATUS_PATH}${token}`;
  }

  /** Files a request from a checked form; the errors say which addresses cannot be used, and why. */
  async submit(input: NewTakedownRequest, now = new Date()): Promise<Filed<TakedownRequest>> {
    const { store, config } = this.deps;
    const { resolved, scope } = await resolveScope(store, config.site.baseUrl, input.urls);
    const problem = resolved.find((r) => r.problem);
    if (problem?.problem) return { ok: false, errors: { urls: problem.problem } };
    if (input.scope === 'site' && !requestSite(resolved.map((r) => r.original ?? ''))) {
      return {
        ok: false,
        errors: {
          urls: 'A request for everything from a site covers one site: the addresses must all be on it. Please file one request per site.',
        },
      };
    }
    const statusToken = newToken();
    const request = await store.takedowns.create(
      { ...input, verifyToken: `courtesy-verify-${newToken()}`, resolved: scope },
      { reference: newReference('TD', randomBytes), statusTokenHash: hashToken(statusToken) },
      now,
      (r) => [requestReceipt(this.site, r, this.statusUrl(statusToken)), ...requestToOperator(this.site, r)],
    );
    this.deps.logger.info({ reference: request.reference, scope: request.scope }, 'takedown request filed');
    return { ok: true, value: request, statusToken };
  }

  /**
   * The rules a request asks for, resolved from what its addresses stood for when it was filed;
   * what they would remove now; and, when they would remove nothing, why (a grant is refused then
   * unless the operator asks to keep the addresses out of later polls alone).
   */
  async scopeOf(request: TakedownRequest, limit = 50): Promise<RequestScopeView> {
    const { store, config } = this.deps;
    const resolved = await scopeOfRequest(store, config.site.baseUrl, request);
    const rules = await rulesFor(store, resolved, request);
    const { count, copies, entries } = await store.rights.preview(rules, limit);
    return {
      rules,
      count,
      copies,
      entries,
      resolved,
      nothing: count === 0 ? nothingWhy(request, resolved) : null,
    };
  }

  /** Grants a request awaiting a decision. Throws UsageError when it was decided already, or covers nothing. */
  async grant(
    request: TakedownRequest,
    actor: string,
    reason: string,
    then: SourceAction,
    now = new Date(),
    options: { evenIfNothingNow?: boolean } = {},
  ): Promise<GrantOutcome> {
    // Decided meanwhile (the caller's copy may be older): say so before anything else.
    if ((await this.deps.store.takedowns.get(request.id))?.state !== 'received')
      throw alreadyDecided(request);
    const view = await this.scopeOf(request, 1);
    if (view.rules.length === 0) {
      throw new UsageError(
        'takedown.no-scope',
        `request ${request.reference}: its addresses name nothing a rule could cover`,
      );
    }
    if (view.nothing && !options.evenIfNothingNow) {
      throw new UsageError(
        'takedown.matches-nothing',
        `request ${request.reference} was not granted: it would remove nothing now, since ${view.nothing}. To keep these addresses out of later polls all the same, grant it again saying so.`,
      );
    }
    const outcome = await this.deps.store.takedowns.grant(
      request.id,
      view.rules,
      { actor, reason, scope: describeResolved(view.resolved) },
      // Only a request for a whole site acts on its sources.
      { source: then === 'nothing' || request.scope !== 'site' ? undefined : then },
      now,
      (o) => [grantedNotice(this.site, o)],
    );
    if (!outcome) throw alreadyDecided(request);
    this.deps.logger.info(
      { reference: request.reference, removed: outcome.removed, actor },
      'takedown request granted',
    );
    return outcome;
  }

  async reject(
    request: TakedownRequest,
    actor: string,
    reason: string,
    now = new Date(),
  ): Promise<TakedownRequest> {
    const rejected = await this.deps.store.takedowns.reject(request.id, { actor, reason }, now, (r) => [
      rejectedNotice(this.site, r),
    ]);
    if (!rejected) throw alreadyDecided(request);
    return rejected;
  }

  /**
   * Self-service: checks whether the site of a site-wide request serves its token, and grants the
   * request when it does. Every attempt is recorded, whatever it found.
   */
  async verify(
    request: TakedownRequest,
    now = new Date(),
  ): Promise<{ verified: boolean; message: string; detail?: string; outcome?: GrantOutcome }> {
    if (!this.site.selfService)
      return { verified: false, message: 'Self-service verification is turned off on this site.' };
    if (request.scope !== 'site')
      return { verified: false, message: 'Only requests for everything from a site can be verified.' };
    if (request.state !== 'received')
      return { verified: false, message: `The request was ${request.state} already.` };
    if (request.lastVerifyAt && now.getTime() - request.lastVerifyAt.getTime() < VERIFY_SPACING_MS) {
      const wait = Math.ceil((VERIFY_SPACING_MS - (now.getTime() - request.lastVerifyAt.getTime())) / 1000);
      return {
        verified: false,
        message: `The site was checked a moment ago; please try again in ${wait} s.`,
      };
    }
    const { store, config, fetcher } = this.deps;
    const original = (await resolveUrls(store, config.site.baseUrl, request.urls)).find(
      (r) => r.original,
    )?.original;
    if (!original) return { verified: false, message: 'The request names no address to verify.' };
    const origin = new URL(original).origin;
    const result = await verifySite(fetcher, origin, request.verifyToken);
    if (!result.verified) {
      // The same words whatever went wrong (no answer, not HTTP, a 404, another token), so that the
      // public button tells nothing of the host but whether it serves the token; the detail is for
      // the operator (the log, and the CLI).
      const message = `Not verified: the token was found neither in ${origin}${WELL_KNOWN_PATH} nor in a ${META_NAME} meta tag on ${origin}/.`;
      this.deps.logger.info({ reference: request.reference, why: result.why }, 'self-verification failed');
      await store.takedowns.recordVerification(request.id, message, now);
      return { verified: false, message, detail: result.why };
    }
    const message = `Verified: ${result.where} serves the token.`;
    await store.takedowns.recordVerification(request.id, message, now);
    try {
      const outcome = await this.grant(
        request,
        'self-service verification',
        `the site verified itself (${result.where})`,
        config.takedown.selfServiceThen,
        now,
        // A verified site asks for itself, also before any of its articles is stored.
        { evenIfNothingNow: true },
      );
      return { verified: true, message, outcome };
    } catch (error) {
      if (error instanceof UsageError) return { verified: true, message: error.message };
      throw error;
    }
  }

  /** Files a counter-notice against a granted request, named by its reference. */
  async fileCounterNotice(form: CounterNoticeForm, now = new Date()): Promise<Filed<CounterNotice>> {
    const { store } = this.deps;
    const request = await store.takedowns.findByReference(form.reference);
    if (!request || request.state !== 'granted') {
      return {
        ok: false,
        errors: {
          reference: request
            ? `The request ${form.reference} was not granted, so nothing was removed under it.`
            : `There is no takedown request ${form.reference}; please check the reference on the removal notice.`,
        },
      };
    }
    const statusToken = newToken();
    const notice = await store.takedowns.fileCounterNotice(
      {
        requestId: request.id,
        name: form.name,
        email: form.email,
        address: form.address,
        explanation: form.explanation,
        signature: form.signature,
      },
      { reference: newReference('CN', randomBytes), statusTokenHash: hashToken(statusToken) },
      now,
      (c, r) => counterNoticeFiled(this.site, c, r, this.counterStatusUrl(statusToken)),
    );
    return { ok: true, value: notice, statusToken };
  }

  /** Upholds (revoking the request's rules) or rejects a counter-notice. */
  async decideCounterNotice(
    notice: CounterNotice,
    upheld: boolean,
    actor: string,
    reason: string,
    now = new Date(),
  ): Promise<CounterNotice> {
    const decided = await this.deps.store.takedowns.decideCounterNotice(
      notice.id,
      upheld,
      { actor, reason },
      now,
      (c, r) => counterNoticeDecided(this.site, c, r),
    );
    if (!decided)
      throw new UsageError(
        'takedown.decided',
        `counter-notice ${notice.reference} was ${notice.state} already`,
      );
    return decided;
  }
}

/** What an operator sees of a request before deciding it. */
export interface RequestScopeView {
  rules: NewRule[];
  /**
   * How many stored articles the rules cover now (`copies` of them copies of the covered articles'
   * texts under other addresses, bylines or sources), and the first of them.
   */
  count: number;
  copies: number;
  entries: Entry[];
  /** What the request's addresses stood for (when it was filed, or now for an older request). */
  resolved: ResolvedScope;
  /** Why the rules would remove nothing now; null when they remove something. */
  nothing: string | null;
}

/** Why a request's rules cover no stored article, in words the operator can act on. */
function nothingWhy(request: TakedownRequest, scope: ResolvedScope): string {
  if (scope.addresses.length === 0) return 'its addresses stand for no article';
  const addresses = scope.addresses.map((a) => a.original).join(', ');
  if (request.scope === 'article' || scope.articles.length === 0) {
    return `no stored article is at ${addresses} (as its address, or as its page's own canonical address)`;
  }
  return `no stored article matches its rules (${addresses})`;
}

function alreadyDecided(request: TakedownRequest): UsageError {
  return new UsageError('takedown.decided', `request ${request.reference} was decided already`);
}
