import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import { fingerprintWords, wordHash } from './fingerprint.js';

/**
 * Coverage: different texts on the same news (three outlets' own reports of one flood) grouped
 * as one event, looser than a story's copies (model/story.ts), whose texts are one text. Two
 * reports of one event share what the news is made of, its names, places and figures, in their
 * headlines and first paragraphs, and little of their wording: an entry is described by the words
 * of its title and lead (stemmed, without the words every text has), weighed by how rare each is
 * among the entries of the last days, and two entries are compared by the cosine of those
 * weights. bench/stories/coverage.ts measures the rule on a labelled set of events (BENCHMARKS.md,
 * "Coverage").
 */

/** How many words of the text, after the title, describe an entry: a news report's lead. */
export const LEAD_WORDS = 80;
/**
 * A word of the title counts as much as this many in the lead. More would seem natural (a headline
 * names the news), but headlines name the people and places that other events of the same subject
 * share: at 2 or 3 the labelled set's precision fell from 1.000 to 0.917 and 0.796, and its recall
 * too (bench/stories/coverage.ts, with the corpus).
 */
export const TITLE_WEIGHT = 1;
/** At most this many terms describe an entry (the heaviest, the earliest first among equals). */
export const COVERAGE_TERMS = 40;
/**
 * Reports of one event come within hours of each other, a follow-up within a day or two; a story
 * on the same subject a week later is another event.
 */
export const COVERAGE_HOURS = 72;
export const COVERAGE_WINDOW_MS = COVERAGE_HOURS * 3_600_000;

/** An entry's terms: each term's hash and its weight (title words TITLE_WEIGHT, lead words 1 each). */
export interface CoverageTerms {
  terms: Uint32Array;
  weights: Uint8Array;
}

