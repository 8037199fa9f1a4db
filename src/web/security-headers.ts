import type { MiddlewareHandler } from 'hono';
import { DEFAULT_EMBED_HOSTS } from '../model/embeds.js';

/**
 * The headers every answer carries (name, value, name, value...): a strict Content Security Policy
 * as the second line of defence behind the sanitizer (no script at all, styles from our own origin,
 * images and media from anywhere (they are the articles' own), frames only from the embed hosts the
 * sanitizer allows), and the usual hardening; HSTS when the site's own address is https.
 */
export function securityHeaderList(
  embedHosts: readonly string[] = DEFAULT_EMBED_HOSTS,
  https = false,
): string[] {
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
    // Nothing of the site needs a device, a payment or an interest profile, nor may an embed ask.
    'permissions-policy',
    PERMISSIONS_POLICY,
    // A site whose address is https: browsers keep to https for a year (not its subdomains, which
    // may be other services).
    ...(https ? ['strict-transport-security', 'max-age=31536000'] : []),
  ];
}

const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'browsing-topics=()',
  'camera=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
].join(', ');

/** Adds the security headers to every answer of the app, unless a route set its own (a stricter Referrer-Policy). */
export function securityHeaders(
  embedHosts: readonly string[] = DEFAULT_EMBED_HOSTS,
  https = false,
): MiddlewareHandler {
  const list = securityHeaderList(embedHosts, https);
  return async (c, next) => {
    await next();
    for (let i = 0; i < list.length; i += 2) {
      if (!c.res.headers.has(list[i]!)) c.header(list[i]!, list[i + 1]);
    }
  };
}
