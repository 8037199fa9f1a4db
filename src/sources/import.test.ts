import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../store/index.js';
import { importOpml } from './manage.js';

const OPML = `<?xml version="1.0"?><opml version="2.0"><body>
  <outline text="Politics">
    <outline text="Ledger" xmlUrl="https://ledger.example/feed" htmlUrl="https://ledger.example/"/>
    <outline text="Local"><outline text="Harbour" xmlUrl="https://harbour.example/rss"/></outline>
  </outline>
  <outline text="   Science   and   Nature   "><outline text="Northwind" xmlUrl="https://northwind.example/atom"/></outline>
  <outline text="Loose" xmlUrl="https://loose.example/feed"/>
  <outline text="Again" xmlUrl="https://loose.example/feed"/>
  <outline text="Not a web address" xmlUrl="notaurl"/>
  <outline text="A file" xmlUrl="file:///etc/passwd"/>
</body></opml>`;

describe('importing an OPML file', () => {
  let dir: string;
  let store: Store;
  const now = new Date('2026-12-03T12:00:00Z');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'courtesy-import-'));
    store = await openStore(`sqlite:${join(dir, 'courtesy.sqlite')}`);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds each feed with its innermost folder as its section, and refuses what is no web address', async () => {
    const known = await store.sources.add(
      { feedUrl: 'https://northwind.example/atom', section: 'Mine' },
      new Date(now.getTime() - 60_000),
    );
    const later = new Date(now.getTime() + 20_000);
    const steps = await importOpml(
      store,
      OPML,
      { policy: 'excerpt', holdNew: true, firstCheckAt: later },
      now,
    );
    assert.deepEqual(
      steps.map((s) => [s.kind, s.feedUrl, s.section, s.kind === 'refused' ? s.problem : s.source.id > 0]),
      [
        ['added', 'https://ledger.example/feed', 'Politics', true],
        ['added', 'https://harbour.example/rss', 'Local', true],
        ['known', 'https://northwind.example/atom', 'Science and Nature', true],
        ['added', 'https://loose.example/feed', null, true],
        ['known', 'https://loose.example/feed', null, true],
        ['refused', 'notaurl', null, '“notaurl” is not a web address'],
        ['refused', 'file:///etc/passwd', null, '“file:///etc/passwd” is not an http:// or https:// address'],
      ],
    );
    const ledger = await store.sources.findByUrl('https://ledger.example/feed');
    assert.equal(ledger?.section, 'Politics');
    assert.equal(ledger?.policy, 'excerpt');
    assert.equal(ledger?.holdNew, true);
    assert.equal(ledger?.nextCheckAt?.getTime(), later.getTime(), 'first due when asked');
    assert.equal((await store.sources.get(known.id))?.section, 'Mine', 'a known source is left as it is');

    const { sources } = await store.sources.desk({ addedAt: now, limit: 10, offset: 0 });
    assert.deepEqual(
      sources.map((s) => s.feedUrl).sort(),
      ['https://harbour.example/rss', 'https://ledger.example/feed', 'https://loose.example/feed'],
      'the import’s sources are listed together (the known one was added before)',
    );
    assert.deepEqual(await store.sources.sections(), [
      { name: 'Local', sources: 1 },
      { name: 'Mine', sources: 1 },
      { name: 'Politics', sources: 1 },
    ]);
    const bySection = await store.sources.desk({ section: 'Politics', limit: 10, offset: 0 });
    assert.deepEqual(
      bySection.sources.map((s) => s.feedUrl),
      ['https://ledger.example/feed'],
    );
    const none = await store.sources.desk({ section: '', limit: 10, offset: 0 });
    assert.deepEqual(
      none.sources.map((s) => s.feedUrl),
      ['https://loose.example/feed'],
    );
  });

  it('leaves the sections out when asked, and imports nothing twice', async () => {
    const steps = await importOpml(
      store,
      OPML.replace('https://ledger.example/feed', 'https://ledger.example/other'),
      { policy: 'full', sectionsFromFolders: false },
      now,
    );
    const added = steps.filter((s) => s.kind === 'added');
    assert.deepEqual(
      added.map((s) => [s.feedUrl, s.section]),
      [['https://ledger.example/other', null]],
    );
    assert.equal(steps.filter((s) => s.kind === 'known').length, 4);
  });
});
