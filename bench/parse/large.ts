/**
 * One very large feed: how long each parser takes and how much memory it needs for it. Builds an
 * RSS 2.0 feed of about N MB (default 50; items of escaped HTML, as news feeds carry), and parses
 * it with each parser, each time in a fresh process of its own, taking turns; reports the median
 * wall time and the median of the processes' peak resident memory (also above a process that only
 * reads the file).
 *
 *   npm run bench:parse:large -- [--mb 50] [--runs 3] [--only courtesy,feedsmith]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readers as peers, type Reader } from './peers.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});

/** The parsers of bench:parse, and a baseline that only reads the file. */
const readers: Record<string, Reader> = { baseline: (bytes) => bytes.length, ...peers };

if (args.child) {
  // In the child: parse the file once and report.
  const bytes = readFileSync(args.file!);
  const start = process.hrtime.bigint();
  let entries = 0;
  let error: string | null = null;
  try {
    entries = await readers[args.child]!(bytes);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ entries, ms, maxRssKb: process.resourceUsage().maxRSS, error }));
  process.exit(0);
}

const mb = Number(args.mb) || 50;
const item = (i: number) =>
  `<item><title>Item ${i} &amp; more</title><link>https://large.example/${i}</link><guid>urn:large:${i}</guid>` +
  `<pubDate>Tue, 01 Dec 2026 10:${String(i % 60).padStart(2, '0')}:00 GMT</pubDate><dc:creator>Author ${i % 97}</dc:creator>` +
  `<description>${'&lt;p&gt;Lorem ipsum dolor sit amet, &lt;a href="/x"&gt;consectetur&lt;/a&gt; adipiscing elit.&lt;/p&gt;'.repeat(12)}</description></item>`;
const parts = [
  '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Large</title><link>https://large.example/</link>',
];
let size = parts[0]!.length;
let items = 0;
while (size < mb * 1024 * 1024) {
  const s = item(items++);
  parts.push(s);
  size += s.length;
}
parts.push('</channel></rss>');
const dir = mkdtempSync(join(tmpdir(), 'courtesy-bench-large-'));
const file = join(dir, 'large.xml');
writeFileSync(file, parts.join(''));

const self = fileURLToPath(import.meta.url);
const names = [
  'baseline',
  ...(args.only ? args.only.split(',') : Object.keys(readers).filter((n) => n !== 'baseline')),
];
interface Result {
  entries: number;
  ms: number;
  maxRssKb: number;
  error: string | null;
}
const runs = Math.max(1, Number(args.runs) || 3);
const samples = new Map<string, Result[]>(names.map((n) => [n, []]));
for (let run = 0; run < runs; run++) {
  for (const name of names) {
    const out = execFileSync(process.execPath, [self, '--child', name, '--file', file], {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    });
    samples.get(name)!.push(JSON.parse(out) as Result);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const results = new Map<string, Result>(
  names.map((n) => {
    const of = samples.get(n)!;
    return [n, { ...of[0]!, ms: median(of.map((r) => r.ms)), maxRssKb: median(of.map((r) => r.maxRssKb)) }];
  }),
);
rmSync(dir, { recursive: true, force: true });

const base = results.get('baseline')!;
const lines = [
  `one RSS 2.0 feed of ${(size / 1024 / 1024).toFixed(1)} MB, ${items} items; median of ${runs} runs, each in a process of its own; node ${process.version}`,
  '',
  '| parser | entries | ms | MB/s | peak RSS MB | above reading the file, MB | × input |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const name of names.filter((n) => n !== 'baseline')) {
  const r = results.get(name)!;
  const above = (r.maxRssKb - base.maxRssKb) / 1024;
  lines.push(
    r.error
      ? `| ${name} | failed: ${r.error.slice(0, 80)} | | | | | |`
      : `| ${name} | ${r.entries} | ${r.ms.toFixed(0)} | ${(size / 1024 / 1024 / (r.ms / 1000)).toFixed(1)} | ${(r.maxRssKb / 1024).toFixed(0)} | ${above.toFixed(0)} | ${(above / (size / 1024 / 1024)).toFixed(1)} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
