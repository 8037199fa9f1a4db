import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN } from '../support/cli.js';

/**
 * Packages the process of `courtesy serve` on SQLite must not load at start: each holds megabytes
 * of heap for work done elsewhere (PostgreSQL, mail, page extraction in worker threads) or only on
 * demand (an operator's scraper rules).
 */
const NOT_AT_START = ['pg', 'nodemailer', 'linkedom', '@mozilla/readability', 'sanitize-html'];

/**
 * Records every module the process loads, in every thread: ES modules as they are resolved, and
 * CommonJS ones from the require cache of the main thread.
 */
const RECORDER = `
import { register, createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.FOOTPRINT_DIR + '/esm', resolved.url + '\\\\n');
  return resolved;
}\`));
if (isMainThread) {
  const cache = createRequire(import.meta.url).cache;
  setInterval(() => writeFileSync(process.env.FOOTPRINT_DIR + '/cjs', Object.keys(cache).join('\\n')), 100).unref();
}
`;

function packagesIn(paths: string[]): Set<string> {
  const found = new Set<string>();
  for (const path of paths) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    if (m) found.add(m[1]!);
  }
  return found;
}

describe('what courtesy serve loads at start', () => {
  let dir: string;
  let loaded: Set<string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-footprint-'));
    writeFileSync(join(dir, 'recorder.mjs'), RECORDER);
    writeFileSync(join(dir, 'esm'), '');
    writeFileSync(
      join(dir, 'courtesy.toml'),
      '[site]\nname = "Footprint"\ncontact_email = "editor@example.org"\n',
    );
    // The embedded default: no database URL from the environment.
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', FOOTPRINT_DIR: dir };
    delete env.DATABASE_URL;
    const child = spawn(
      process.execPath,
      ['--import', join(dir, 'recorder.mjs'), BIN, '--data', dir, 'serve', '--port', '0', '--no-poll'],
      { env },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/at http:\/\/\S+/.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
    });
    // Long enough for the recorder's next look at the require cache.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
    const esm = readFileSync(join(dir, 'esm'), 'utf8').split('\n');
    const cjs = readFileSync(join(dir, 'cjs'), 'utf8').split('\n');
    loaded = packagesIn([...esm, ...cjs]);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('records what it loads (the check below would pass on nothing otherwise)', () => {
    for (const needed of ['hono', 'kysely', 'better-sqlite3', 'undici'])
      assert.ok(loaded.has(needed), needed);
  });

  it('leaves out PostgreSQL, mail and page extraction', () => {
    assert.deepEqual(
      NOT_AT_START.filter((name) => loaded.has(name)),
      [],
    );
  });
});
