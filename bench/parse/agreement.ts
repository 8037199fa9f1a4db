/**
 * How courtesy reads a corpus of real feeds, and how far it agrees with Python's feedparser, the
 * reference for leniency. For every feed of the corpus (the files its MANIFEST.tsv lists as feeds):
 * whether courtesy reads it or refuses it and why, how many entries it finds, and, where feedparser
 * is installed (Debian: python3-feedparser), whether feedparser accepts it and, entry by entry,
 * whether the two agree on the id, title, link, author, date and content length.
 *
 *   npm run bench:agreement -- CORPUS_DIR [--python /usr/bin/python3] [--all]
 *
 * Prints Markdown: the totals, the agreement per field, the feeds one accepts and the other does
 * not, the disagreements by kind with the reason courtesy differs, and every disagreement of no
 * known kind (or every one, with --all).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Feed, FeedEntry } from '../../src/model/feed.js';
import { errorCode } from '../../src/model/errors.js';
import { htmlToText, parseFeedBytes } from '../../src/parse/index.js';
import { corpusFeedFiles, readFeedFile } from './corpus.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    python: { type: 'string' },
    all: { type: 'boolean', default: false },
  },
});

const corpus = positionals[0];
if (!corpus) {
  process.stderr.write('usage: npm run bench:agreement -- CORPUS_DIR [--python PATH] [--all]\n');
  process.exit(2);
}

/** The address both readers resolve relative links against. */
const BASE = 'https://corpus.example/feed';
const READER = fileURLToPath(new URL('../../../bench/parse/feedparser-read.py', import.meta.url));
const FIELDS = ['entries', 'id', 'title', 'link', 'author', 'published', 'content'] as const;
type Field = (typeof FIELDS)[number];

interface TheirEntry {
  id: string | null;
  title: string | null;
  link: string | null;
  authors: string[];
  published: string | null;
  /** Every content feedparser found, and the summary. */
  contents: string[];
}

interface TheirFeed {
  file: string;
  version?: string;
  bozo?: boolean;
  bozo_exception?: string | null;
  crashed?: string;
  entries?: TheirEntry[];
}

interface Disagreement {
  file: string;
  entry: number | null;
  field: Field;
  ours: string;
  theirs: string;
  /** Why courtesy differs, when the difference is one of the known kinds (see explain()). */
  reason: string | null;
}

/** A Python that has feedparser: the one asked for, else python3 or Debian's own. */
function findPython(): string | null {
  const candidates = args.python ? [args.python] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import feedparser; print(feedparser.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return python;
  }
  return null;
}

