import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewTakedownRequest, Notice } from '../../model/takedown.js';
import { urlKey } from '../../model/identity.js';
import { StoreError } from '../errors.js';
import type { ContractContext } from './context.js';

/** Takedown requests, counter-notices, the outbox, operators, secrets, the full-text queue, and a very large feed. */
export function takedownsAndUsersContract(c: ContractContext): void {
  const { t0, entry } = c;

  const newRequest = (n: number, patch: Partial<NewTakedownRequest> = {}) => ({
    name: 'Ada Lovelace',
    email: 'ada@requests.example',
    capacity: 'author' as const,
    scope: 'article' as const,
    urls: [`https://requests.example/${n}`],
    author: null,
    message: 'Please remove <b>this</b>.',
    signature: 'Ada Lovelace',
    verifyToken: `verify-${n}`,
    resolved: null,
    ...patch,
  });
  const notice = (to: string, subject: string): Notice => ({ to, subject, text: subject });

  it('files a takedown request with its audit line and its notices in one step', async () => {
    const request = await c.store.takedowns.create(
      newRequest(1),
      { reference: 'TD-0000000A', statusTokenHash: 'hash-a' },
      t0,
      (r) => [notice(r.email, `receipt ${r.reference}`), notice('ops@site.example', 'new')],
    );
    assert.equal(request.state, 'received');
    assert.deepEqual(request.urls, ['https://requests.example/1']);
    assert.equal((await c.store.takedowns.findByReference('TD-0000000A'))?.id, request.id);
    assert.equal((await c.store.takedowns.findByStatusToken('hash-a'))?.id, request.id);
    assert.equal(await c.store.takedowns.findByStatusToken('hash-b'), null);
    assert.deepEqual(
      (await c.store.takedowns.list({ state: 'received', limit: 10 })).map((r) => r.reference),
      ['TD-0000000A'],
    );
    const due = await c.store.outbox.due(t0, 10);
    assert.deepEqual(
      due.map((n) => [n.to, n.subject]),
      [
        ['ada@requests.example', 'receipt TD-0000000A'],
        ['ops@site.example', 'new'],
      ],
    );
    assert.equal((await c.store.rights.auditLog(1))[0]?.action, 'request.received');
  });

  it('does not file a request when its notices cannot be written', async () => {
    await assert.rejects(
      c.store.takedowns.create(
        newRequest(2),
        { reference: 'TD-0000000B', statusTokenHash: 'hash-b' },
        t0,
        () => {
          throw new Error('notice failed');
        },
      ),
    );
    assert.equal(await c.store.takedowns.findByReference('TD-0000000B'), null, 'nothing half-written');
  });

  it('grants a request once: rules, removal and tombstones, the decision, and its notice together', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://requests.example/feed' }, t0);
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(31, { url: 'https://requests.example/1?utm_source=x' }),
        entry(32, { url: 'https://requests.example/2' }),
      ],
      {},
      t0,
    );
    const request = (await c.store.takedowns.findByReference('TD-0000000A'))!;
    const rule = {
      kind: 'url' as const,
      urlKey: 'requests.example/1',
      sourceId: null,
      author: null,
      domain: null,
      reason: 'takedown request TD-0000000A',
      actor: '',
    };
    const preview = await c.store.rights.preview([rule], 10);
    assert.equal(preview.count, 1);
    assert.equal(preview.entries[0]?.url, 'https://requests.example/1?utm_source=x');

    const outcome = await c.store.takedowns.grant(
      request.id,
      [rule],
      { actor: 'operator ada', reason: 'clear case' },
      {},
      t0,
      (o) => [notice(o.request.email, `granted ${o.removed}`)],
    );
    assert.ok(outcome);
    assert.equal(outcome.removed, 1);
    assert.equal(outcome.request.state, 'granted');
    assert.equal(outcome.request.decidedBy, 'operator ada');
    assert.deepEqual(outcome.request.ruleIds, [outcome.rules[0]!.id]);
    assert.equal(outcome.rules[0]!.requestId, request.id);
    assert.equal(outcome.rules[0]!.actor, 'operator ada');
    assert.equal(await c.store.entries.count(source.id), 1);
    assert.equal((await c.store.outbox.due(t0, 10)).at(-1)?.subject, 'granted 1');

    const twice = await c.store.takedowns.grant(
      request.id,
      [rule],
      { actor: 'x', reason: 'y' },
      {},
      t0,
      () => [],
    );
    assert.equal(twice, null, 'a decided request is not decided again');
    assert.equal(await c.store.takedowns.reject(request.id, { actor: 'x', reason: 'y' }, t0, () => []), null);
    assert.equal((await c.store.rights.listRules()).filter((r) => r.requestId === request.id).length, 1);
  });

  it('takes counter-notices; upholding one revokes the rules of its request', async () => {
    const request = (await c.store.takedowns.findByReference('TD-0000000A'))!;
    const filed = await c.store.takedowns.fileCounterNotice(
      {
        requestId: request.id,
        name: 'Bob',
        email: 'bob@writer.example',
        address: '1 Main St',
        explanation: 'It is mine.',
        signature: 'Bob',
      },
      { reference: 'CN-0000000A', statusTokenHash: 'hash-cn' },
      t0,
      (c, r) => [notice(c.email, 'receipt'), notice(r.email, `copy of ${c.reference}`)],
    );
    assert.equal(filed.state, 'received');
    assert.equal((await c.store.takedowns.findCounterNoticeByStatusToken('hash-cn'))?.id, filed.id);
    assert.deepEqual(
      (await c.store.takedowns.counterNoticesOf(request.id)).map((c) => c.reference),
      ['CN-0000000A'],
    );
    const decided = await c.store.takedowns.decideCounterNotice(
      filed.id,
      true,
      { actor: 'operator ada', reason: 'licensed' },
      t0,
      (c) => [notice(c.email, `decided ${c.state}`)],
    );
    assert.equal(decided?.state, 'upheld');
    const rule = await c.store.rights.getRule(request.ruleIds[0]!);
    assert.ok(rule?.revokedAt, 'the rule is revoked');
    assert.match(rule.revokeReason ?? '', /CN-0000000A/);
    assert.equal(
      await c.store.takedowns.decideCounterNotice(filed.id, false, { actor: 'x', reason: 'y' }, t0, () => []),
      null,
    );
  });

  it('rejects a request with its reason', async () => {
    const request = await c.store.takedowns.create(
      newRequest(3),
      { reference: 'TD-0000000C', statusTokenHash: 'hash-c' },
      t0,
      () => [],
    );
    const rejected = await c.store.takedowns.reject(
      request.id,
      { actor: 'cli', reason: 'not the author' },
      t0,
      (r) => [notice(r.email, 'rejected')],
    );
    assert.equal(rejected?.state, 'rejected');
    assert.equal(rejected?.decisionReason, 'not the author');
    await c.store.takedowns.recordVerification(request.id, 'Not verified: no token', t0);
    assert.equal((await c.store.takedowns.get(request.id))?.lastVerifyResult, 'Not verified: no token');
  });

  it('sends notices once and retries failed ones later', async () => {
    const due = await c.store.outbox.due(t0, 100);
    assert.ok(due.length >= 2);
    const [first, second] = due;
    await c.store.outbox.markSent(first!.id, t0);
    await c.store.outbox.markFailed(second!.id, 'connection refused', new Date(t0.getTime() + 60_000));
    const later = await c.store.outbox.due(t0, 100);
    assert.ok(!later.some((n) => n.id === first!.id || n.id === second!.id));
    const retried = (await c.store.outbox.due(new Date(t0.getTime() + 60_000), 100)).find(
      (n) => n.id === second!.id,
    );
    assert.equal(retried?.attempts, 1);
    assert.equal(retried?.lastError, 'connection refused');
    assert.equal(await c.store.outbox.pending(), due.length - 1);
  });

  it('gives each due notice to one sender at a time, and to another once the first one’s hold runs out', async () => {
    const late = new Date(t0.getTime() + 86_400_000);
    const waiting = await c.store.outbox.due(late, 100);
    assert.ok(waiting.length >= 1);
    const [a, b] = await Promise.all([
      c.store.outbox.claim(late, 100, 60_000),
      c.store.outbox.claim(late, 100, 60_000),
    ]);
    const ids = [...a, ...b].map((n) => n.id).sort((x, y) => x - y);
    assert.deepEqual(
      ids,
      waiting.map((n) => n.id).sort((x, y) => x - y),
      'every due notice, once',
    );
    assert.deepEqual(await c.store.outbox.claim(late, 100, 60_000), [], 'held');
    const again = await c.store.outbox.claim(new Date(late.getTime() + 60_000), 100, 60_000);
    assert.equal(again.length, waiting.length, 'a sender that died lets go when its hold runs out');
  });

  it('keeps operators, locks one after repeated failures, and ends sessions', async () => {
    const user = await c.store.users.add('Ada', 'hash-1', t0);
    await assert.rejects(
      c.store.users.add('ada', 'hash-2', t0),
      (error: unknown) => error instanceof StoreError && error.code === 'store.duplicate-user',
      'names compare without case',
    );
    assert.equal((await c.store.users.findByName('ADA'))?.passwordHash, 'hash-1');
    const lockUntil = new Date(t0.getTime() + 900_000);
    const attempt = () => c.store.users.beginSignIn(user.id, t0, 3, lockUntil);
    assert.deepEqual(await attempt(), { admitted: true, lockedUntil: null, locked: false });
    assert.deepEqual(await attempt(), { admitted: true, lockedUntil: null, locked: false });
    assert.deepEqual(await attempt(), { admitted: true, lockedUntil: lockUntil, locked: true });
    assert.deepEqual(await attempt(), { admitted: false, lockedUntil: lockUntil, locked: false });
    // Attempts made at once are counted one by one: three are let through, the rest refused.
    const later = new Date(lockUntil.getTime() + 1);
    const lockAgain = new Date(later.getTime() + 900_000);
    const together = await Promise.all(
      Array.from({ length: 8 }, () => c.store.users.beginSignIn(user.id, later, 3, lockAgain)),
    );
    assert.equal(together.filter((a) => a.admitted).length, 3);
    assert.equal(together.filter((a) => a.locked).length, 1);
    // A right password clears the lock its own attempt made, and no other.
    const third = together.find((a) => a.locked)!;
    await c.store.users.recordSuccess(
      user.id,
      later,
      together.find((a) => a.admitted && !a.locked)!,
    );
    assert.deepEqual(
      (await c.store.users.findByName('Ada'))?.lockedUntil,
      lockAgain,
      'a lock others made stays',
    );
    await c.store.users.recordSuccess(user.id, later, third);
    assert.equal((await c.store.users.findByName('Ada'))?.lockedUntil, null, 'its own goes');
    assert.equal((await c.store.users.findByName('Ada'))?.failedLogins, 0);

    await c.store.users.createSession(user.id, 'session-1', 'csrf-1', t0, new Date(t0.getTime() + 3_600_000));
    const session = await c.store.users.session('session-1', t0);
    assert.equal(session?.user.name, 'Ada');
    assert.equal(session?.csrfToken, 'csrf-1');
    assert.equal(
      await c.store.users.session('session-1', new Date(t0.getTime() + 3_600_000)),
      null,
      'expired',
    );
    assert.equal(await c.store.users.setPassword('ada', 'hash-3'), true);
    assert.equal(await c.store.users.session('session-1', t0), null, 'a new password ends every session');
    const after = await c.store.users.findByName('Ada');
    assert.equal(after?.lockedUntil, null, 'and lifts the lockout');
    assert.equal(after?.passwordHash, 'hash-3');
    await c.store.users.createSession(user.id, 'session-2', 'csrf-2', t0, new Date(t0.getTime() + 1000));
    assert.equal(await c.store.users.purgeSessions(new Date(t0.getTime() + 1000)), 1);
    assert.equal(await c.store.users.remove('ada'), true);
    assert.deepEqual(await c.store.users.list(), []);
  });

  it('makes a secret once and gives every caller the same one', async () => {
    const [a, b] = await Promise.all([c.store.secret('form'), c.store.secret('form')]);
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(await c.store.secret('other'), a);
  });

  it('queues the pages of a full-text source’s new entries and gives each to one worker at a time', async () => {
    const source = await c.store.sources.add(
      {
        feedUrl: 'https://full.example/feed.xml',
        fullText: true,
        scraperSelector: 'article .body',
        scraperRemove: ['.share', '.related'],
      },
      t0,
    );
    assert.equal(source.scraperSelector, 'article .body');
    assert.deepEqual(source.scraperRemove, ['.share', '.related']);
    const other = await c.store.sources.add({ feedUrl: 'https://summary.example/feed.xml' }, t0);
    const pageOf = (n: number) => `https://full.example/story/${n}`;
    await c.store.entries.saveRefresh(
      source.id,
      [
        entry(1, {
          guid: 'full:1',
          url: pageOf(1),
          contentHtml: null,
          summaryHtml: '<p>Teaser of glacier</p>',
        }),
        entry(2, { guid: 'full:2', url: pageOf(2) }),
        entry(3, { guid: 'full:3', url: null }),
      ],
      {},
      t0,
    );
    await c.store.entries.saveRefresh(other.id, [entry(4, { guid: 'summary:4' })], {}, t0);
    assert.equal(await c.store.extractions.pending(), 2, 'the entries of full-text sources that have a page');

    const [a, b] = await Promise.all([
      c.store.extractions.claim(t0, 1, { claimMs: 60_000, perHost: 10 }),
      c.store.extractions.claim(t0, 5, { claimMs: 60_000, perHost: 10 }),
    ]);
    const claimed = [...a, ...b].sort((x, y) => x.entryId - y.entryId);
    assert.deepEqual(
      claimed.map((t) => t.url),
      [pageOf(1), pageOf(2)],
      'each page once, across claimers',
    );
    assert.deepEqual(claimed[0]!.remove, ['.share', '.related']);
    assert.equal(claimed[0]!.selector, 'article .body');
    assert.equal(claimed[0]!.feedHtml, '<p>Teaser of glacier</p>', 'the summary, when there is no content');
    assert.deepEqual(
      await c.store.extractions.claim(t0, 5, { claimMs: 60_000, perHost: 10 }),
      [],
      'claimed pages are not due',
    );
    const later = new Date(t0.getTime() + 61_000);
    assert.equal(
      (await c.store.extractions.claim(later, 5, { claimMs: 60_000, perHost: 10 })).length,
      2,
      'a claim runs out',
    );

    const [one, two] = claimed;
    await c.store.extractions.finish(
      one!.entryId,
      {
        state: 'done',
        html: '<p>The whole article about a moraine</p>',
        searchText: 'The whole article about a moraine',
      },
      later,
    );
    await c.store.extractions.finish(
      two!.entryId,
      { state: 'pending', note: 'fetch.timeout: too slow', retryAt: new Date(later.getTime() + 600_000) },
      later,
    );
    const stored = await c.store.entries.get(one!.entryId);
    assert.equal(stored?.articleHtml, '<p>The whole article about a moraine</p>');
    const found = await c.store.entries.search({
      text: 'moraine',
      order: 'recent',
      limit: 10,
      offset: 0,
      now: later,
    });
    assert.deepEqual(
      found.hits.map((h) => h.entry.id),
      [one!.entryId],
      'the article is searched',
    );
    // A refresh that changes the entry keeps its article, and its search text.
    await c.store.entries.saveRefresh(
      source.id,
      [entry(1, { guid: 'full:1', url: pageOf(1), title: 'Retitled', contentHash: 'hash-1c' })],
      {},
      later,
    );
    assert.equal(
      (await c.store.entries.get(one!.entryId))?.articleHtml,
      '<p>The whole article about a moraine</p>',
    );
    const again = await c.store.entries.search({
      text: 'moraine',
      order: 'recent',
      limit: 10,
      offset: 0,
      now: later,
    });
    assert.equal(again.hits.length, 1);

    assert.deepEqual(
      await c.store.extractions.claim(later, 5, { claimMs: 60_000, perHost: 10 }),
      [],
      'a retry waits for its time',
    );
    const retry = await c.store.extractions.claim(new Date(later.getTime() + 600_000), 5, {
      claimMs: 60_000,
      perHost: 10,
    });
    assert.equal(retry[0]?.attempts, 1);
    await c.store.extractions.finish(
      two!.entryId,
      { state: 'kept-feed', note: 'extract.too-short: a teaser' },
      later,
    );

    const summary = await c.store.extractions.summary(source.id, 10);
    assert.deepEqual(summary.counts, { pending: 0, done: 1, 'kept-feed': 1 });
    assert.equal(summary.recent.find((l) => l.entryId === two!.entryId)?.note, 'extract.too-short: a teaser');
    assert.equal(summary.recent.find((l) => l.entryId === two!.entryId)?.attempts, 2);

    // Re-running the rules queues the newest entries again, whatever their state.
    assert.equal(await c.store.extractions.requeue(source.id, 10, later), 2, 'the two that have a page');
    assert.equal((await c.store.extractions.summary(source.id, 10)).counts.pending, 2);
    // At most `perHost` pages of one host at a time, across claimers.
    const perHostAt = new Date(later.getTime() + 3_600_000);
    const first = await c.store.extractions.claim(perHostAt, 5, { claimMs: 60_000, perHost: 1 });
    const second = await c.store.extractions.claim(perHostAt, 5, { claimMs: 60_000, perHost: 1 });
    assert.equal(first.length, 1, 'one page of full.example');
    assert.equal(second.length, 0, 'its host has no free slot');
    await c.store.extractions.finish(first[0]!.entryId, { state: 'kept-feed', note: 'x' }, perHostAt);
    assert.equal(
      (await c.store.extractions.claim(perHostAt, 5, { claimMs: 60_000, perHost: 1 })).length,
      1,
      'a slot freed',
    );
    // Turned off, a source's pages wait; removed, they go with it.
    await c.store.sources.update(source.id, { fullText: false });
    assert.deepEqual(await c.store.extractions.claim(later, 5, { claimMs: 60_000, perHost: 10 }), []);
    await c.store.sources.remove(source.id);
    assert.equal(await c.store.extractions.pending(), 0);
  });

  it('stores a feed of 100,000 entries, checks it against the rules, and matches it again', async () => {
    const source = await c.store.sources.add({ feedUrl: 'https://huge-feed.example/feed' }, t0);
    const many = Array.from({ length: 100_000 }, (_, i) =>
      entry(200_000 + i, { summaryHtml: null, contentHtml: null, categories: [] }),
    );
    // A rule on one of its addresses: every entry's address is checked against the rules.
    const { rule } = await c.store.rights.grant(
      {
        kind: 'url',
        sourceId: null,
        author: null,
        domain: null,
        urlKey: urlKey('https://publisher.example/200007'),
        reason: 'asked',
        actor: 'test',
      },
      t0,
    );
    const first = await c.store.entries.saveRefresh(source.id, many, {}, t0);
    assert.deepEqual(first, { inserted: 99_999, updated: 0, unchanged: 0, suppressed: 1 });
    assert.equal(await c.store.entries.count(source.id), 99_999);
    const again = await c.store.entries.saveRefresh(source.id, many, {}, t0);
    assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 99_999, suppressed: 1 });
    await c.store.rights.revoke(rule.id, 'done', 'test', t0);
    await c.store.sources.remove(source.id);
  });
}
