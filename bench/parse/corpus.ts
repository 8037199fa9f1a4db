import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The feed files a corpus's MANIFEST.tsv lists (its `kind` column is `feed`), relative to the corpus. */
export function corpusFeedFiles(dir: string): string[] {
  return readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cols) => cols[1] === 'feed' && cols[0])
    .map((cols) => cols[0]!);
}

/**
 * A corpus file's bytes as a server would send them after its Content-Encoding is undone: a few
 * files are stored gzip-compressed, as they were fetched.
 */
export function readFeedFile(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}
