import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../auth/passwords.js';
import { loadConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite.js';
import { AdminSessions } from './session.js';

const PASSWORD = 'correct horse battery staple';

describe('admin sign-in lockout', () => {
  let dir: string;
  let store: Store;
  let sessions: AdminSessions;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-signin-'));
    // A database in a file: its writes go through the writer thread, as a site's do.
    store = await openSqliteStore(join(dir, 'site.sqlite'));
    sessions = new AdminSessions(store, loadConfig({ dataDir: '/nonexistent' }, {}));
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts sign-ins made at once one by one: 11 wrong ones sent together lock out the right one after them', async () => {
    await store.users.add('ada', await hashPassword(PASSWORD), new Date());
    const now = new Date();
    const tries = [...Array.from({ length: 11 }, (_, i) => `wrong password ${i}`), PASSWORD];
    const results = await Promise.all(tries.map((password) => sessions.signIn('ada', password, now)));
    assert.equal(results.at(-1)?.ok, false, 'the right password, last, did not get in');
    assert.equal(results.filter((r) => r.ok).length, 0);
    assert.equal(
      results.filter((r) => !r.ok && r.locked).length,
      12 - 4,
      'the fifth locks; the rest are refused',
    );
    const user = await store.users.findByName('ada');
    assert.ok(user?.lockedUntil && user.lockedUntil > now, 'the account is locked');
    // Once the lock has run out, the right password gets in, and clears the count.
    const later = new Date(user.lockedUntil.getTime() + 1);
    assert.equal((await sessions.signIn('ada', PASSWORD, later)).ok, true);
    assert.equal((await store.users.findByName('ada'))?.failedLogins, 0);
  });

  it('locks a name that has no account after as many tries, in the same words, as one that has', async () => {
    await store.users.add('grace', await hashPassword(PASSWORD), new Date());
    const now = new Date();
    const messages = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i < 7; i++) {
        const result = await sessions.signIn(name, `wrong ${i}`, now);
        out.push(result.ok ? 'signed in' : result.message);
      }
      return out;
    };
    const real = await messages('grace');
    const unknown = await messages('nobody-here');
    assert.deepEqual(unknown, real);
    assert.match(real[4]!, /locked for 15 minutes/);
    assert.match(real[5]!, /locked until \d\d:\d\d UTC/);
  });
});
