/**
 * The extraction benchmark: pages per second for finding the article in a page, courtesy's
 * extraction (Readability over linkedom, with the source's rules, then the sanitizer) beside plain
 * Readability over jsdom and over linkedom; and MB/s for sanitizing, the whole pages and the
 * articles found in them. Every article page of a corpus (`articles/NAME/source.html`), in one
 * run, each extractor in turn, the figures the medians of several runs.
 *
 *   npm run bench:extract -- CORPUS_DIR [--runs 5]
 */
import { parseArgs } from 'node:util';
import { extractArticle } from '../../src/extract/index.js';
import { sanitizeHtml } from '../../src/sanitize/index.js';
import { articlePages, PAGE_URL } from './corpus.js';
import { EXTRACTORS } from './extractors.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' } },
});
if (!positionals[0]) {
  process.stderr.write('usage: npm run bench:extract -- CORPUS_DIR [--runs N]\n');
  process.exit(2);
}
const pages = articlePages(positionals[0]);
const runs = Math.max(1, Number(args.runs) || 5);
const pageMb = pages.reduce((n, p) => n + Buffer.byteLength(p.source), 0) / (1024 * 1024);
const articles = pages.map((p) => extractArticle(p.source, { url: PAGE_URL }).html);
const articleMb = articles.reduce((n, a) => n + Buffer.byteLength(a), 0) / (1024 * 1024);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const collect = (globalThis as { gc?: () => void }).gc;

/** The median time, in ms, of running `work` over every page, with a warm-up first. */
function time(work: () => void): number {
  work();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    collect?.();
    const start = process.hrtime.bigint();
    work();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const lines = [
  `${pages.length} article pages (${pageMb.toFixed(1)} MB; the articles found in them ${articleMb.toFixed(1)} MB); median of ${runs} runs; node ${process.version}`,
  '',
  '| extraction | ms, all pages | pages/s | MB/s of pages | × courtesy time |',
  '| --- | --- | --- | --- | --- |',
];
const times = new Map<string, number>();
for (const [name, extract] of Object.entries(EXTRACTORS)) {
  times.set(
    name,
    time(() => {
      for (const page of pages) extract(page.source, PAGE_URL);
    }),
  );
}
const ours = times.get('courtesy')!;
for (const [name, ms] of times) {
  lines.push(
    `| ${name} | ${ms.toFixed(0)} | ${((pages.length * 1000) / ms).toFixed(1)} | ${(pageMb / (ms / 1000)).toFixed(2)} | ${(ms / ours).toFixed(2)} |`,
  );
}

const sanitizePages = time(() => {
  for (const page of pages) sanitizeHtml(page.source, { base: PAGE_URL });
});
const sanitizeArticles = time(() => {
  for (const article of articles) sanitizeHtml(article, { base: PAGE_URL });
});
lines.push(
  '',
  '| sanitizing | ms | MB/s |',
  '| --- | --- | --- |',
  `| whole pages | ${sanitizePages.toFixed(0)} | ${(pageMb / (sanitizePages / 1000)).toFixed(1)} |`,
  `| articles found in them | ${sanitizeArticles.toFixed(0)} | ${(articleMb / (sanitizeArticles / 1000)).toFixed(1)} |`,
);
process.stdout.write(`${lines.join('\n')}\n`);
