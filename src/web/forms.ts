import { createHmac } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { FormFields } from '../takedown/form.js';
import { newToken, sameSecret } from '../takedown/tokens.js';

/** Forms are small: a larger body is refused before it is read. */
export const FORM_BODY_LIMIT = 64 * 1024;

/** The cookie of the public forms' CSRF check (double submit, signed with a site secret). */
const FORM_COOKIE = 'courtesy_form';

/**
 * The guards every form POST passes: a body limit, and an Origin (or Sec-Fetch-Site) check that
 * refuses posts from other sites. The site's public origin counts as its own, for a reverse proxy.
 * `larger` names the paths that take a file (an OPML upload), with their own limit; `tooLarge`
 * answers a body past its limit (a page of the site's; plain text when not given).
 */
export function formGuards(
  baseUrl: string,
  larger: Readonly<Record<string, number>> = {},
  tooLarge?: (c: Context, maxKb: number) => Response | Promise<Response>,
): MiddlewareHandler {
  const publicOrigin = new URL(baseUrl).origin;
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        const kb = Math.round(maxSize / 1024);
        return tooLarge
          ? tooLarge(c, kb)
          : c.text(`The form is too large: ${kb.toLocaleString('en')} KB at most.`, 413);
      },
    });
  const small = limit(FORM_BODY_LIMIT);
  const byPath = new Map(Object.entries(larger).map(([path, size]) => [path, limit(size)]));
  return every(
    (c, next) => (byPath.get(c.req.path) ?? small)(c, next),
    csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin }),
  );
}

/** A form's fields as strings; files and repeated fields are not used by any form of the site. */
export async function readForm(c: Context): Promise<FormFields> {
  const body = await c.req.parseBody();
  const out: FormFields = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/**
 * CSRF tokens for the public forms, which have no session: the browser holds a random cookie,
 * and the form carries its HMAC under a secret of the site. A forged form from another site
 * can neither read the cookie nor compute the HMAC.
 */
export class FormTokens {
  constructor(
    private readonly secret: Promise<string>,
    private readonly secure: boolean,
  ) {}

  /** The token for a form being shown; sets the cookie when the browser has none. */
  async issue(c: Context): Promise<string> {
    let nonce = getCookie(c, FORM_COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) {
      nonce = newToken();
      setCookie(c, FORM_COOKIE, nonce, {
        httpOnly: true,
        secure: this.secure,
        sameSite: 'Strict',
        path: '/',
        maxAge: 24 * 3600,
      });
    }
    return this.sign(nonce);
  }

  /** Whether a posted form carries the token of this browser's cookie. */
  async check(c: Context, token: string | undefined): Promise<boolean> {
    const nonce = getCookie(c, FORM_COOKIE);
    if (!nonce || !token) return false;
    return sameSecret(await this.sign(nonce), token);
  }

  private async sign(nonce: string): Promise<string> {
    return createHmac('sha256', await this.secret)
      .update(`form:${nonce}`)
      .digest('base64url');
  }
}

/**
 * The client's address, for rate limits: the connection's, or behind a trusted reverse proxy the
 * last X-Forwarded-For entry (the one the proxy itself added).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').pop()?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
