import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of a fixture in the `testdata/` folder beside a test's source. Tests run compiled from
 * dist/, while fixtures stay in the source tree: map dist/<path> back to <path>.
 */
export function fixturePath(testUrl: string, name: string): string {
  const compiled = dirname(fileURLToPath(testUrl));
  const source = compiled.replace(/([/\\])dist([/\\])/, '$1');
  return join(source, 'testdata', name);
}

export function readFixture(testUrl: string, name: string): Buffer {
  return readFileSync(fixturePath(testUrl, name));
}

/** The shared real-world corpus beside the repository, when this checkout has one. */
export function corpusDir(): string | null {
  const root = fileURLToPath(
    new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
  );
  const dir = process.env.COURTESY_CORPUS ?? join(root, '..', 'shared', 'corpus');
  try {
    readFileSync(join(dir, 'MANIFEST.tsv'));
    return dir;
  } catch {
    return null;
  }
}
