import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** The networks a scraper may read the metrics from when no token is set. */
const INSIDE = new Set(['loopback', 'private', 'uniqueLocal', 'linkLocal']);

/**
 * Whether a client may read the metrics. With a token set, it must send it
 * (`Authorization: Bearer TOKEN`), wherever it is. Without one, only a client on loopback or a
 * private network may: the metrics name no person, but tell how the site is run (its sources'
 * errors, its load), which is no business of the public. `address` is the client's as the rate
 * limits see it (behind a trusted proxy, the one the proxy reports), so a public request relayed
 * by a proxy on loopback is still public.
 */
export function mayReadMetrics(
  address: string,
  authorization: string | undefined,
  token: string | null,
): boolean {
  if (token !== null) {
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    return sent !== undefined && sameSecret(sent, token);
  }
  return isInside(address);
}

function isInside(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return INSIDE.has(parsed.range());
}

/** Compares in constant time (digests first, so that lengths do not show). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
