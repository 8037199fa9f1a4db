import assert from 'node:assert/strict';
import { it } from 'node:test';
import { urlKey } from '../../model/identity.js';
import type { ContractContext } from './context.js';

/** An article's identity across its forms (model/identity.ts), as the store keeps and checks it. */
export function identityContract(c: ContractContext): void {
  const { t0, entry } = c;

  it('knows an article by its page’s canonical address once extracted, for rules old and new', async () => {
    const source = await c.store.sources.add(
      { feedUrl: 'https://canon.example/feed.xml', fullText: true },
      t0,
    );
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(51, { guid: 'canon:1', url: 'https://canon.example/?p=101' }),
        entry(52, { guid: 'canon:2', url: 'https://canon.example/?p=102' }),
      ],
      {},
      t0,
    );
    const rule = (url: string) => ({
      kind: 'url' as const,
      sourceId: null,
      author: null,
      domain: null,
      urlKey: urlKey(url),
      reason: 'asked',
      actor: 'test',
    });
    // A rule granted before the page named its address: the extraction finds it, and the entry goes.
    await c.store.rights.grant(rule('https://canon.example/2026/one-story'), t0);
    const tasks = await c.store.extractions.claim(t0, 5, { claimMs: 60_000, perHost: 10 });
    const done = (canonical: string) => ({
      state: 'done' as const,
      html: '<p>The whole article</p>',
      searchText: 'The whole article',
      canonical,
    });
    const byUrl = new Map(tasks.map((t) => [t.url, t.entryId]));
    const first = byUrl.get('https://canon.example/?p=101')!;
    const second = byUrl.get('https://canon.example/?p=102')!;
    await c.store.extractions.finish(first, done('https://canon.example/2026/one-story/?utm_source=x'), t0);
    assert.equal(await c.store.entries.get(first), null, 'removed under the rule for its canonical address');
    assert.equal((await c.store.rights.tombstone(first))?.originalUrl, 'https://canon.example/?p=101');
    assert.ok(
      (await c.store.rights.auditLog(3)).some(
        (l) => l.action === 'entry.removed' && l.detail.includes('one-story'),
      ),
    );
    // A rule granted after: found by the canonical address kept with the entry.
    await c.store.extractions.finish(second, done('https://canon.example/2026/two-story'), t0);
    assert.ok(await c.store.entries.get(second));
    const { removed } = await c.store.rights.grant(rule('http://www.canon.example/2026/two-story'), t0);
    assert.equal(removed, 1);
    assert.equal(await c.store.entries.get(second), null);
    for (const r of await c.store.rights.listRules()) await c.store.rights.revoke(r.id, 'done', 'test', t0);
    await c.store.sources.remove(source.id);
  });
}
