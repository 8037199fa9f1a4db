import type { Fetcher } from '../fetch/index.js';
import type { RobotsRules } from '../fetch/robots.js';
import { decodeBody } from '../parse/index.js';
import { ExtractError } from './errors.js';

/** An article page as fetched: its text, and the address it finally came from (after redirects). */
export interface FetchedPage {
  html: string;
  url: string;
}

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';
/** Content types a page may come as; anything else (a PDF, an image, a video) has no article to find. */
const HTML_TYPES = /^(text\/html|application\/xhtml\+xml|text\/plain|application\/xml|text\/xml)\b/i;

/**
 * Fetches an entry's original page through the polite fetcher (per-host limits, size and time
 * limits, private addresses refused), if the site's robots.txt allows courtesy to, and decodes it
 * (BOM, Content-Type charset, `<meta charset>`). A redirect to another site is held to that site's
 * robots.txt too. Throws FetchError as the fetcher does, and ExtractError `extract.robots` or
 * `extract.not-html`.
 */
export async function fetchPage(fetcher: Fetcher, robots: RobotsRules, url: string): Promise<FetchedPage> {
  await allowed(robots, url);
  const result = await fetcher.fetch(url, undefined, { accept: HTML_ACCEPT });
  if (result.kind !== 'modified') throw new ExtractError('extract.empty', `extract: ${url} sent no page`);
  if (new URL(result.finalUrl).origin !== new URL(url).origin) await allowed(robots, result.finalUrl);
  if (result.contentType && !HTML_TYPES.test(result.contentType.trim())) {
    throw new ExtractError(
      'extract.not-html',
      `extract: ${result.finalUrl} is ${result.contentType.split(';')[0]!.trim()}, not an HTML page`,
    );
  }
  return { html: decodeBody(result.body, result.contentType).text, url: result.finalUrl };
}

async function allowed(robots: RobotsRules, url: string): Promise<void> {
  const verdict = await robots.check(url);
  if (!verdict.allowed) {
    throw new ExtractError(
      'extract.robots',
      `extract: ${verdict.basis.includes('could not') ? verdict.basis : `${verdict.basis} does not allow courtesy to fetch ${url}`}`,
    );
  }
}
