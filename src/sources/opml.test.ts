import { NO_INTAKE_RULES } from '../model/intake.js';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Source } from '../model/source.js';
import { OpmlError, parseOpml, renderOpml } from './opml.js';

it('reads outlines at any depth, with folders as categories and entities decoded', () => {
  const outlines = parseOpml(`<?xml version="1.0"?>
    <opml version="1.0"><head><title>Mine</title></head><body>
      <outline text="Politics">
        <outline type="rss" text="Ledger &amp; Co" xmlUrl="https://ledger.example/feed?a=1&amp;b=2" htmlUrl="https://ledger.example/"/>
        <outline text="Local"><outline text="Harbour" XMLURL="https://harbour.example/rss"/></outline>
      </outline>
      <outline text="No feed here" htmlUrl="https://nofeed.example/"/>
      <outline title="Titled" text="Texted" xmlUrl="https://titled.example/atom"/>
    </body></opml>`);
  assert.deepEqual(outlines, [
    {
      feedUrl: 'https://ledger.example/feed?a=1&b=2',
      title: 'Ledger & Co',
      siteUrl: 'https://ledger.example/',
      categories: ['Politics'],
    },
    {
      feedUrl: 'https://harbour.example/rss',
      title: 'Harbour',
      siteUrl: null,
      categories: ['Politics', 'Local'],
    },
    { feedUrl: 'https://titled.example/atom', title: 'Titled', siteUrl: null, categories: [] },
  ]);
});

it('refuses a file that is not OPML', () => {
  assert.throws(
    () => parseOpml('<rss><channel/></rss>'),
    (error: unknown) => error instanceof OpmlError && /not an OPML document/.test(error.message),
  );
});

it('writes OPML that reads back to the same subscriptions, escaped', () => {
  const source = (id: number, feedUrl: string, name: string | null, siteUrl: string | null): Source => ({
    id,
    feedUrl,
    siteUrl,
    name,
    title: null,
    description: null,
    policy: 'full',
    fullText: false,
    scraperSelector: null,
    scraperRemove: [],
    attributionTemplate: null,
    searchEngines: null,
    status: 'active',
    etag: null,
    lastModified: null,
    lastCheckedAt: null,
    lastSuccessAt: null,
    nextCheckAt: null,
    lastHttpStatus: null,
    lastErrorCode: null,
    lastError: null,
    consecutiveFailures: 0,
    createdAt: new Date(0),
    feedIntervalMs: null,
    checkBasis: null,
    holdNew: false,
    section: null,
    intake: NO_INTAKE_RULES,
    language: null,
    feedLanguage: null,
  });
  const xml = renderOpml(
    [
      source(1, 'https://a.example/feed?x=1&y="2"', 'A <b> & "C"', 'https://a.example/'),
      source(2, 'https://b.example/rss', null, null),
    ],
    'My "sources"',
    new Date('2026-01-01T00:00:00Z'),
  );
  assert.ok(!xml.includes('<b>'), 'names are escaped');
  assert.deepEqual(parseOpml(xml), [
    {
      feedUrl: 'https://a.example/feed?x=1&y="2"',
      title: 'A <b> & "C"',
      siteUrl: 'https://a.example/',
      categories: [],
    },
    { feedUrl: 'https://b.example/rss', title: 'b.example', siteUrl: null, categories: [] },
  ]);
});
