import { errors as undiciErrors } from 'undici';
import { tooLarge } from './body.js';
import { FetchError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

/** Every way a fetch fails, as a FetchError with its stable code and a sentence an operator can act on. */

export function statusError(response: { status: number; header(name: string): string | null }): FetchError {
  const status = response.status;
  const retryAt =
    status === 429 || status === 503 ? parseRetryAfter(response.header('retry-after'), new Date()) : null;
  return new FetchError('fetch.http-status', `fetch: ${describeStatus(status)} (${status} status code)`, {
    status,
    retryAt,
  });
}

export function describeStatus(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return 'access denied';
    case 404:
      return 'resource not found';
    case 410:
      return 'the feed is gone for good';
    case 429:
      return 'too many requests';
    case 500:
      return 'the server had an internal error';
    case 502:
    case 504:
      return 'a gateway failed';
    case 503:
      return 'the service is unavailable';
    default:
      return status >= 500 ? 'server error' : 'unexpected response';
  }
}

export function timeoutError(ms: number): FetchError {
  return new FetchError('fetch.timeout', `fetch: no complete response within ${Math.round(ms / 1000)} s`);
}

export function privateAddressError(host: string, address: string): FetchError {
  return new FetchError(
    'fetch.private-address',
    `fetch: refused to connect to ${host}: it resolves to a private network address (${address}); to allow it, set poll.allow_private_networks = true in courtesy.toml, or run with --allow-private-networks (environment: COURTESY_ALLOW_PRIVATE_NETWORKS=1)`,
  );
}

export function dnsError(host: string, cause?: unknown): FetchError {
  return new FetchError('fetch.dns', `fetch: the host name ${host} could not be resolved`, { cause });
}

/** Maps whatever the network stack threw onto a FetchError with a stable code. */
export function classify(error: unknown, totalMs: number, maxBytes: number): FetchError {
  const found = findInChain(error);
  if (found) return found;
  const err = error as NodeJS.ErrnoException & { name?: string };
  const code = err.code ?? (err.cause as NodeJS.ErrnoException | undefined)?.code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return timeoutError(totalMs);
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new FetchError('fetch.timeout', 'fetch: the server sent no response headers in time', {
      cause: error,
    });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new FetchError('fetch.timeout', 'fetch: the server stopped sending the body', { cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new FetchError('fetch.timeout', 'fetch: the connection could not be opened in time', {
      cause: error,
    });
  }
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) return tooLarge(maxBytes);
  if (code === 'ECONNREFUSED') {
    return new FetchError('fetch.connection-refused', 'fetch: the server refused the connection', {
      cause: error,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new FetchError('fetch.dns', 'fetch: the host name could not be resolved', { cause: error });
  }
  const detail = err.message || String(error);
  return new FetchError('fetch.network', `fetch: network error (${code ?? detail})`, { cause: error });
}

export function findInChain(error: unknown): FetchError | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof FetchError) return e;
  }
  return null;
}
