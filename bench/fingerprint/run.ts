/**
 * The fingerprints' labelled measurement. Real articles (the article pages' expected text and the
 * feed entries with a text of their own in a corpus), copies made of them the way syndication
 * makes them, and pairs of different articles, among them articles of one source (on its topics)
 * and different articles under one site's template. For each kind it gives the similarity the
 * signatures estimate and the exact one, and for each threshold the different articles taken for
 * copies and the copies missed: where COPY_CONTAINMENT comes from. A removed text is kept without
 * its source's boilerplate (the paragraphs its source's other articles carry word for word).
 *
 *   npm run bench:fingerprint -- CORPUS
 *
 * CORPUS is a folder with MANIFEST.tsv, feeds/ and articles/. Without one, it says so and stops.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { htmlToText } from '../../src/markup/html-text.js';
import {
  containment,
  COPY_CONTAINMENT,
  fingerprint,
  fingerprintWords,
  wordHashes,
  bandKeys,
  BANDS,
  type Fingerprint,
  type HashedText,
  MIN_WORDS,
  shingleHashes,
  similarity,
  withoutBoilerplate,
} from '../../src/model/fingerprint.js';
import { storyMatch } from '../../src/model/story.js';
import { prng } from '../support/random.js';
import { corpusArticlePages, corpusFeedEntries } from '../parse/corpus.js';

const corpus = process.argv[2];
if (!corpus || !existsSync(join(corpus, 'MANIFEST.tsv'))) {
  console.log('skipped: no corpus given (npm run bench:fingerprint -- CORPUS, a folder with MANIFEST.tsv)');
  process.exit(0);
}

/** One real article: where it came from, and its paragraphs as text. */
interface Article {
  origin: string;
  /** Articles of one feed share a source (and its topics); each article page is a source of its own. */
  source: string;
  paragraphs: string[];
}

/** The paragraphs of a fragment of HTML, as text; the ones of fewer than five words are left out. */
function paragraphsOf(html: string): string[] {
  return html
    .split(/<\/(?:p|li|h[1-6]|blockquote|div|pre)>|<br\s*\/?>/i)
    .map(htmlToText)
    .filter((p) => p.split(' ').length >= 5);
}

const wordCount = (paragraphs: readonly string[]) => fingerprintWords(paragraphs.join(' ')).length;

function articles(dir: string): Article[] {
  const found: Article[] = [];
  for (const { name, html } of corpusArticlePages(dir)) {
    const paragraphs = paragraphsOf(html);
    if (wordCount(paragraphs) >= 120) found.push({ origin: `page ${name}`, source: name, paragraphs });
  }
  const seen = new Set<string>();
  for (const { path, entry } of corpusFeedEntries(dir)) {
    const paragraphs = paragraphsOf(entry.content ?? entry.summary ?? '');
    const key = paragraphs.join(' ').slice(0, 200);
    if (wordCount(paragraphs) < 120 || seen.has(key)) continue;
    seen.add(key);
    found.push({ origin: `${path}: ${entry.title ?? entry.id}`, source: path, paragraphs });
  }
  return found;
}

const random = prng(20261207);
/** Another site's template: a line of its navigation above, its footer below. */
const template = (site: string) => ({
  head: `${site} Home News Politics Business Science Opinion Sign in Subscribe`,
  foot:
    `This article originally appeared on ${site} and is republished here with permission. ` +
    'Sign up for our daily newsletter to get the stories that matter delivered to your inbox every morning. ' +
    `Copyright 2026 ${site}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission. ` +
    'Follow us on social media and share your tips with our newsroom.',
});

/** The ways syndication copies a text, each as a function of its paragraphs. */
const COPIES: Record<string, (p: readonly string[]) => string[]> = {
  'another site’s template': (p) => {
    const t = template('The Valley Courier');
    return [t.head, ...p, t.foot];
  },
  "an editor's note added": (p) => [
    "Editor's note: This story was updated to include comments from the council, which responded after it was first published, and to correct the spelling of a name.",
    ...p,
  ],
  'the last third cut': (p) => cutWords(p, 2 / 3),
  'paragraphs reordered': (p) =>
    p.length >= 3 ? [p[p.length - 1]!, ...p.slice(1, -1).reverse(), p[0]!] : [...p].reverse(),
  'copy-edited (one word in 30 changed)': (p) =>
    p.map((para) =>
      para
        .split(' ')
        .map((w) => (random() < 1 / 30 ? 'amended' : w))
        .join(' '),
    ),
  'wire copy: template, a fifth cut, a note': (p) => {
    const t = template('Wire Service Daily');
    const kept = cutWords(p, 0.8);
    return ['(Wire Service Daily) —', ...kept, t.foot];
  },
};

/** The paragraphs up to `share` of the words, the last one cut where the share ends. */
function cutWords(p: readonly string[], share: number): string[] {
  let left = Math.ceil(p.join(' ').split(' ').length * share);
  const kept: string[] = [];
  for (const para of p) {
    if (left <= 0) break;
    const words = para.split(' ');
    kept.push(words.slice(0, left).join(' '));
    left -= words.length;
  }
  return kept;
}

