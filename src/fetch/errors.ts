import { CourtesyError } from '../model/errors.js';

/** Why a fetch failed: stable codes, recorded on the source (docs/polling.md lists them). */
export type FetchErrorCode =
  | 'fetch.bad-url'
  | 'fetch.http-status'
  | 'fetch.timeout'
  | 'fetch.too-slow'
  | 'fetch.too-large'
  | 'fetch.too-many-redirects'
  | 'fetch.redirect-loop'
  | 'fetch.private-address'
  | 'fetch.dns'
  | 'fetch.connection-refused'
  | 'fetch.network'
  | 'fetch.decompress'
  | 'fetch.no-body';

export class FetchError extends CourtesyError<FetchErrorCode> {
  /** The HTTP status, when a response arrived. */
  readonly status: number | null;
  /** For 429 and 503: when the server asked us to come back (Retry-After), if it said. */
  readonly retryAt: Date | null;

  constructor(
    code: FetchErrorCode,
    message: string,
    options: { cause?: unknown; status?: number | null; retryAt?: Date | null } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.status = options.status ?? null;
    this.retryAt = options.retryAt ?? null;
  }
}
