/**
 * What a reader types into the search box, as search terms (each also as an FTS5 string, which
 * the SQLite index matches; other engines build their queries from the words): words (all must match),
 * "quoted phrases", a trailing * for a prefix, and -word to leave out. Everything is quoted, so
 * no input can be FTS5 syntax of its own (NEAR, column filters, parentheses).
 */
export interface SearchTerms {
  /** What every hit must contain. */
  required: FtsTerm[];
  /** What no hit may contain. */
  excluded: FtsTerm[];
}

export interface FtsTerm {
  /** The term as an FTS5 string: `"anchor ice"`, `"freez"*`. */
  fts: string;
  /** Its words, as a reader would read them: `anchor ice`. */
  words: string;
  /** A single word's beginning (typed with a trailing *): `freez`. */
  prefix: boolean;
  /**
   * True for a single word typed as it is (not in quotes, not a prefix): the kind of term a search
   * may leave out when most articles contain it, as search engines do with "the" or "of".
   */
  bare: boolean;
}

/** The terms of a search; null when nothing searchable is left (only exclusions, or only punctuation). */
export function searchTerms(input: string): SearchTerms | null {
  const required: FtsTerm[] = [];
  const excluded: FtsTerm[] = [];
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const m of input.slice(0, 500).matchAll(pattern)) {
    let term: string;
    let exclude = false;
    let prefix = false;
    const quoted = m[2] !== undefined;
    if (quoted) {
      term = m[2] ?? '';
      exclude = m[1] === '-';
    } else {
      term = m[3] ?? '';
      if (term.startsWith('-') && term.length > 1) {
        exclude = true;
        term = term.slice(1);
      }
      if (term.endsWith('*')) {
        prefix = true;
        term = term.replace(/\*+$/, '');
      }
    }
    const words = term.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (!words) continue;
    const single = !words.includes(' ');
    (exclude ? excluded : required).push({
      fts: `"${words}"${prefix && single ? '*' : ''}`,
      words,
      prefix: prefix && single,
      bare: !quoted && !prefix && single,
    });
    if (required.length + excluded.length >= 20) break;
  }
  return required.length > 0 ? { required, excluded } : null;
}

/** The FTS5 MATCH expression of the terms. */
export function ftsMatch(terms: SearchTerms): string {
  return [terms.required.map((t) => t.fts).join(' '), ...terms.excluded.map((t) => `NOT ${t.fts}`)].join(' ');
}
