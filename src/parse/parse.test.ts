import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../../test/support/fixtures.js';
import { ParseError, parseFeed, parseFeedBytes } from './index.js';

const parseFixture = (name: string, url: string | null = 'https://fetched.example/feed') =>
  parseFeedBytes(readFixture(import.meta.url, name), { url });

describe('parseFeed: formats', () => {
  it('reads RSS 2.0 with its extensions', () => {
    const feed = parseFixture('rss2.xml');
    assert.equal(feed.format, 'rss2');
    assert.equal(feed.version, '2.0');
    assert.equal(feed.title, 'Example News');
    assert.equal(feed.link, 'https://news.example/');
    assert.equal(feed.language, 'en-gb');
    assert.equal(feed.ttl, 30);
    assert.deepEqual(feed.hubs, ['https://hub.example/']);
    assert.equal(feed.self, 'https://news.example/feed.xml');
    assert.deepEqual(feed.warnings, []);
    const [first, second] = feed.entries;
    assert.deepEqual(first, {
      id: 'urn:example:1',
      title: 'First & foremost',
      link: 'https://news.example/a/1',
      author: 'Jo Smith',
      published: '2026-11-24T09:30:00.000Z',
      updated: null,
      summary: '<p>Short <b>summary</b></p>',
      content: '<p>The <em>whole</em> story.</p>',
      categories: ['Politics', 'World'],
      enclosures: [
        { url: 'https://news.example/a/1.mp3', type: 'audio/mpeg', length: 12345 },
        { url: 'https://news.example/a/1.jpg', type: 'image/jpeg', length: null },
      ],
      image: null,
      base: null,
    });
    assert.equal(second?.id, 'https://fetched.example/a/2', 'no guid: the absolute link is the id');
    assert.equal(second?.author, 'Ana Lima');
    assert.equal(second?.published, '2026-11-23T08:00:00.000Z');
  });

  it('reads RSS 0.91 and decodes ISO-8859-1 from the declaration', () => {
    const old = parseFixture('rss091.xml');
    assert.equal(old.version, '0.91');
    assert.equal(old.title, 'Café Old');
    const latin = parseFixture('latin1.xml');
    assert.equal(latin.title, 'Café Latin');
    assert.equal(latin.entries[0]?.title, 'Crème brûlée');
  });

  it('reads a Latin-1 body wrongly declared UTF-8, and says so', () => {
    const feed = parseFixture('wrong-charset.xml');
    assert.equal(feed.entries[0]?.title, 'Naïve café');
    assert.ok(
      feed.warnings.some((w) => w.includes('not valid UTF-8')),
      feed.warnings.join('|'),
    );
  });

  it('lets the HTTP charset win over the XML declaration', () => {
    const bytes = Buffer.from(
      '<?xml version="1.0" encoding="utf-8"?><rss><channel><title>\xe9t\xe9</title></channel></rss>',
      'latin1',
    );
    const feed = parseFeedBytes(bytes, { contentType: 'application/rss+xml; charset=ISO-8859-1' });
    assert.equal(feed.title, 'été');
  });

  it('reads RSS 1.0 (RDF)', () => {
    const feed = parseFixture('rdf.xml');
    assert.equal(feed.format, 'rss1');
    assert.equal(feed.language, 'fr');
    const [entry] = feed.entries;
    assert.equal(entry?.id, 'http://rdf.example/1');
    assert.equal(entry?.author, 'Marie Curie');
    assert.equal(entry?.published, '2026-11-20T11:00:00.000Z');
    assert.deepEqual(entry?.categories, ['Science']);
  });

  it('reads Atom 1.0 with xml:base, text constructs and enclosures', () => {
    const feed = parseFixture('atom.xml');
    assert.equal(feed.format, 'atom');
    assert.equal(feed.title, 'Atom Blog');
    assert.equal(feed.link, 'https://atom.example/blog/');
    assert.equal(feed.self, 'https://atom.example/blog/feed.atom', 'rel=self resolves against xml:base');
    assert.equal(feed.language, 'de');
    assert.equal(feed.author, 'Feed Author');
    const [first, second] = feed.entries;
    assert.equal(first?.link, 'https://atom.example/blog/posts/1');
    assert.equal(first?.author, 'Feed Author', 'falls back to the feed author');
    assert.equal(first?.published, '2026-11-24T07:00:00.000Z');
    assert.equal(first?.updated, '2026-11-24T08:00:00.000Z');
    assert.deepEqual(first?.categories, ['Technology', 'misc']);
    assert.equal(first?.content, '<p>Hello <a href="other">link</a></p><img src="pic.png">');
    assert.equal(first?.base, 'https://atom.example/blog/');
    assert.deepEqual(first?.enclosures, [
      { url: 'https://atom.example/blog/media/1.ogg', type: 'audio/ogg', length: 99 },
    ]);
    assert.equal(second?.author, 'Entry Author');
    assert.equal(second?.summary, '1 &lt; 2 and a line<br>break');
    assert.equal(second?.published, null);
  });

  it('reads Atom 0.3', () => {
    const feed = parseFixture('atom03.xml');
    assert.equal(feed.version, '0.3');
    assert.equal(feed.description, 'The 2003 draft');
    assert.equal(feed.entries[0]?.published, '2004-01-02T03:04:05.000Z');
    assert.equal(feed.entries[0]?.content, '<p>Escaped</p>');
  });

  it('reads JSON Feed 1.1 and the 1.0 author field', () => {
    const feed = parseFixture('feed.json');
    assert.equal(feed.format, 'json');
    assert.equal(feed.version, '1.1');
    const [first, second] = feed.entries;
    assert.equal(first?.id, '1');
    assert.equal(first?.link, 'https://json.example/posts/1');
    assert.equal(first?.content, '<p>HTML &amp; more</p>');
    assert.equal(first?.author, 'Site Team');
    assert.equal(first?.published, '2026-11-24T15:00:00.000Z');
    assert.deepEqual(first?.enclosures, [
      { url: 'https://json.example/f.pdf', type: 'application/pdf', length: 100 },
    ]);
    assert.equal(second?.content, 'Plain &lt;text&gt;');
    assert.equal(second?.author, 'Old Style');
  });
});

