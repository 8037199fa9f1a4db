/**
 * The vocabulary: 4,000 made-up words whose frequencies follow Zipf's law, as the words of real
 * text do (the commonest takes about 12% of the words, the thousandth about 0.01%). So a search
 * for a common word matches most articles, and one for two middling words a fraction of a percent:
 * the two searches the figures report.
 */
const SYLLABLES = 'ba ce di fo gu ha ke li mo nu pa re si to vu wa xe yo za br cl dr fl gr kr pl st tr'.split(
  ' ',
);
export const VOCABULARY = Array.from({ length: 4000 }, (_, i) => {
  let word = '';
  for (let n = i + 7; word.length < 4 || n > 0; n = Math.floor(n / SYLLABLES.length)) {
    word += SYLLABLES[n % SYLLABLES.length]!;
  }
  return word;
});
const ZIPF = (() => {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= VOCABULARY.length; rank++) cumulative.push((sum += 1 / rank));
  return cumulative.map((c) => c / sum);
})();
/** The word for a uniform draw u in [0, 1). */
export function zipfWord(u: number): string {
  let lo = 0;
  let hi = ZIPF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}
/** The searches: the commonest word (most articles match), and two words of middling frequency. */
export const COMMON_QUERY = VOCABULARY[0]!;
export const TWO_WORD_QUERY = `${VOCABULARY[150]!} ${VOCABULARY[300]!}`;