function jaccard(a: Set<number>, b: Set<number>): number {
  let both = 0;
  for (const h of a) if (b.has(h)) both++;
  return both / (a.size + b.size - both || 1);
}

interface Pair {
  kind: string;
  copy: boolean;
  /** Jaccard similarity, estimated from the signatures, and exact. */
  estimated: number;
  exact: number;
  /** How much of the first text (its source's boilerplate left out) the second holds, estimated. */
  contained: number;
  /** Whether the second shares a band key with the first as kept (so that the store's index finds it). */
  banded?: boolean;
}

const all = articles(corpus);
/** A text as fingerprints read it: each paragraph's words, hashed. */
const read = (paragraphs: readonly string[]) => paragraphs.map(wordHashes);
const texts = all.map((a) => read(a.paragraphs));
const prints = texts.map((t) => fingerprint(t)!);
const signatures = prints.map((p) => p.signature);
const shingles = texts.map((t) => shingleHashes(t));
const pairs: Pair[] = [];
/**
 * The same pairs as stories fold them: both texts whole, as stored (storyMatch), and whether the
 * copy shares one of the first 8, 16 or 32 band keys with the original (the story index's choice).
 */
interface StoryPair {
  kind: string;
  copy: boolean;
  folded: boolean;
  /** For each choice of bands, how many of the first so many band keys the two share. */
  keys: Record<number, number>;
}
const stories: StoryPair[] = [];
const STORY_BAND_CHOICES = [8, 16, 32];
const storyPair = (kind: string, copy: boolean, a: Fingerprint, b: Fingerprint, sameSource: boolean) => {
  const keys: Record<number, number> = {};
  for (const n of STORY_BAND_CHOICES) {
    const own = new Set(bandKeys(a.signature, n));
    keys[n] = new Set(bandKeys(b.signature, n).filter((k) => own.has(k))).size;
  }
  const folded =
    storyMatch(
      { sourceId: 1, print: a, urlKey: null },
      { sourceId: sameSource ? 1 : 2, print: b, urlKey: null },
    ) !== null;
  stories.push({ kind, copy, folded, keys });
};
/** Each article as a removed text is kept: its source's boilerplate left out, its signature and size. */
const removed = all.map((a, i) => {
  const siblings = texts.filter((_, j) => j !== i && all[j]!.source === a.source);
  return fingerprint(withoutBoilerplate(texts[i]!, siblings));
});
const sharesBand = (a: Fingerprint | null, b: Fingerprint) => {
  const keys = new Set(a ? bandKeys(a.signature) : []);
  return bandKeys(b.signature).some((k) => keys.has(k));
};
const contained = (i: number, text: HashedText) => {
  const r = removed[i];
  const print = fingerprint(text);
  return r && print ? containment(r, print) : 0;
};

for (let i = 0; i < all.length; i++) {
  for (const [kind, copy] of Object.entries(COPIES)) {
    const text = read(copy(all[i]!.paragraphs));
    const print = fingerprint(text);
    if (!print) continue;
    pairs.push({
      kind,
      copy: true,
      estimated: similarity(signatures[i]!, print.signature),
      exact: jaccard(shingles[i]!, shingleHashes(text)),
      contained: contained(i, text),
      banded: sharesBand(removed[i] ?? null, print),
    });
    storyPair(kind, true, prints[i]!, print, false);
  }
}
for (let i = 0; i < all.length; i++) {
  for (let j = i + 1; j < all.length; j++) {
    const kind = all[i]!.source === all[j]!.source ? 'different, one source' : 'different, two sources';
    pairs.push({
      kind,
      copy: false,
      estimated: similarity(signatures[i]!, signatures[j]!),
      exact: jaccard(shingles[i]!, shingles[j]!),
      contained: Math.max(contained(i, texts[j]!), contained(j, texts[i]!)),
    });
    storyPair(kind, false, prints[i]!, prints[j]!, all[i]!.source === all[j]!.source);
  }
}
// Two different articles of one site, each under the site's template (its header and footer).
const site = template('The Valley Courier');
for (let i = 0; i + 1 < all.length; i += 2) {
  const a = read([site.head, ...all[i]!.paragraphs, site.foot]);
  const b = read([site.head, ...all[i + 1]!.paragraphs, site.foot]);
  // The site's template is its boilerplate: the other article carries it too.
  const own = fingerprint(withoutBoilerplate(a, [b]));
  pairs.push({
    kind: 'different, one site’s template',
    copy: false,
    estimated: similarity(fingerprint(a)!.signature, fingerprint(b)!.signature),
    exact: jaccard(shingleHashes(a), shingleHashes(b)),
    contained: own ? containment(own, fingerprint(b)!) : 0,
  });
  storyPair('different, one site’s template', false, fingerprint(a)!, fingerprint(b)!, true);
}

const kinds = [...new Set(pairs.map((p) => p.kind))];
const pct = (values: number[], q: number) =>
  values.sort((a, b) => a - b)[Math.floor((values.length - 1) * q)] ?? 0;
