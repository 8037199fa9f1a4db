/**
 * What a reader types into the search box, as an SQLite FTS5 query: words (all must match),
 * "quoted phrases", a trailing * for a prefix, and -word to leave out. Everything is quoted, so
 * no input can be FTS5 syntax of its own (NEAR, column filters, parentheses). Null when nothing
 * searchable is left (only exclusions, or only punctuation).
 */
export function ftsQuery(input: string): string | null {
  const positive: string[] = [];
  const negative: string[] = [];
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const m of input.slice(0, 500).matchAll(pattern)) {
    let term: string;
    let exclude = false;
    let prefix = false;
    if (m[2] !== undefined) {
      term = m[2];
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
    const quoted = `"${words}"${prefix && !words.includes(' ') ? '*' : ''}`;
    (exclude ? negative : positive).push(quoted);
    if (positive.length + negative.length >= 20) break;
  }
  if (positive.length === 0) return null;
  return [positive.join(' '), ...negative.map((n) => `NOT ${n}`)].join(' ');
}