const STOPWORDS = new Set([...eng, ...eng.map((w) => w.replace(/'/g, '')), 'said', 'says', 'will', 'would']);

/** The terms of a text: folded words, the common ones left out, the rest stemmed ("floods" is "flood"). */
export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of fingerprintWords(text)) {
    const term = termOf(word);
    if (term) out.push(term);
  }
  return out;
}

/**
 * Each word's term, kept: news repeats its words, and stemming them is most of what describing an
 * entry costs (on the corpus's entries, 1.22 times what their text and fingerprint cost without
 * the memo, 0.98 times with it). Bounded: past STEMS_KEPT words, the rarest are stemmed each time.
 */
const stems = new Map<string, string>();
const STEMS_KEPT = 100_000;

/** A folded word's term: its stem, the figure itself, or '' for a word left out. */
function termOf(word: string): string {
  let term = stems.get(word);
  if (term !== undefined) return term;
  if (STOPWORDS.has(word)) term = '';
  // A figure names the news when it is one (212 passengers, 38 degrees), not a day of a month.
  else if (/^[0-9]+$/.test(word)) term = word.length >= 2 ? word : '';
  else term = word.length < 3 ? '' : stemmer(word);
  if (stems.size < STEMS_KEPT) stems.set(word, term);
  return term;
}

/** What an entry is about, from its title and the first LEAD_WORDS words of its text. */
export function coverageTerms(
  title: string | null,
  text: string | null,
  { leadWords = LEAD_WORDS, titleWeight = TITLE_WEIGHT, most = COVERAGE_TERMS } = {},
): CoverageTerms {
  const weight = new Map<string, number>();
  for (const term of termsOf(title ?? '')) weight.set(term, (weight.get(term) ?? 0) + titleWeight);
  const lead = (text ?? '').split(/\s+/, leadWords).join(' ');
  for (const term of termsOf(lead)) weight.set(term, (weight.get(term) ?? 0) + 1);
  // The heaviest first; a Map keeps first appearance, so among equals the earlier word stays.
  const kept = [...weight].sort((a, b) => b[1] - a[1]).slice(0, most);
  return {
    terms: Uint32Array.from(kept, ([term]) => wordHash(term)),
    weights: Uint8Array.from(kept, ([, w]) => Math.min(w, 255)),
  };
}

/** How rare a term is among the recent entries: its inverse document frequency. */
export type Rarity = (term: number) => number;

/**
 * Entries assumed beside the window's, none of them with the term: a new site's first entries are
 * weighed as a week of a site's news would weigh them, not as if their few texts were all there is.
 */
export const RARITY_PRIOR = 1000;

/**
 * The inverse document frequency of a term found in `df` of `n` recent entries:
 * ln((n + RARITY_PRIOR + 1) / (df + 1)), so a term of most entries weighs little and one of a
 * single entry the most.
 */
export function inverseFrequency(df: number, n: number): number {
  return Math.log((n + RARITY_PRIOR + 1) / (df + 1));
}

/** The cosine of two entries' terms, each weighted by its weight and its rarity. */
export function coverageSimilarity(a: CoverageTerms, b: CoverageTerms, rarity: Rarity): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const inB = new Map<number, number>();
  for (let i = 0; i < b.terms.length; i++) {
    const w = b.weights[i]! * rarity(b.terms[i]!);
    nb += w * w;
    inB.set(b.terms[i]!, w);
  }
  for (let i = 0; i < a.terms.length; i++) {
    const w = a.weights[i]! * rarity(a.terms[i]!);
    na += w * w;
    const other = inB.get(a.terms[i]!);
    if (other !== undefined) dot += w * other;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * An entry joins an event when its similarity to the event's reports of the window, on average, is
 * at least this. On the labelled set among 1,503 corpus articles (bench/stories/coverage.ts) no two
 * events joined from 0.30 up, and 0.767 of the pairs of one event's reports were found; at 0.25,
 * six pairs of two events on one subject joined (precision 0.897). Precision first: two events
 * shown as one mislead a reader, two cards of one event only repeat.
 */
export const COVERAGE_SIMILARITY = 0.3;

/** An event's reports within the window, as a new entry is weighed against them. */
export interface CoverageCandidate<K> {
  key: K;
  members: readonly CoverageTerms[];
}

/**
 * The event a new entry reports, of the candidates (events with a report that shares its rare
 * terms): the one its average similarity to is highest, when that is at least COVERAGE_SIMILARITY;
 * null when none is near enough. The average, not the nearest report: an entry near one report of
 * an event and far from the rest is on its edge, and joining it by its nearest would chain one
 * subject's events into one (on the labelled set, precision 0.893 against 1.000 at the same threshold).
 */
export function chooseCoverage<K>(
  terms: CoverageTerms,
  candidates: Iterable<CoverageCandidate<K>>,
  rarity: Rarity,
  threshold = COVERAGE_SIMILARITY,
): { key: K; similarity: number } | null {
  let best: { key: K; similarity: number } | null = null;
  for (const { key, members } of candidates) {
    if (members.length === 0) continue;
    let sum = 0;
    for (const m of members) sum += coverageSimilarity(terms, m, rarity);
    const similarity = sum / members.length;
    if (similarity >= threshold && (!best || similarity > best.similarity)) best = { key, similarity };
  }
  return best;
}

/** An entry as clustering orders and compares it. */
export interface CoverageItem {
  /** When it was published, in ms. */
  at: number;
  terms: CoverageTerms;
}

/**
 * Clusters entries as they would arrive, in order of publication: each joins the event of the
 * window it is nearest to on average (chooseCoverage), or begins one; the cluster of each entry,
 * numbered by the entry it began with. Compares every pair: the measure of the rule on a labelled
 * set, which the store's fold (bounded by its candidates) follows.
 */
export function clusterInOrder<T extends CoverageItem>(
  items: readonly T[],
  rarity: Rarity,
  threshold = COVERAGE_SIMILARITY,
): Map<T, number> {
  const ordered = [...items].sort((x, y) => x.at - y.at);
  const cluster = new Map<T, number>();
  const members = new Map<number, T[]>();
  ordered.forEach((item, i) => {
    const live: Array<CoverageCandidate<number>> = [];
    for (const [key, list] of members) {
      const recent = list.filter((m) => item.at - m.at <= COVERAGE_WINDOW_MS);
      if (recent.length > 0) live.push({ key, members: recent.map((m) => m.terms) });
    }
    const key = chooseCoverage(item.terms, live, rarity, threshold)?.key ?? i;
    cluster.set(item, key);
    members.set(key, [...(members.get(key) ?? []), item]);
  });
  return cluster;
}
