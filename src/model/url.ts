/**
 * Reading URLs: one place for the one idea that the try/catch around `new URL` repeated (Node 20
 * has no `URL.parse`).
 */

/** The URL the text names (relative text resolved against base), or null when it names none. */
export function parseUrl(value: string, base?: string | null): URL | null {
  try {
    return new URL(value, base ?? undefined);
  } catch {
    return null;
  }
}

/** The same, only for an http or https address. */
export function parseHttpUrl(value: string, base?: string | null): URL | null {
  const url = parseUrl(value, base);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : null;
}

/** A URL's host with its port, lower-cased; null when the text is no URL. */
export function hostOf(value: string | null): string | null {
  return value ? (parseUrl(value)?.host.toLowerCase() ?? null) : null;
}
