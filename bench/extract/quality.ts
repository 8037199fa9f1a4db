/**
 * How well courtesy finds the article in a page: over every article page of a corpus
 * (`articles/NAME/source.html` beside the article expected from it, `expected.html`), the words of
 * the extracted article against the words of the expected one: token-level precision, recall and
 * F1 (words counted with their repeats), averaged over the pages, with the ten worst pages; beside
 * plain Readability over jsdom and over linkedom, in the same run, on the same pages. Also counts
 * the images kept against the images expected.
 *
 *   npm run bench:extract:quality -- CORPUS_DIR
 */
import { parseArgs } from 'node:util';
import { articleText } from '../../src/extract/index.js';
import { articlePages, PAGE_URL } from './corpus.js';
import { EXTRACTORS } from './extractors.js';

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
if (!positionals[0]) {
  process.stderr.write('usage: npm run bench:extract:quality -- CORPUS_DIR\n');
  process.exit(2);
}
const pages = articlePages(positionals[0]);

interface Visible {
  words: string[];
  images: number;
}

/**
 * The words a reader sees in HTML, lower-cased, and its images. Blocks are apart (a paragraph's
 * last word and the next one's first are two words, as a reader sees them, not one as the DOM's
 * textContent joins them).
 */
function visible(html: string): Visible {
  return {
    words:
      articleText(html)
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    images: (html.match(/<img\b/gi) ?? []).length,
  };
}

interface Score {
  precision: number;
  recall: number;
  f1: number;
}

function score(got: string[], want: string[]): Score {
  const left = new Map<string, number>();
  for (const w of want) left.set(w, (left.get(w) ?? 0) + 1);
  let hits = 0;
  for (const w of got) {
    const n = left.get(w);
    if (n) {
      hits++;
      left.set(w, n - 1);
    }
  }
  const precision = got.length === 0 ? (want.length === 0 ? 1 : 0) : hits / got.length;
  const recall = want.length === 0 ? 1 : hits / want.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

const expected = pages.map((p) => visible(p.expected));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const lines = [
  `${pages.length} article pages; words of the extracted article against the expected one; node ${process.version}`,
  '',
  '| extractor | precision | recall | F1 | pages F1 < 0.9 | failed | images kept / expected |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
const worst: string[] = [];
for (const [name, extract] of Object.entries(EXTRACTORS)) {
  const scores: Array<Score & { page: string; error: string | null }> = [];
  let images = 0;
  pages.forEach((page, i) => {
    let html = '';
    let error: string | null = null;
    try {
      html = extract(page.source, PAGE_URL);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const got = visible(html);
    images += Math.min(got.images, expected[i]!.images);
    scores.push({ ...score(got.words, expected[i]!.words), page: page.name, error });
  });
  const wantImages = expected.reduce((n, e) => n + e.images, 0);
  lines.push(
    `| ${name} | ${mean(scores.map((s) => s.precision)).toFixed(4)} | ${mean(scores.map((s) => s.recall)).toFixed(4)} | **${mean(scores.map((s) => s.f1)).toFixed(4)}** | ${scores.filter((s) => s.f1 < 0.9).length} | ${scores.filter((s) => s.error).length} | ${images} / ${wantImages} |`,
  );
  worst.push(
    '',
    `Worst ten, ${name}:`,
    '',
    ...[...scores]
      .sort((a, b) => a.f1 - b.f1)
      .slice(0, 10)
      .map(
        (s) =>
          `- ${s.page}: F1 ${s.f1.toFixed(3)} (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)})${s.error ? `: ${s.error}` : ''}`,
      ),
  );
}
process.stdout.write(`${[...lines, ...worst].join('\n')}\n`);
