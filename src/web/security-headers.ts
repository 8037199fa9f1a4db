import type { MiddlewareHandler } from 'hono';
import { DEFAULT_EMBED_HOSTS } from '../sanitize/policy.js';

/**
 * A strict Content Security Policy as the second line of defence behind the sanitizer: no script at
 * all, styles from our own origin, images and media from anywhere (they are the articles' own),
 * frames only from the embed hosts the sanitizer allows.
 */
export function securityHeaders(embedHosts: readonly string[] = DEFAULT_EMBED_HOSTS): MiddlewareHandler {
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
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', csp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'SAMEORIGIN');
  };
}
