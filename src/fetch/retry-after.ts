/**
 * When a 429 or 503 response asks the client to come back (RFC 9110 §10.2.3): a number of seconds,
 * or an HTTP-date. Returns null when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): Date | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return new Date(now.getTime() + Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : new Date(date);
}
