/**
 * How well courtesy finds the article in a page: over every article page of a corpus
 * (`articles/NAME/source.html` beside the article expected from it, `expected.html`), the words of
 * the extracted article against the words of the expected one: token-level precision, recall and
 * F1 (words counted with their repeats), averaged over the pages, with the ten worst pages; beside
 * plain Readability over jsdom, happy-dom and linkedom, in the same run, on the same pages. Also
 * counts the images kept against the images expected.
 *
 * Scored twice: against the expected articles as the corpus gives them (Readability's own output),
 * and against the same articles as a reader judges them (judged.ts: without the newsletter boxes,
 * share buttons, links to other stories, comments and navigation that Readability keeps), over all
 * pages and over the pages where the two differ.
 *
 *   npm run bench:extract:quality -- CORPUS_DIR
 */
import { parseArgs } from 'node:util';
import { articleText } from '../../src/extract/index.js';
import { articlePages, PAGE_URL } from './corpus.js';
import { EXTRACTORS } from './extractors.js';
import { JUDGED_PAGES, JUDGMENTS, judgedText } from './judged.js';

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
function visible(html: string, judgedAs?: string): Visible {
  const text = articleText(html);
  return {
    words: words(judgedAs ? judgedText(judgedAs, text) : text),
    images: (html.match(/<img\b/gi) ?? []).length,
  };
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
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

const expected = {
  corpus: pages.map((p) => visible(p.expected)),
  judged: pages.map((p) => visible(p.expected, p.name)),
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
type Scored = Score & { page: string; error: string | null };

const extracted = Object.entries(EXTRACTORS).map(([name, extract]) => {
  const got = pages.map((page) => {
    try {
      return { ...visible(extract(page.source, PAGE_URL)), error: null };
    } catch (e) {
      return { words: [], images: 0, error: e instanceof Error ? e.message : String(e) };
    }
  });
  return { name, got };
});

const lines = [
  `${pages.length} article pages; words of the extracted article against the expected one; node ${process.version}`,
];
const worst: string[] = [];
const against = [
  {
    title: 'Against the expected articles as the corpus gives them (Readability’s output)',
    want: expected.corpus,
    only: null,
  },
  {
    title: `Against the articles as judged (${JUDGMENTS.length} passages of ${JUDGED_PAGES.size} pages judged not article), all pages`,
    want: expected.judged,
    only: null,
  },
  {
    title: `Against the articles as judged, the ${JUDGED_PAGES.size} judged pages only`,
    want: expected.judged,
    only: JUDGED_PAGES,
  },
];
for (const { title, want, only } of against) {
  lines.push(
    '',
    `${title}:`,
    '',
    '| extractor | precision | recall | F1 | pages F1 < 0.9 | failed | images kept / expected |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const { name, got } of extracted) {
    const scores: Scored[] = [];
    let images = 0;
    let wantImages = 0;
    pages.forEach((page, i) => {
      if (only && !only.has(page.name)) return;
      images += Math.min(got[i]!.images, want[i]!.images);
      wantImages += want[i]!.images;
      scores.push({ ...score(got[i]!.words, want[i]!.words), page: page.name, error: got[i]!.error });
    });
    lines.push(
      `| ${name} | ${mean(scores.map((s) => s.precision)).toFixed(4)} | ${mean(scores.map((s) => s.recall)).toFixed(4)} | **${mean(scores.map((s) => s.f1)).toFixed(4)}** | ${scores.filter((s) => s.f1 < 0.9).length} | ${scores.filter((s) => s.error).length} | ${images} / ${wantImages} |`,
    );
    if (want === expected.judged && !only) {
      worst.push(
        '',
        `Worst ten against the judged articles, ${name}:`,
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
  }
}
process.stdout.write(`${[...lines, ...worst].join('\n')}\n`);
