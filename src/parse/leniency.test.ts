import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFeed, parseFeedBytes } from './index.js';
import { repairDoubleEncoding } from './mojibake.js';
import { parseDate } from './dates.js';

/**
 * Quirks of real feeds that Python's feedparser reads and courtesy must read too, one small
 * document each (the corpus agreement report in bench/parse found them).
 */

const URL = 'https://fetched.example/feed';
const rss = (channel: string, attrs = 'version="2.0"') =>
  `<?xml version="1.0"?><rss ${attrs}><channel><title>T</title>${channel}</channel></rss>`;

describe('reading real feeds leniently', () => {
  it('reads RSS 2.0 declared in UserLand’s namespace as RSS 2.0', () => {
    const feed = parseFeed(
      rss(
        '<item><title>One</title><link>https://a.example/1</link></item>',
        'version="2.0" xmlns="http://backend.userland.com/rss2"',
      ),
      URL,
    );
    assert.equal(feed.title, 'T');
    assert.deepEqual(
      feed.entries.map((e) => e.title),
      ['One'],
    );
  });

  it('finds the items an element left open swallowed, and not an empty <item/> inside an item', () => {
    const feed = parseFeed(
      rss(
        `<itunes:category text="Technology"><itunes:category text="Gadgets"/>
         <item><title>One</title><guid>urn:1</guid></item>
         <item><title>Two</title><guid>urn:2</guid><item /></item>`,
        'version="2.0" xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"',
      ),
      URL,
    );
    assert.deepEqual(
      feed.entries.map((e) => e.id),
      ['urn:1', 'urn:2'],
    );
    assert.ok(feed.warnings.includes('an element was not closed'));
  });

  it('reads RSS 0.90 under Netscape’s other namespace address', () => {
    const feed = parseFeed(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://channel.netscape.com/rdf/simple/0.9/">
        <channel><title>Mozilla</title><link>http://www.mozilla.org</link></channel>
        <item><title>Status</title><link>http://www.mozilla.org/status/</link></item></rdf:RDF>`,
      URL,
    );
    assert.equal(feed.version, '0.90');
    assert.deepEqual(
      feed.entries.map((e) => e.link),
      ['http://www.mozilla.org/status/'],
    );
  });

  it('tells apart items that have only a description, or only an enclosure', () => {
    const feed = parseFeed(
      rss(
        `<item><description>First song</description></item><item><description>Second song</description></item>
           <item><enclosure url="https://a.example/1.mp3" type="audio/mpeg"/></item>
           <item><enclosure url="https://a.example/2.mp3" type="audio/mpeg"/></item>`,
        'version="0.92"',
      ),
      URL,
    );
    assert.equal(feed.entries.length, 4);
    assert.equal(new Set(feed.entries.map((e) => e.id)).size, 4);
    assert.ok(!feed.warnings.some((w) => w.includes('repeated')));
  });

  it('names authors from atom:author and dc:creator, prefers a name to a bare address, and drops "(mailto:…)"', () => {
    const feed = parseFeed(
      rss(
        `<item><guid>1</guid><atom:author><atom:name>John Doe</atom:name><atom:email>jd@x.example</atom:email></atom:author></item>
         <item><guid>2</guid><author>jo@x.example</author><dc:creator>Jo Smith</dc:creator></item>
         <item><guid>3</guid><author>jo@x.example (Jo Smith)</author><dc:creator>Someone Else</dc:creator></item>
         <item><guid>4</guid><dc:creator>Simon St.Laurent (mailto:simonstl@simonstl.com)</dc:creator></item>`,
        'version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"',
      ),
      URL,
    );
    assert.deepEqual(
      feed.entries.map((e) => e.author),
      ['John Doe', 'Jo Smith', 'Jo Smith', 'Simon St.Laurent'],
    );
  });

  it('does not make the managing editor’s address the author of every item', () => {
    const feed = parseFeed(
      rss('<managingEditor>editor@x.example</managingEditor><item><guid>1</guid></item>'),
      URL,
    );
    assert.equal(feed.author, null);
    assert.equal(feed.entries[0]?.author, null);
    const podcast = parseFeed(
      rss(
        '<itunes:author>The Show</itunes:author><item><guid>1</guid></item>',
        'version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
      ),
      URL,
    );
    assert.equal(podcast.entries[0]?.author, 'The Show', 'a channel’s own author still applies');
  });

  it('repairs text encoded as UTF-8 twice, and says so', () => {
    const feed = parseFeed(rss('<item><guid>1</guid><title>Grupo FÃ³rmula: itâ€™s done</title></item>'), URL);
    assert.equal(feed.entries[0]?.title, 'Grupo Fórmula: it’s done');
    assert.ok(feed.warnings.includes('text encoded as UTF-8 twice was repaired'));
  });

  it('leaves alone text that only looks like it', () => {
    for (const text of ['SÃO PAULO', 'Ça va', 'naïve café', 'Â is a letter', '€100 – or ¥', 'plain']) {
      assert.equal(repairDoubleEncoding(text), null, text);
    }
  });

  it('reads UTF-8 bytes declared as ISO-8859-1 as UTF-8, and says so', () => {
    const bytes = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><feed xmlns="http://www.w3.org/2005/Atom"><title>테스트</title><entry><id>1</id><title>Café</title></entry></feed>',
      'utf8',
    );
    const feed = parseFeedBytes(bytes, { url: URL });
    assert.equal(feed.title, '테스트');
    assert.equal(feed.entries[0]?.title, 'Café');
    assert.ok(
      feed.warnings.some((w) => w.includes('declared ISO-8859-1 but is UTF-8')),
      feed.warnings.join('|'),
    );
    const latin = parseFeedBytes(Buffer.from(bytes.toString('utf8').replace('테스트', 'x'), 'latin1'), {
      url: URL,
    });
    assert.equal(latin.entries[0]?.title, 'Café', 'real Latin-1 still reads as declared');
  });

  it('takes a summary from Media RSS, iTunes or Dublin Core, and a title from Media RSS, when the entry has none', () => {
    const youtube = parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>YT</title>
        <entry><id>yt:1</id><title>Video</title><link href="https://yt.example/1"/>
        <media:group><media:title>Video</media:title><media:description>Line one
Line &amp; two</media:description></media:group></entry></feed>`,
      URL,
    );
    assert.equal(youtube.entries[0]?.summary, 'Line one<br>Line &amp; two');
    const podcast = parseFeed(
      rss(
        `<item><guid>1</guid><itunes:summary>About salt</itunes:summary></item>
         <item><guid>2</guid><dc:description>About pepper</dc:description></item>
         <item><guid>3</guid><media:title>Only a media title</media:title></item>`,
        'version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"',
      ),
      URL,
    );
    assert.deepEqual(
      podcast.entries.map((e) => [e.summary, e.title]),
      [
        ['About salt', null],
        ['About pepper', null],
        [null, 'Only a media title'],
      ],
    );
  });

  it('takes an Atom entry’s web-address id as its link when it has none, and its Dublin Core date', () => {
    const feed = parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><title>B</title>
        <entry><id>https://blog.example/post/1</id><title>One</title><dc:date>2022-01-01T12:00:00Z</dc:date></entry>
        <entry><id>tag:blog.example,2022:2</id><title>Two</title></entry></feed>`,
      URL,
    );
    assert.equal(feed.entries[0]?.link, 'https://blog.example/post/1');
    assert.equal(feed.entries[0]?.published, '2022-01-01T12:00:00.000Z');
    assert.equal(feed.entries[1]?.link, null, 'a tag: id is no link');
  });

  it('reads an offset cut short ("+00:0") as the whole offset', () => {
    assert.equal(parseDate('2017-06-13T03:18:00+00:0').date?.toISOString(), '2017-06-13T03:18:00.000Z');
    assert.equal(parseDate('2017-06-13T03:18:00+05:3').date, null, 'an ambiguous one is not guessed');
  });

  it('takes a podcast’s whole itunes:summary over a description that cuts it short with "..."', () => {
    const feed = parseFeed(
      rss(
        `<item><guid>urn:1</guid><description>Guests discuss...</description>
           <itunes:summary>Guests discuss the life of a Roman emperor.</itunes:summary></item>
         <item><guid>urn:2</guid><description>An episode &lt;b&gt;about&lt;/b&gt; Rome.</description>
           <itunes:summary>Rome.</itunes:summary></item>`,
        'version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
      ),
      URL,
    );
    assert.deepEqual(
      feed.entries.map((e) => e.summary),
      ['Guests discuss the life of a Roman emperor.', 'An episode <b>about</b> Rome.'],
    );
  });

  it('decodes HTML escaped twice once more, says so, and leaves text about tags alone', () => {
    const feed = parseFeed(
      rss(
        `<item><guid>urn:1</guid><description><![CDATA[&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;]]></description></item>
         <item><guid>urn:2</guid><description>&amp;lt;p&amp;gt;Twice&amp;lt;br/&amp;gt;over&amp;lt;/p&amp;gt;</description></item>
         <item><guid>urn:3</guid><description>Write &amp;lt;p&amp;gt; to start a paragraph</description></item>
         <item><guid>urn:4</guid><description>&lt;p&gt;Shows &amp;lt;/p&amp;gt; in code&lt;/p&gt;</description></item>`,
      ),
      URL,
    );
    assert.deepEqual(
      feed.entries.map((e) => e.summary),
      [
        '<p>Hello &amp; welcome</p>',
        '<p>Twice<br/>over</p>',
        'Write &lt;p&gt; to start a paragraph',
        '<p>Shows &lt;/p&gt; in code</p>',
      ],
    );
    assert.ok(feed.warnings.includes('HTML escaped twice was decoded once more'));
  });

  it('keeps only web addresses as links, and says when it dropped one', () => {
    const feed = parseFeed(
      rss(
        `<link>javascript:alert(1)</link>
         <item><guid>urn:1</guid><link>javascript:alert(2)</link><enclosure url="javascript:alert(3)" type="audio/mpeg"/></item>
         <item><guid>urn:2</guid><link> data:text/html,x</link><enclosure url="https://a.example/2.mp3" type="audio/mpeg"/></item>
         <item><guid>urn:3</guid><link>https://a.example/3</link></item>`,
      ),
      URL,
    );
    assert.equal(feed.link, null);
    assert.deepEqual(
      feed.entries.map((e) => e.link),
      [null, null, 'https://a.example/3'],
    );
    assert.deepEqual(
      feed.entries.map((e) => e.enclosures.map((m) => m.url)),
      [[], ['https://a.example/2.mp3'], []],
    );
    assert.ok(feed.warnings.includes('a link that is not a web address was dropped'));
  });
});
