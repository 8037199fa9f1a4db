import { SelectorError } from '../markup/selectors.js';
import { errorMessage } from '../model/errors.js';
import type { SanitizeOptions } from '../sanitize/index.js';
import { textAndPrint } from '../markup/html-fingerprint.js';
import { textPictures } from '../markup/html-images.js';
import { ExtractError, type ExtractErrorCode } from './errors.js';
import { extractArticle } from './extract.js';

/** A fetched page, as handed to an extraction thread. */
export interface PageWork {
  html: string;
  /** Where the page came from (after redirects). */
  url: string;
  feedHtml: string | null;
  selector: string | null;
  remove: readonly string[];
  sanitize: Omit<SanitizeOptions, 'base'>;
}

/** Errors cross the thread boundary as data: the class of an Error does not survive it. */
export type WorkResult =
  | {
      ok: true;
      html: string;
      length: number;
      searchText: string;
      method: 'readability' | 'selector';
      /** The page's og:image, absolute, or null. */
      image: string | null;
      /** The pictures of the article's text. */
      pictures: string[];
      /** The page's rel=canonical address, absolute, or null. */
      canonical: string | null;
      /** The fingerprint of the article's text, packed (model/fingerprint.ts). */
      print: Uint8Array | null;
    }
  | { ok: false; code: ExtractErrorCode; message: string };

/**
 * The CPU-heavy part of full text (DOM, Readability, sanitizing, search text), with no I/O: it
 * runs in a worker thread so that the site keeps answering while articles are extracted.
 */
export function extractWork(work: PageWork): WorkResult {
  try {
    const article = extractArticle(work.html, {
      url: work.url,
      feedHtml: work.feedHtml,
      selector: work.selector,
      remove: work.remove,
      sanitize: work.sanitize,
    });
    // The search text (as store/search-text.ts makes it) and the fingerprint, from one reading.
    const body = textAndPrint(article.html);
    return {
      ok: true,
      html: article.html,
      length: article.length,
      searchText: body.text,
      method: article.method,
      image: article.image,
      pictures: textPictures(article.html),
      canonical: article.canonical,
      print: body.print,
    };
  } catch (error) {
    if (error instanceof ExtractError || error instanceof SelectorError)
      return { ok: false, code: error.code, message: error.message };
    return {
      ok: false,
      code: 'extract.internal',
      message: `extract: unexpected failure: ${errorMessage(error)}`,
    };
  }
}
