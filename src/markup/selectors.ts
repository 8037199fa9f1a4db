import { CourtesyError } from '../model/errors.js';
import { parseDocument, type DomDocument } from './dom.js';

/** The operator's rules for one source's pages: what to read as the article, and what to take out of it first. */
export interface ScraperRules {
  /** CSS selector of the article body; every match is kept, in document order. Readability is not used. */
  selector?: string | null;
  /** CSS selectors of elements to remove before extracting (share bars, newsletter boxes, related links). */
  remove?: readonly string[];
}

/**
 * A scraper rule that is not CSS a page can be read with. Its code is the extraction's
 * (`extract.bad-selector`), which reports the same fault when it meets such a rule.
 */
export class SelectorError extends CourtesyError<'extract.bad-selector'> {}

/** Longer than this, a selector is not a rule anyone means. */
const MAX_SELECTOR = 500;
const MAX_REMOVE = 50;

/**
 * Checks an operator's scraper rules before they are saved: each selector must be valid CSS (as the
 * extraction will read it), and there must be a sane number of them. Returns them trimmed; throws
 * SelectorError `extract.bad-selector` naming the one at fault.
 */
export function checkScraperRules(rules: ScraperRules): { selector: string | null; remove: string[] } {
  // Made only when there is a rule to check: sources without rules need no DOM at all.
  let probe: DomDocument | null = null;
  const check = (selector: string, what: string): string => {
    const trimmed = selector.trim();
    if (trimmed === '' || trimmed.length > MAX_SELECTOR) {
      throw new SelectorError(
        'extract.bad-selector',
        `the ${what} must be a CSS selector of 1 to ${MAX_SELECTOR} characters`,
      );
    }
    try {
      probe ??= parseDocument('<!doctype html><html><head></head><body><p>probe</p></body></html>');
      probe.querySelectorAll(trimmed);
    } catch {
      throw new SelectorError('extract.bad-selector', `the ${what} "${trimmed}" is not a valid CSS selector`);
    }
    return trimmed;
  };
  const remove = (rules.remove ?? []).map((r) => check(r, 'remove rule'));
  if (remove.length > MAX_REMOVE) {
    throw new SelectorError('extract.bad-selector', `at most ${MAX_REMOVE} remove rules`);
  }
  return { selector: rules.selector ? check(rules.selector, 'article selector') : null, remove };
}