describe('parseFeed: the article behind a feed proxy', () => {
  it("takes FeedBurner's origLink, in RSS and in Atom, and a proxy link's permalink guid", () => {
    const rss = parseFeed(
      `<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>P</title>
        <item><title>A</title><link>https://feedproxy.google.com/~r/news/~3/abc/</link><guid isPermaLink="false">x-1</guid>
          <feedburner:origLink>https://news.example/2026/bridge-repairs.html</feedburner:origLink></item>
        <item><title>B</title><link>http://feeds.feedburner.com/~r/news/~3/def/</link><guid>https://news.example/2026/b.html</guid></item>
        <item><title>C</title><link>https://news.example/c.html</link><guid>https://elsewhere.example/c</guid></item>
      </channel></rss>`,
      null,
    );
    assert.deepEqual(
      rss.entries.map((e) => e.link),
      [
        'https://news.example/2026/bridge-repairs.html',
        'https://news.example/2026/b.html',
        'https://news.example/c.html',
      ],
    );
    assert.equal(rss.entries[0]?.id, 'x-1', 'the id stays the guid');
    const atom = parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>P</title>
        <entry><id>tag:news.example,2026:1</id><title>A</title><link href="https://feedproxy.google.com/~r/news/~3/abc/"/>
          <feedburner:origLink>https://news.example/a.html</feedburner:origLink></entry></feed>`,
      null,
    );
    assert.equal(atom.entries[0]?.link, 'https://news.example/a.html');
  });
});

