import { createHmac, timingSafeEqual } from 'node:crypto';

/** The methods a hub may sign with (WebSub §8: sha1, sha256, sha384, sha512). */
const METHODS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a pushed body against its `X-Hub-Signature: method=hexdigest` header with the
 * subscription's secret, in constant time. A missing, malformed or wrong signature fails with a
 * reason for the operator; the content must then be ignored (WebSub §8).
 */
export function checkSignature(secret: string, body: Uint8Array, header: string | null): SignatureCheck {
  if (!header) return { ok: false, reason: 'the push had no X-Hub-Signature header' };
  const match = /^\s*([a-z0-9]+)=([0-9a-f]+)\s*$/i.exec(header);
  if (!match) return { ok: false, reason: 'the X-Hub-Signature header is not "method=hexdigest"' };
  const method = match[1]!.toLowerCase();
  if (!METHODS.has(method)) return { ok: false, reason: `the push was signed with unsupported ${method}` };
  const expected = createHmac(method, secret).update(body).digest();
  const given = Buffer.from(match[2]!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the push signature does not match the subscription secret' };
  }
  return { ok: true };
}
