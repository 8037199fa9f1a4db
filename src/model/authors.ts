/**
 * The people a byline names, as people write bylines: "By Ada Lovelace and Charles Babbage",
 * "Lapalu, N., Simon, A." (two people, each "Last, Initials"), "Ashifa Kassam in Stanstead and
 * Quebec" (one author, two places), "Ada Lovelace (staff)", "Ada Lovelace, Staff Writer". Each
 * name is returned as written, spaces collapsed; a byline of no name gives none. "Reuters, AFP"
 * stays two names: initials count as such only with their full stops ("N.", "J.-P.").
 */
export function splitAuthors(byline: string | null): string[] {
  if (!byline) return [];
  const text = byline
    .replace(/\([^)]*\)/g, ' ') // "(staff)", "(AP)"
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^by\s+/i, '');
  const names: string[] = [];
  // Groups apart by ";", within a group by ",", "&" and "and".
  for (const group of text.split(/\s*;\s*/)) {
    const pieces = group.split(/\s*(?:,|&|\band\b)\s*/i).filter((p) => p !== '');
    let inPlaces = false;
    for (let i = 0; i < pieces.length; i++) {
      let piece = pieces[i]!;
      const place = /\s+in\s+\p{Lu}/u.exec(piece);
      if (place) {
        // "Ashifa Kassam in Stanstead": the name, then places until the group ends.
        piece = piece.slice(0, place.index);
        inPlaces = true;
      } else if (inPlaces) continue;
      const next = pieces[i + 1];
      // "Lapalu, N.": a surname followed by its initials.
      if (next !== undefined && !place && isSurname(piece) && isInitials(next)) {
        names.push(`${piece}, ${next}`);
        i++;
        continue;
      }
      if (piece !== '' && !isRole(piece)) names.push(piece);
    }
  }
  return names;
}

/** "N.", "A.", "J.-P.", "J. R.": initials only, each with its full stop. */
function isInitials(piece: string): boolean {
  return /^(?:\p{Lu}\.[\s-]?){1,4}$/u.test(piece);
}

/** One word, capitalized: what a "Last, First" byline starts with. */
function isSurname(piece: string): boolean {
  return /^\p{Lu}[\p{L}'’-]+$/u.test(piece);
}

/** Words that name a job, not a person ("Staff Writer", "Senior Correspondent"). */
const ROLE_WORDS = new Set([
  'staff',
  'writer',
  'writers',
  'reporter',
  'reporters',
  'correspondent',
  'correspondents',
  'editor',
  'editors',
  'contributor',
  'contributing',
  'columnist',
  'senior',
  'chief',
  'political',
  'science',
  'business',
  'associate',
  'press',
  'special',
  'to',
  'the',
  'intern',
  'freelance',
]);

function isRole(piece: string): boolean {
  return piece.split(/\s+/).every((w) => ROLE_WORDS.has(w.toLowerCase()));
}
