import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { CourtesyError, errorCode, errorMessage } from '../model/errors.js';
import type { Feed } from '../model/feed.js';
import { parseFeedBytes } from '../parse/index.js';
import { configFrom, createFetcher, type GlobalOptions } from './context.js';
import { print } from './output.js';

const gunzipAsync = promisify(gunzip);
/** Files are read whole; a feed file larger than this is refused rather than exhausting memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface ParseOptions {
  json?: boolean;
  jsonl?: boolean;
}

export function registerParse(program: Command, global: () => GlobalOptions): void {
  program
    .command('parse')
    .description('read feeds (files or URLs) the way courtesy reads them')
    .argument('<inputs...>', 'feed files or http(s) URLs')
    .option('--json', 'print the normalized feed as JSON (one input)')
    .option(
      '--jsonl',
      'print one JSON line per input: the feed with a "file" field, or {"file", "error": {"code", "message"}}',
    )
    .addHelpText(
      'after',
      '\nThe JSON shape is described in docs/normalized-feed.md. Every input is read, whatever the others do; the exit status is 1 when any of them could not be read or parsed, 2 for bad usage.',
    )
    .action(async (inputs: string[], options: ParseOptions) => {
      if (options.json && inputs.length > 1) {
        process.stderr.write('courtesy parse: --json takes one input; use --jsonl for several\n');
        process.exitCode = 2;
        return;
      }
      const fetcher = inputs.some(isUrl) ? createFetcher(configFrom(global())) : null;
      let failed = 0;
      try {
        for (const input of inputs) {
          let feed: Feed;
          try {
            feed = await readFeed(input, fetcher);
          } catch (error) {
            const code = errorCode(error) ?? 'read-error';
            if (options.jsonl)
              print(JSON.stringify({ file: input, error: { code, message: errorMessage(error) } }));
            else process.stderr.write(`${input}: ${errorMessage(error)}\n`);
            failed++;
            continue;
          }
          if (options.jsonl) print(JSON.stringify({ file: input, ...feed }));
          else if (options.json) print(JSON.stringify(feed, null, 2));
          else print(summary(input, feed));
        }
      } finally {
        await fetcher?.close();
      }
      if (failed > 0) process.exitCode = 1;
    });
}

function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

async function readFeed(input: string, fetcher: ReturnType<typeof createFetcher> | null): Promise<Feed> {
  if (isUrl(input) && fetcher) {
    const result = await fetcher.fetch(input);
    if (result.kind !== 'modified') throw new CourtesyError('fetch.no-body', `${input} sent no body`);
    return parseFeedBytes(result.body, { contentType: result.contentType, url: result.finalUrl });
  }
  let bytes: Buffer = await readFile(input);
  if (bytes.length > MAX_FILE_BYTES)
    throw new CourtesyError('parse.too-large', `the file is larger than ${MAX_FILE_BYTES} bytes`);
  // Feeds saved from a server sometimes keep their gzip encoding.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_FILE_BYTES });
  return parseFeedBytes(bytes, { url: null });
}

function summary(input: string, feed: Feed): string {
  const lines = [
    `${input}: ${feed.format} ${feed.version ?? ''} "${feed.title ?? ''}", ${feed.entries.length} entries`,
  ];
  for (const w of feed.warnings) lines.push(`  recovered: ${w}`);
  for (const e of feed.entries.slice(0, 5))
    lines.push(`  - ${e.published ?? 'no date'}  ${e.title ?? '(untitled)'}`);
  if (feed.entries.length > 5) lines.push(`  … and ${feed.entries.length - 5} more`);
  return lines.join('\n');
}
