/**
 * The sanitizing benchmark: courtesy's sanitizer (src/sanitize) on the HTML of every entry of a
 * corpus's feeds and on its whole article pages, beside two references timed in the same run:
 * sanitize-html called as its documentation shows, with courtesy's allowlists given as options on
 * each call (the library's own cost for the same policy, without courtesy's URL rewriting), and
 * htmlparser2 tokenizing the same HTML with handlers that do nothing (the least any sanitizer on a
 * tokenizer can cost). It also times the search text made from the sanitized entries, which the
 * feed thread does next.
 *
 *   npm run bench:sanitize -- CORPUS_DIR [--runs 7]
 *
 * Each run does every set with every contender, in an order that rotates from run to run; the
 * figures are the medians over the runs.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Parser } from 'htmlparser2';
import sanitize from 'sanitize-html';
import { parseFeedBytes, htmlToText } from '../../src/parse/index.js';
import { sanitizeHtml } from '../../src/sanitize/index.js';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_SCHEMES,
  ALLOWED_TAGS,
  NON_TEXT_TAGS,
} from '../../src/sanitize/policy.js';
import { articlePages, PAGE_URL } from '../extract/corpus.js';
import { corpusFeedFiles, readFeedFile } from '../parse/corpus.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '7' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run bench:sanitize -- CORPUS_DIR [--runs N]\n');
  process.exit(2);
}
const corpus = positionals[0]!;
const runs = Math.max(1, Number.parseInt(args.runs, 10) || 7);

interface Fragment {
  html: string;
  base: string;
}

/** The summary and content of every entry of every feed the corpus lists, with the base each resolves against. */
function feedFragments(): Fragment[] {
  const out: Fragment[] = [];
  for (const file of corpusFeedFiles(corpus)) {
    const url = `https://feeds.example/${file}`;
    let feed;
    try {
      feed = parseFeedBytes(readFeedFile(join(corpus, file)), { contentType: null, url });
    } catch {
      continue; // the corpus keeps some broken feeds on purpose; they have no entries to sanitize
    }
    for (const entry of feed.entries) {
      const base = entry.base ?? entry.link ?? url;
      for (const html of [entry.summary, entry.content]) if (html) out.push({ html, base });
    }
  }
  return out;
}

const sets: Array<{ name: string; fragments: Fragment[] }> = [
  { name: 'feed entries', fragments: feedFragments() },
  {
    name: 'article pages',
    fragments: articlePages(corpus).map((page) => ({ html: page.source, base: PAGE_URL })),
  },
];

const libraryOptions: sanitize.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedSchemes: ALLOWED_SCHEMES,
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: NON_TEXT_TAGS,
};

const noop = (): void => {};
const contenders: Record<string, (fragment: Fragment) => unknown> = {
  courtesy: (f) => sanitizeHtml(f.html, { base: f.base }),
  'sanitize-html, same allowlists': (f) => sanitize(f.html, libraryOptions),
  'htmlparser2, tokenizing only': (f) => {
    const parser = new Parser({ onopentag: noop, ontext: noop, onclosetag: noop }, { decodeEntities: true });
    parser.end(f.html);
  },
};
const names = Object.keys(contenders);
const reference = 'sanitize-html, same allowlists';

const timeOf = (work: () => void): number => {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const lines: string[] = [`node ${process.version}, median of ${runs} runs`];
for (const set of sets) {
  const mb = set.fragments.reduce((sum, f) => sum + Buffer.byteLength(f.html), 0) / (1024 * 1024);
  const sanitized = set.fragments.map((f) => sanitizeHtml(f.html, { base: f.base }));
  const times = new Map<string, number[]>(names.map((name) => [name, []]));
  const textTimes: number[] = [];
  // One warm-up pass, so that all run optimized code when timed.
  for (const name of names) for (const f of set.fragments) contenders[name]!(f);
  for (let run = 0; run < runs; run++) {
    for (const name of names.map((_, i) => names[(i + run) % names.length]!)) {
      const contender = contenders[name]!;
      times.get(name)!.push(timeOf(() => set.fragments.forEach((f) => contender(f))));
    }
    textTimes.push(timeOf(() => sanitized.forEach((html) => htmlToText(html))));
  }
  const referenceMs = median(times.get(reference)!);
  lines.push(
    '',
    `### ${set.name}: ${set.fragments.length} fragments, ${mb.toFixed(1)} MB (${Math.round((mb * 1024 * 1024) / set.fragments.length)} bytes on average)`,
    '',
    `| | ms | MB/s | µs a fragment | × ${reference} time |`,
    '| --- | --- | --- | --- | --- |',
  );
  const row = (name: string, ms: number) =>
    `| ${name} | ${ms.toFixed(0)} | ${(mb / (ms / 1000)).toFixed(1)} | ${((ms * 1000) / set.fragments.length).toFixed(1)} | ${(ms / referenceMs).toFixed(2)} |`;
  for (const name of names) lines.push(row(name, median(times.get(name)!)));
  lines.push(row('search text of courtesy’s output', median(textTimes)));
}
process.stdout.write(`${lines.join('\n')}\n`);
