/**
 * The parsing benchmark: courtesy's feed parser next to the JavaScript parsers an aggregator could
 * use instead (rss-parser, feedparser, @extractus/feed-extractor, feedsmith), in one run, on the
 * same files: every feed of a corpus (the files its MANIFEST.tsv lists as feeds), or the files given.
 *
 *   npm run bench:parse -- CORPUS_DIR [--runs 7] [--only courtesy,feedsmith]
 *
 * Every parser gets the file's bytes (gzip already undone, as after a response's Content-Encoding)
 * and must produce its entries. courtesy decodes the bytes by BOM, XML declaration and content
 * itself; the peers that take a string get `buffer.toString('utf8')`, timed with them (the least any
 * caller must do). A parser "rejects" a file when it throws or reports an error; "with entries"
 * counts the files from which it got at least one entry.
 *
 * Each run parses every file once with every parser, in an order that rotates from run to run;
 * the figures are the medians over the runs. The times over "the files all accept" compare the
 * parsers on the same work; the times over all files include what each does with the rest.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { corpusFeedFiles, readFeedFile } from './corpus.js';
import { readers, type Reader } from './peers.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
  },
});

if (positionals.length === 0) {
  process.stderr.write('usage: npm run bench:parse -- CORPUS_DIR [--runs N] [--only NAME,...]\n');
  process.exit(2);
}

const names = args.only ? args.only.split(',').map((n) => n.trim()) : Object.keys(readers);
for (const name of names) {
  if (!readers[name]) {
    process.stderr.write(`bench:parse: no parser named ${name} (${Object.keys(readers).join(', ')})\n`);
    process.exit(2);
  }
}
const runs = Math.max(1, Number.parseInt(args.runs, 10) || 7);

interface Sample {
  file: string;
  bytes: Buffer;
}

const samples: Sample[] = positionals.flatMap((arg) => {
  try {
    return corpusFeedFiles(arg).map((file) => ({ file, bytes: readFeedFile(join(arg, file)) }));
  } catch {
    return [{ file: arg, bytes: readFeedFile(arg) }];
  }
});

/** What one parser did with one file in one run. */
interface Outcome {
  ms: number;
  entries: number;
  error: string | null;
}

async function parseOnce(reader: Reader, sample: Sample): Promise<Outcome> {
  const start = process.hrtime.bigint();
  try {
    const entries = await reader(sample.bytes);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, entries, error: null };
  } catch (error) {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, entries: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

const collect = (globalThis as { gc?: () => void }).gc;

/** outcomes[name][run][file index] */
const outcomes = new Map<string, Outcome[][]>(names.map((n) => [n, []]));

// One warm-up pass, so that every parser runs optimized code when it is timed.
for (const name of names) for (const sample of samples) await parseOnce(readers[name]!, sample);

for (let run = 0; run < runs; run++) {
  const order = names.map((_, i) => names[(i + run) % names.length]!);
  for (const name of order) {
    collect?.();
    const results: Outcome[] = [];
    for (const sample of samples) results.push(await parseOnce(readers[name]!, sample));
    outcomes.get(name)!.push(results);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const first = (name: string): Outcome[] => outcomes.get(name)![0]!;
const accepted = (name: string, i: number): boolean => first(name)[i]!.error === null;
const everyone = samples.map((_, i) => i).filter((i) => names.every((n) => accepted(n, i)));

const mb = (indexes: number[]): number =>
  indexes.reduce((sum, i) => sum + samples[i]!.bytes.length, 0) / (1024 * 1024);
const timeOf = (name: string, indexes: number[]): number =>
  median(outcomes.get(name)!.map((run) => indexes.reduce((sum, i) => sum + run[i]!.ms, 0)));
const entriesOf = (name: string, indexes: number[]): number =>
  indexes.reduce((sum, i) => sum + first(name)[i]!.entries, 0);

const all = samples.map((_, i) => i);
const commonMb = mb(everyone);
const reference = names.includes('courtesy') ? 'courtesy' : names[0]!;
const referenceMs = timeOf(reference, everyone);

const lines: string[] = [];
lines.push(
  `${samples.length} files, ${mb(all).toFixed(1)} MB; ${everyone.length} files (${commonMb.toFixed(1)} MB) accepted by all; median of ${runs} runs; node ${process.version}`,
  '',
  `| parser | rejects | with entries | entries | ms, files all accept | MB/s | entries/s | × ${reference} time | ms, all files | MB/s, all files |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const name of names) {
  const rejects = all.filter((i) => !accepted(name, i)).length;
  const withEntries = all.filter((i) => first(name)[i]!.entries > 0).length;
  const commonMs = timeOf(name, everyone);
  const allMs = timeOf(name, all);
  const commonEntries = entriesOf(name, everyone);
  lines.push(
    `| ${name} | ${rejects} | ${withEntries} | ${entriesOf(name, all)} | ${commonMs.toFixed(0)} | ${(commonMb / (commonMs / 1000)).toFixed(1)} | ${Math.round(commonEntries / (commonMs / 1000))} | ${(commonMs / referenceMs).toFixed(2)} | ${allMs.toFixed(0)} | ${(mb(all) / (allMs / 1000)).toFixed(1)} |`,
  );
}

// The files one parser reads and another refuses: where leniency differs.
lines.push('', '### Refused', '');
for (const name of names) {
  const refused = all.filter((i) => !accepted(name, i));
  if (refused.length === 0) continue;
  lines.push(`**${name}** (${refused.length}):`, '');
  for (const i of refused) {
    const others = names.filter((n) => n !== name && accepted(n, i));
    const message = first(name)[i]!.error!.replace(/\s+/g, ' ').slice(0, 100);
    lines.push(`- ${samples[i]!.file}: ${message}${others.length ? ` (read by ${others.join(', ')})` : ''}`);
  }
  lines.push('');
}
process.stdout.write(`${lines.join('\n')}\n`);
