import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath } from '../../test/support/fixtures.js';
import { errorCode, errorMessage } from '../model/errors.js';
import { parseFeedBytes } from './index.js';

/**
 * Golden pairs: each input in testdata/ has beside it NAME.expected.json, the whole of what
 * courtesy reads from it (the normalized feed, or the error that refuses it). A change in any field
 * shows as a diff of that file; when the change is meant, `COURTESY_UPDATE_GOLDEN=1 npm test`
 * writes the files again, and the diff is reviewed and committed with the change.
 */
const UPDATE = process.env.COURTESY_UPDATE_GOLDEN === '1';
const dir = fixturePath(import.meta.url, '');
const inputs = readdirSync(dir).filter((name) => !name.endsWith('.expected.json'));

function read(name: string): unknown {
  try {
    const feed = parseFeedBytes(readFileSync(join(dir, name)), { url: `https://fixtures.example/${name}` });
    return { feed };
  } catch (error) {
    const code = errorCode(error);
    if (code === null) throw error;
    return { refused: { code, message: errorMessage(error) } };
  }
}

describe('golden pairs of testdata/', () => {
  it('has inputs', () => assert.ok(inputs.length >= 10, `only ${inputs.length} inputs`));
  for (const name of inputs) {
    it(`reads ${name} as NAME.expected.json says`, () => {
      const got = `${JSON.stringify(read(name), null, 2)}\n`;
      const expectedFile = join(dir, `${name}.expected.json`);
      if (UPDATE) writeFileSync(expectedFile, got);
      assert.equal(got, readFileSync(expectedFile, 'utf8'), `${name}: see ${name}.expected.json`);
    });
  }
});
