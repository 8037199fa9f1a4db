/**
 * Coverage clustering's labelled measurement: the events of src/model/testdata/coverage-events.json
 * (each reported by three outlets in their own words, and for every topic a second event that must
 * stay apart), among the real articles of a corpus when one is given (every one of them a different
 * story, and the background that makes words common or rare, as a week of a site's entries does).
 * For each threshold: the pairs of one event's reports found (recall), the pairs of different
 * events joined (precision), the same-topic pairs joined among them, and the corpus articles
 * drawn into an event; then the clusters that joining each new entry to its nearest earlier one
 * makes, in the order of publication, as the store does (chooseCoverage), beside joining each to its
 * nearest report alone. Where COVERAGE_SIMILARITY and TITLE_WEIGHT come from.
 *
 *   npm run bench:coverage [-- CORPUS]
 *
 * CORPUS is a folder with MANIFEST.tsv, feeds/ and articles/; without one, the set alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { htmlToText } from '../../src/markup/html-text.js';
import {
  chooseCoverage,
  clusterInOrder,
  COVERAGE_SIMILARITY,
  COVERAGE_WINDOW_MS,
  coverageSimilarity,
  coverageTerms,
  inverseFrequency,
  type CoverageTerms,
} from '../../src/model/coverage.js';
import { corpusArticlePages, corpusFeedEntries } from '../parse/corpus.js';

interface Labelled {
  about: string;
  events: Array<{
    id: string;
    topic: string;
    articles: Array<{ source: string; hours: number; title: string; text: string }>;
  }>;
}

interface Doc {
  /** The event of a labelled report; null for a corpus article (a story of its own). */
  event: string | null;
  topic: string | null;
  source: string;
  at: number;
  terms: CoverageTerms;
}

const HOUR = 3_600_000;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const set = JSON.parse(
  readFileSync(join(root, 'src/model/testdata/coverage-events.json'), 'utf8'),
) as Labelled;
const docs: Doc[] = set.events.flatMap((e) =>
  e.articles.map((a) => ({
    event: e.id,
    topic: e.topic,
    source: a.source,
    at: a.hours * HOUR,
    terms: coverageTerms(a.title, a.text),
  })),
);
const span = Math.max(...docs.map((d) => d.at));

const corpus = process.argv[2];
if (corpus && existsSync(join(corpus, 'MANIFEST.tsv'))) {
  const background = corpusArticles(corpus);
  // Spread over the set's days, as a week of other news around the events.
  background.forEach((b, i) =>
    docs.push({
      event: null,
      topic: null,
      source: b.source,
      at: (i / background.length) * span,
      terms: b.terms,
    }),
  );
  console.log(`corpus: ${background.length} articles of ${corpus} around the events`);
} else {
  console.log('corpus: none given (npm run bench:coverage -- CORPUS adds its articles around the events)');
}
const labelled = docs.filter((d) => d.event !== null);
console.log(
  `labelled set: ${set.events.length} events, ${labelled.length} reports, on ${new Set(set.events.map((e) => e.topic)).size} topics`,
);

// Rarity from the whole collection, as the store's week gives it.
const df = new Map<number, number>();
for (const d of docs) for (const t of d.terms.terms) df.set(t, (df.get(t) ?? 0) + 1);
const rarity = (t: number) => inverseFrequency(df.get(t) ?? 0, docs.length);

// Every pair within the window, scored once.
interface Pair {
  a: Doc;
  b: Doc;
  score: number;
}
const pairs: Pair[] = [];
for (let i = 0; i < docs.length; i++)
  for (let j = i + 1; j < docs.length; j++) {
    const a = docs[i]!;
    const b = docs[j]!;
    if (a.event === null && b.event === null) continue;
    if (Math.abs(a.at - b.at) > COVERAGE_WINDOW_MS) continue;
    pairs.push({ a, b, score: coverageSimilarity(a.terms, b.terms, rarity) });
  }
const same = (p: Pair) => p.a.event !== null && p.a.event === p.b.event;
const positives = pairs.filter(same);
const hard = pairs.filter((p) => !same(p) && p.a.topic !== null && p.a.topic === p.b.topic);
const withCorpus = pairs.filter((p) => p.a.event === null || p.b.event === null);
console.log(
  `pairs within ${COVERAGE_WINDOW_MS / HOUR} h: ${positives.length} of one event, ${hard.length} of two events on one topic, ${pairs.length - positives.length - hard.length - withCorpus.length} of unrelated events, ${withCorpus.length} with a corpus article`,
);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const f = (n: number) => n.toFixed(3);
console.log('\nscores (cosine of rarity-weighted terms): p10 / median / p90 / max');
for (const [label, list] of [
  ['one event', positives],
  ['same topic, other event', hard],
  ['unrelated events', pairs.filter((p) => !same(p) && !hard.includes(p) && !withCorpus.includes(p))],
  ['with a corpus article', withCorpus],
] as const) {
  const s = list.map((p) => p.score);
  console.log(
    `  ${label.padEnd(26)} ${f(quantile(s, 0.1))} / ${f(quantile(s, 0.5))} / ${f(quantile(s, 0.9))} / ${f(Math.max(0, ...s))}`,
  );
}