function readOurs(path: string): Feed | { error: string; code: string } {
  const bytes = readFeedFile(path);
  try {
    return parseFeedBytes(bytes, { url: BASE });
  } catch (error) {
    return {
      code: errorCode(error) ?? 'crash',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

function readTheirs(python: string, paths: string[]): Map<string, TheirFeed> {
  const out = execFileSync(python, [READER, BASE, ...paths], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const feeds = new Map<string, TheirFeed>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const feed = JSON.parse(line) as TheirFeed;
    feeds.set(feed.file, feed);
  }
  return feeds;
}

const plain = (html: string | null | undefined): string =>
  html ? htmlToText(html).replace(/\s+/g, ' ').trim() : '';

function sameUrl(a: string | null, b: string | null): boolean {
  if (!a || !b) return !a && !b;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a.trim() === b.trim();
  }
}

/**
 * Names the same people: "A, B and C" against feedparser's list, or one of its names (feedparser
 * lists an item's author, dc:creator and itunes:author as several). An entry with no author of its
 * own has the feed's in courtesy (RFC 4287 §4.2.1, JSON Feed §4) and none in feedparser: that is
 * the rule, and counts as agreement.
 */
function sameAuthor(ours: string | null, theirs: string[], feedAuthor: string | null): boolean {
  const names = theirs.map((n) => plain(n)).filter(Boolean);
  if (names.length === 0) return !ours || ours === feedAuthor;
  if (!ours) return false;
  const joined =
    names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  return plain(ours) === joined || names.includes(plain(ours));
}

/** The same instant to the second: feedparser keeps no fractions of a second. */
function sameDate(ours: string | null, theirs: string | null): boolean {
  if (!ours || !theirs) return !ours && !theirs;
  return Math.floor(Date.parse(ours) / 1000) === Math.floor(Date.parse(theirs) / 1000);
}

/** Content lengths (as text) within 10%, or 20 characters for short ones. */
function sameLength(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(20, 0.1 * Math.max(a, b));
}

function compare(file: string, ours: Feed, theirs: TheirEntry[], out: Disagreement[], tally: Tally): void {
  const count = (
    field: Field,
    agree: boolean,
    entry: number | null,
    o: string,
    t: string,
    reason: () => string | null = () => null,
  ) => {
    tally[field].total++;
    if (agree) tally[field].agree++;
    else out.push({ file, entry, field, ours: o, theirs: t, reason: reason() });
  };
  count(
    'entries',
    ours.entries.length === theirs.length,
    null,
    String(ours.entries.length),
    String(theirs.length),
    () => {
      const empty = theirs.filter((t) => !t.id && !t.title && !t.link && t.contents.length === 0).length;
      return empty > 0 && theirs.length - empty === ours.entries.length ? REASONS.emptyItem : null;
    },
  );
  const sameCount = ours.entries.length === theirs.length;
  theirs.forEach((their, i) => {
    const mine: FeedEntry | undefined = sameCount
      ? ours.entries[i]
      : ours.entries.find(
          (e) => (their.link && sameUrl(e.link, their.link)) || (their.id && e.id === their.id),
        );
    if (!mine) return;
    const theirId = their.id;
    if (theirId)
      count('id', mine.id === theirId.trim(), i, mine.id, theirId, () => {
        if (resolved(mine.id) === theirId || againstBase(theirId, mine.id)) return REASONS.idResolved;
        const repeats = theirs.filter((t) => t.id === theirId).length;
        return repeats > 1 && mine.id.startsWith('sha256:') ? REASONS.idRepeated : null;
      });
    count('title', plain(mine.title) === plain(their.title), i, mine.title ?? '', their.title ?? '', () => {
      if (/â€|Ã[\u0080-\u00bf]/.test(their.title ?? '')) return REASONS.mojibake;
      return !mine.title && /<\w/.test(their.title ?? '') ? REASONS.enclosureTitle : null;
    });
    count('link', sameUrl(mine.link, their.link), i, mine.link ?? '', their.link ?? '', () =>
      !mine.link && their.link && (their.link === their.id || resolved(their.id) === their.link)
        ? REASONS.idAsLink
        : null,
    );
    count(
      'author',
      sameAuthor(mine.author, their.authors, ours.author),
      i,
      mine.author ?? '',
      their.authors.join('; '),
      () => {
        if (their.authors.some((n) => n.includes('(') && !n.includes(')'))) return REASONS.authorCut;
        const names = their.authors.map((n) => plain(n));
        const ourNames = (mine.author ?? '').split(/, | and /);
        return ourNames.every((n) => names.includes(n)) && names.length > ourNames.length
          ? REASONS.atomAuthors
          : null;
      },
    );
    count(
      'published',
      sameDate(mine.published ?? mine.updated, their.published),
      i,
      mine.published ?? mine.updated ?? '',
      their.published ?? '',
      () => {
        const ourDate = mine.published ?? mine.updated;
        if (ourDate && !their.published) return REASONS.dateUnread;
        const apart = ourDate && their.published ? Date.parse(ourDate) - Date.parse(their.published) : 0;
        return Math.abs(apart) === 12 * 3600 * 1000 ? REASONS.twelveHour : null;
      },
    );
    // The longer of the two on each side: feedparser's "content" and "summary" are not always the
    // fields courtesy calls so (a description may be its content, an itunes:summary its summary).
    const a = Math.max(plain(mine.content).length, plain(mine.summary).length);
    const b = Math.max(0, ...their.contents.map((c) => plain(c).length));
    count('content', sameLength(a, b), i, `${a} characters`, `${b} characters`, () => {
      if (/&amp;lt;/.test(`${mine.summary ?? ''}${mine.content ?? ''}`)) return REASONS.mixedEscaping;
      return mine.content && mine.summary && plain(mine.summary).length > plain(mine.content).length
        ? REASONS.lastSummary
        : null;
    });
  });
}

type Tally = Record<Field, { agree: number; total: number }>;

/** A non-URL id as feedparser makes it a link: resolved against the feed's address. */
const resolved = (id: string | null): string | null => {
  if (!id) return null;
  try {
    return new URL(id.trim(), BASE).href;
  } catch {
    return null;
  }
};

/** An id feedparser made into an address under the feed's, from one courtesy kept as written. */
const againstBase = (theirs: string, ours: string): boolean => {
  const origin = new URL(BASE).origin;
  return theirs.startsWith(`${origin}/`) && !ours.startsWith(`${origin}/`);
};

/**
 * The kinds of disagreement that remain where courtesy reads the feed as its publisher meant it,
 * each with the reason. A disagreement of no known kind is listed as unexplained: a bug to look at.
 */
const REASONS = {
  idResolved:
    'feedparser resolves an id that is not a web address against the feed’s address (t3_42tizy becomes https://…/t3_42tizy); an id is an opaque string (RFC 4287 §4.2.6, RSS 2.0 guid), kept as written',
  idRepeated:
    'the feed gives several entries the same id; courtesy gives each its own, so that none replaces another (identity rules, docs/normalized-feed.md)',
  idAsLink:
    'the entry links to no page; feedparser offers its id (a tag: or urn: URI, or an id resolved against the feed’s address) as the link, which leads nowhere',
  mojibake: 'the feed’s text is UTF-8 encoded twice ("â€“"); courtesy repairs it (with a warning)',
  enclosureTitle:
    'the item has no title; feedparser takes the `media:title` of its `<enclosure>`, which names the enclosure, not the item',
  authorCut:
    'feedparser cuts the name at a parenthesis ("Name (mailto:", "stries (Name"); courtesy reads the name the forms "Name (mailto:address)" and "address (Name)" give',
  atomAuthors:
    'courtesy names the entry’s Atom authors; feedparser adds the dc:creator beside them as one more',
  dateUnread:
    'feedparser leaves the date unread; courtesy reads day and month names in other languages ("Seg, 24 Set 2018", "mer, 16 nov 2022")',
  twelveHour: 'the date has a 12-hour clock ("02:02:33 PM"); feedparser ignores the PM',
  emptyItem:
    'the feed nests an empty `<item/>` in each item; feedparser counts each as an entry, courtesy finds nothing in them',
  mixedEscaping:
    'the description mixes raw elements with text escaped twice (reddit); courtesy reads raw elements as XHTML, in which the twice-escaped text is text, feedparser reads that text as HTML',
  lastSummary:
    'feedparser’s summary is the itunes:summary after the description (its last one wins); courtesy keeps the item’s own description, here the longer',
} as const;

const files = corpusFeedFiles(corpus);
const python = findPython();
const theirs = python
  ? readTheirs(
      python,
      files.map((f) => join(corpus, f)),
    )
  : null;
const tally = Object.fromEntries(FIELDS.map((f) => [f, { agree: 0, total: 0 }])) as Tally;
const disagreements: Disagreement[] = [];
const refused: Array<{ file: string; code: string; error: string; theyAccept: boolean | null }> = [];
const onlyOurs: string[] = [];
let accepted = 0;
let entries = 0;
let theyAccept = 0;

for (const file of files) {
  const path = join(corpus, file);
  const ours = readOurs(path);
  const their = theirs?.get(path);
  const theirAccepts = their
    ? !their.crashed && (their.version !== '' || (their.entries?.length ?? 0) > 0)
    : null;
  if (theirAccepts) theyAccept++;
  if ('error' in ours) {
    refused.push({ file, code: ours.code, error: ours.error, theyAccept: theirAccepts });
    continue;
  }
  accepted++;
  entries += ours.entries.length;
  if (theirAccepts === false) onlyOurs.push(file);
  if (theirAccepts && their?.entries) compare(file, ours, their.entries, disagreements, tally);
}

const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
const lines: string[] = [];
lines.push(
  `${files.length} feeds in ${corpus}; courtesy reads ${accepted} (${entries} entries) and refuses ${refused.length}` +
    (theirs
      ? `; feedparser (${python}) accepts ${theyAccept}`
      : '; feedparser is not installed: no agreement measured'),
);
if (theirs) {
  const agree = FIELDS.reduce((n, f) => n + tally[f].agree, 0);
  const total = FIELDS.reduce((n, f) => n + tally[f].total, 0);
  lines.push('', '| field | agree | compared | agreement |', '| --- | --- | --- | --- |');
  for (const f of FIELDS)
    lines.push(`| ${f} | ${tally[f].agree} | ${tally[f].total} | ${pct(tally[f].agree, tally[f].total)} |`);
  lines.push(`| all fields | ${agree} | ${total} | ${pct(agree, total)} |`);
}
lines.push('', `Refused by courtesy (${refused.length}):`, '');
for (const r of refused) {
  const verdict =
    r.theyAccept === null
      ? ''
      : r.theyAccept
        ? ' — **feedparser accepts it**'
        : ' — feedparser refuses it too';
  lines.push(`- \`${r.file}\`: ${r.code}: ${r.error}${verdict}`);
}
if (theirs) {
  lines.push('', `Read by courtesy, refused by feedparser (${onlyOurs.length}):`, '');
  for (const f of onlyOurs) lines.push(`- \`${f}\``);
  const explained = disagreements.filter((d) => d.reason !== null);
  const unexplained = disagreements.filter((d) => d.reason === null);
  lines.push(
    '',
    `Disagreements (${disagreements.length}; ${unexplained.length} of no known kind):`,
    '',
    '| field | count | why courtesy differs | e.g. |',
    '| --- | --- | --- | --- |',
  );
  const kinds = new Map<string, Disagreement[]>();
  for (const d of explained)
    kinds.set(`${d.field}\u0000${d.reason}`, [...(kinds.get(`${d.field}\u0000${d.reason}`) ?? []), d]);
  for (const of of [...kinds.values()].sort((a, b) => b.length - a.length)) {
    const d = of[0]!;
    const files = new Set(of.map((x) => x.file.replace(/^feeds\//, ''))).size;
    lines.push(
      `| ${d.field} | ${of.length} in ${files} feed${files > 1 ? 's' : ''} | ${d.reason} | \`${d.file.replace(/^feeds\//, '')}\`: \`${JSON.stringify(d.ours.slice(0, 60))}\` / \`${JSON.stringify(d.theirs.slice(0, 60))}\` |`,
    );
  }
  const listed = args.all ? disagreements : unexplained;
  if (listed.length > 0) lines.push('', args.all ? 'Every disagreement:' : 'Of no known kind:', '');
  for (const d of listed) {
    const at = d.entry === null ? '' : ` entry ${d.entry}`;
    lines.push(
      `- ${d.field}: \`${d.file}\`${at}: courtesy ${JSON.stringify(d.ours.slice(0, 120))}, feedparser ${JSON.stringify(d.theirs.slice(0, 120))}`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