describe('parseFeed: leniency and safety', () => {
  it('recovers from junk, HTML entities, bare &, undeclared prefixes, raw markup and unclosed tags', () => {
    const feed = parseFixture('quirks.xml');
    assert.equal(feed.title, 'Quirky café AT&T &lol2;', 'entities from the DTD are never expanded');
    const [first, second, third] = feed.entries;
    assert.equal(feed.entries.length, 3);
    assert.match(third?.title ?? '', /^Unclosed/);
    assert.equal(first?.title, 'Double escaped: Q&A');
    assert.equal(first?.author, 'Undeclared Prefix');
    assert.equal(first?.summary, '<p>Raw <b>markup</b> inside</p>');
    assert.equal(first?.published, null, 'February 30th does not exist');
    assert.equal(second?.published, '2026-11-23T09:00:00.000Z', 'French day and month names');
    for (const expected of [
      'junk before the XML declaration was ignored',
      'HTML named entities in XML',
      'unescaped "&" in text',
      'undeclared namespace prefix "dc"',
      'the document declares entities in a DTD; they were not expanded',
      'unreadable date "Mon, 30 Feb 2026 10:00:00 GMT"',
      'an element was not closed',
    ]) {
      assert.ok(
        feed.warnings.includes(expected),
        `expected warning "${expected}" in ${JSON.stringify(feed.warnings)}`,
      );
    }
  });

  it('never resolves external entities', () => {
    const feed = parseFixture('xxe.xml');
    assert.equal(feed.title, 'XXE &xxe;');
    assert.ok(!JSON.stringify(feed).includes('root:'));
  });

  it('keeps ids stable when a feed repeats guids, and drops true repeats', () => {
    const feed = parseFixture('repeated-guids.xml');
    const ids = feed.entries.map((e) => e.id);
    assert.equal(ids.length, 4, 'the identical fifth item is dropped');
    assert.equal(ids[0], 'http://g.example/a', 'a shared guid gives way to a unique link');
    for (const id of ids.slice(1))
      assert.match(id, /^sha256:[0-9a-f]{32}$/, 'neither guid nor link is unique');
    assert.equal(new Set(ids).size, 4);
    assert.deepEqual(
      parseFixture('repeated-guids.xml').entries.map((e) => e.id),
      ids,
      'the same ids on every read',
    );
    assert.ok(feed.warnings.includes('an entry repeated an earlier one and was dropped'));
  });

  it('survives deep nesting', () => {
    const deep = `<rss><channel><title>d</title><item><title>x</title><description>${'<div>'.repeat(5000)}</description></item></channel></rss>`;
    const feed = parseFeed(deep, null);
    assert.equal(feed.entries.length, 1);
    assert.ok(feed.warnings.some((w) => w.includes('nested deeper')));
  });

  const rejections: Array<[string, string, string]> = [
    ['empty', '   ', 'parse.empty'],
    ['invalid JSON', '{"items": [', 'parse.json-invalid'],
    ['JSON that is not a feed', '{"hello": "world"}', 'parse.json-not-feed'],
    ['XML that is not a feed', '<note><to>x</to></note>', 'parse.not-a-feed'],
    ['plain text', 'hello world', 'parse.not-a-feed'],
  ];
  for (const [name, body, code] of rejections) {
    it(`rejects ${name} with ${code}`, () => {
      assert.throws(
        () => parseFeed(body, null),
        (error: unknown) => error instanceof ParseError && error.code === code,
      );
    });
  }

  it('names the feeds an HTML page links to', () => {
    assert.throws(
      () => parseFeedBytes(readFixture(import.meta.url, 'page.html'), { url: 'https://site.example/blog/' }),
      (error: unknown) =>
        error instanceof ParseError &&
        error.code === 'parse.html-page' &&
        error.discovered.join(' ') === 'https://site.example/feed.xml https://site.example/atom.xml' &&
        error.message.includes('https://site.example/feed.xml'),
    );
  });
});

it('reads the update interval a feed declares with the syndication module', () => {
  const feed = (period: string) =>
    parseFeed(
      `<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>t</title>${period}</channel></rss>`,
      null,
    );
  assert.equal(
    feed('<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>').updateMinutes,
    30,
  );
  assert.equal(feed('<sy:updatePeriod> Daily </sy:updatePeriod>').updateMinutes, 1440);
  assert.equal(feed('<sy:updateFrequency>4</sy:updateFrequency>').updateMinutes, 360);
  assert.equal(feed('<sy:updatePeriod>fortnightly</sy:updatePeriod>').updateMinutes, null);
  assert.equal(feed('').updateMinutes, null);
});