console.log(
  '\npairs at each threshold, each pair alone: recall (one event), precision, same-topic joined, corpus joined',
);
for (const threshold of [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]) {
  const joined = pairs.filter((p) => p.score >= threshold);
  const right = joined.filter(same).length;
  console.log(
    `  ${threshold.toFixed(2)}${threshold === COVERAGE_SIMILARITY ? ' (the rule)' : '           '}  recall ${f(right / positives.length)} (${right}/${positives.length})  precision ${f(joined.length ? right / joined.length : 1)}  same-topic ${joined.filter((p) => hard.includes(p)).length}/${hard.length}  corpus ${joined.filter((p) => withCorpus.includes(p)).length}/${withCorpus.length}`,
  );
}

// Clusters as the store makes them: each entry, in order of publication, joins the event of the
// window it is nearest to on average (chooseCoverage), or begins one. Beside it, joining the event
// of its nearest report alone (single link), which chains one subject's events together.
type Link = 'average' | 'nearest';
function clustersOf(threshold: number, link: Link): Map<Doc, number> {
  if (link === 'average') return clusterInOrder(docs, rarity, threshold);
  const ordered = [...docs].sort((x, y) => x.at - y.at);
  const cluster = new Map<Doc, number>();
  ordered.forEach((d, i) => {
    const reports = ordered
      .slice(0, i)
      .filter((e) => d.at - e.at <= COVERAGE_WINDOW_MS)
      .map((e) => ({ key: cluster.get(e)!, members: [e.terms] }));
    cluster.set(d, chooseCoverage(d.terms, reports, rarity, threshold)?.key ?? i);
  });
  return cluster;
}

function score(cluster: Map<Doc, number>) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let sameTopic = 0;
  let corpusDrawn = 0;
  for (let i = 0; i < docs.length; i++)
    for (let j = i + 1; j < docs.length; j++) {
      const a = docs[i]!;
      const b = docs[j]!;
      if (a.event === null && b.event === null) continue;
      const together = cluster.get(a) === cluster.get(b);
      const truth = a.event !== null && a.event === b.event;
      if (together && truth) tp++;
      else if (together) {
        fp++;
        if (a.event === null || b.event === null) corpusDrawn++;
        else if (a.topic === b.topic) sameTopic++;
      } else if (truth) fn++;
    }
  return { tp, fp, fn, sameTopic, corpusDrawn, precision: tp / Math.max(1, tp + fp), recall: tp / (tp + fn) };
}

console.log(
  '\nclusters, in order of publication: pairs of reports put together (precision) and found (recall)',
);
for (const link of ['average', 'nearest'] as const)
  for (const threshold of [0.15, 0.2, 0.25, 0.3, 0.35]) {
    const r = score(clustersOf(threshold, link));
    const rule = link === 'average' && threshold === COVERAGE_SIMILARITY;
    console.log(
      `  ${link === 'average' ? 'average of the event' : 'nearest report     '} ${threshold.toFixed(2)}${rule ? ' (the rule)' : '           '}  precision ${f(r.precision)}  recall ${f(r.recall)} (${r.tp}/${r.tp + r.fn})  wrong pairs ${r.fp} (same topic ${r.sameTopic}, with the corpus ${r.corpusDrawn})`,
    );
  }

const cluster = clustersOf(COVERAGE_SIMILARITY, 'average');
console.log(`\nthe rule's clusters, event by event (only those split or joined with another):`);
for (const e of set.events) {
  const ids = new Set(labelled.filter((d) => d.event === e.id).map((d) => cluster.get(d)));
  const stray = docs.filter((d) => ids.has(cluster.get(d)) && d.event !== e.id);
  if (ids.size > 1 || stray.length > 0)
    console.log(
      `  ${e.id}: ${e.articles.length} reports in ${ids.size} cluster${ids.size > 1 ? 's' : ''}${stray.length ? `, with ${stray.map((d) => d.event ?? `a corpus article (${d.source})`).join(', ')}` : ''}`,
    );
}

/** The corpus's articles with a text of some length, as a site's other news. */
function corpusArticles(dir: string): Array<{ source: string; terms: CoverageTerms }> {
  const found: Array<{ source: string; terms: CoverageTerms }> = [];
  for (const { name, html } of corpusArticlePages(dir)) {
    const text = htmlToText(html);
    if (text.split(' ').length >= 60) found.push({ source: name, terms: coverageTerms(null, text) });
  }
  const seen = new Set<string>();
  for (const { path, entry } of corpusFeedEntries(dir)) {
    const text = htmlToText(entry.content ?? entry.summary ?? '');
    const key = `${entry.title ?? ''}|${text.slice(0, 200)}`;
    if (text.split(' ').length < 30 || seen.has(key)) continue;
    seen.add(key);
    found.push({ source: path, terms: coverageTerms(entry.title ?? null, text) });
  }
  return found;
}
