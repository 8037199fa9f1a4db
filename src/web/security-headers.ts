import type { MiddlewareHandler } from 'hono';
import { DEFAULT_EMBED_HOSTS } from '../sanitize/policy.js';

/**
 * The headers every answer carries (name, value, name, value...): a strict Content Security Policy
 * as the second line of defence behind the sanitizer (no script at all, styles from our own origin,
 * images and media from anywhere (they are the articles' own), frames only from the embed hosts the
 * sanitizer allows), and the usual hardening.
 */
export function securityHeaderList(embedHosts: readonly string[] = DEFAULT_EMBED_HOSTS): string[] {
  const csp = [
    "default-src 'none'",
    "script-src 'none'",
    "style-src 'self'",
    'img-src https: http: data:',
    'media-src https: http:',
    `frame-src ${embedHosts.map((h) => `https://${h}`).join(' ')}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
  return [
    'content-security-policy',
    csp,
    'x-content-type-options',
    'nosniff',
    'referrer-policy',
    'strict-origin-when-cross-origin',
    'x-frame-options',
    'SAMEORIGIN',
  ];
}

/** Adds the security headers to every answer of the app, unless a route set its own (a stricter Referrer-Policy). */
export function securityHeaders(embedHosts: readonly string[] = DEFAULT_EMBED_HOSTS): MiddlewareHandler {
  const list = securityHeaderList(embedHosts);
  return async (c, next) => {
    await next();
    for (let i = 0; i < list.length; i += 2) {
      if (!c.res.headers.has(list[i]!)) c.header(list[i]!, list[i + 1]);
    }
  };
}