const f = (n: number) => n.toFixed(2);
const words = all.map((a) => wordCount(a.paragraphs));
console.log(
  `${all.length} real articles (${all.filter((a) => a.origin.startsWith('page')).length} article pages, the rest feed entries; ${pct([...words], 0.5)} words median, ${Math.min(...words)}–${Math.max(...words)}); ${pairs.filter((p) => p.copy).length} copies, ${pairs.filter((p) => !p.copy).length} pairs of different articles\n`,
);
console.log(
  '| pairs | n | copies? | Jaccard, estimated: min | median | max | exact: min | max | contained: min | median | max |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const kind of kinds) {
  const of = pairs.filter((p) => p.kind === kind);
  const est = of.map((p) => p.estimated);
  const exact = of.map((p) => p.exact);
  const con = of.map((p) => p.contained);
  console.log(
    `| ${kind} | ${of.length} | ${of[0]!.copy ? 'yes' : 'no'} | ${f(Math.min(...est))} | ${f(pct(est, 0.5))} | ${f(Math.max(...est))} | ${f(Math.min(...exact))} | ${f(Math.max(...exact))} | ${f(Math.min(...con))} | ${f(pct(con, 0.5))} | ${f(Math.max(...con))} |`,
  );
}
for (const [name, score] of [
  ['Jaccard, estimated', (p: Pair) => p.estimated],
  ['containment of the removed text, estimated', (p: Pair) => p.contained],
] as const) {
  console.log(
    `\n| ${name}: threshold | different articles taken for copies | copies missed | precision | recall |`,
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const t of [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]) {
    const fp = pairs.filter((p) => !p.copy && score(p) >= t).length;
    const tp = pairs.filter((p) => p.copy && score(p) >= t).length;
    const fn = pairs.filter((p) => p.copy && score(p) < t).length;
    console.log(
      `| ${f(t)}${t === COPY_CONTAINMENT && name.startsWith('containment') ? ' (COPY_CONTAINMENT)' : ''} | ${fp} | ${fn} | ${(tp / (tp + fp || 1)).toFixed(4)} | ${(tp / (tp + fn || 1)).toFixed(4)} |`,
    );
  }
}

console.log(`\nCopies missed at COPY_CONTAINMENT (${COPY_CONTAINMENT}), by kind:`);
for (const kind of kinds.filter((k) => pairs.find((p) => p.kind === k)!.copy)) {
  const of = pairs.filter((p) => p.kind === kind);
  const missed = of.filter((p) => p.contained < COPY_CONTAINMENT);
  const empty = missed.filter((p) => p.contained === 0).length;
  console.log(
    `- ${kind}: ${missed.length} of ${of.length}${empty ? ` (${empty} whose text is all its source's boilerplate)` : ''}`,
  );
}

const caught = pairs.filter((p) => p.copy && p.contained >= COPY_CONTAINMENT);
console.log(
  `\nOf the ${caught.length} copies at COPY_CONTAINMENT or more, ${caught.filter((p) => p.banded).length} share a band key with the removed text (${BANDS} bands), which is how the store finds them.`,
);

// Stories: the same rule over whole texts, and how many of the folded copies the index finds.
{
  const copies = stories.filter((p) => p.copy);
  const tp = copies.filter((p) => p.folded).length;
  const fp = stories.filter((p) => !p.copy && p.folded).length;
  console.log(
    `\nStories (storyMatch over whole texts; one source's pairs need ${'0.8'} each way): ${fp} of ${stories.length - copies.length} different pairs folded, ${tp} of ${copies.length} copies; precision ${(tp / (tp + fp || 1)).toFixed(4)}, recall ${(tp / (copies.length || 1)).toFixed(4)}.`,
  );
  for (const kind of kinds.filter((k) => stories.find((p) => p.kind === k)?.copy)) {
    const of = copies.filter((p) => p.kind === kind);
    console.log(`- ${kind}: ${of.filter((p) => p.folded).length} of ${of.length} folded`);
  }
  const folded = copies.filter((p) => p.folded);
  for (const n of STORY_BAND_CHOICES)
    for (const least of [1, 2])
      console.log(
        `Of the ${folded.length} folded copies, ${folded.filter((p) => p.keys[n]! >= least).length} share ${least === 1 ? 'one' : 'two or more'} of the first ${n} band keys with the original; different pairs that do: ${stories.filter((p) => !p.copy && p.keys[n]! >= least).length} of ${stories.length - copies.length}.`,
      );
}

// The cost: a signature for each article, against the floor of reading its words.
const rounds = 20;
let started = performance.now();
for (let r = 0; r < rounds; r++) for (const a of all) a.paragraphs.map(fingerprintWords);
const floor = (performance.now() - started) / (rounds * texts.length);
started = performance.now();
for (let r = 0; r < rounds; r++) for (const a of all) fingerprint(read(a.paragraphs));
const cost = (performance.now() - started) / (rounds * texts.length);
console.log(
  `\nA signature costs ${(cost * 1000).toFixed(0)} µs an article (median ${pct([...words], 0.5)} words), ${(cost / floor).toFixed(1)}× reading its words (${(floor * 1000).toFixed(0)} µs); texts under ${MIN_WORDS} words get none.`,
);
