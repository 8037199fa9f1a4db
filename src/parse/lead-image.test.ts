import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFeedBytes } from './index.js';
import { firstPicture, leadImageUrl, pagePicture } from './lead-image.js';

const none = { image: null, enclosures: [], contentHtml: null, summaryHtml: null };

describe('the lead image', () => {
  it('is the picture the feed names for the entry before any other', () => {
    assert.equal(
      leadImageUrl({
        ...none,
        image: 'https://news.example/thumb.jpg',
        enclosures: [{ url: 'https://news.example/enc.jpg', type: 'image/jpeg', length: null }],
        contentHtml: '<p><img src="https://news.example/body.jpg"></p>',
      }),
      'https://news.example/thumb.jpg',
    );
  });

  it('is else the first image enclosure, typed or named as one; audio and video are not', () => {
    const enclosures = [
      { url: 'https://news.example/episode.mp3', type: 'audio/mpeg', length: 1 },
      { url: 'https://news.example/clip.mp4', type: null, length: null },
      { url: 'https://news.example/photo.webp?w=800', type: null, length: null },
      { url: 'https://news.example/later.jpg', type: 'image/jpeg', length: null },
    ];
    assert.equal(leadImageUrl({ ...none, enclosures }), 'https://news.example/photo.webp?w=800');
    assert.equal(leadImageUrl({ ...none, enclosures: enclosures.slice(0, 2) }), null);
  });

  it('is else the first picture of the content, then of the summary, passing over counters, icons and emoji', () => {
    const contentHtml = [
      '<p><img src="https://feeds.feedburner.com/~r/news/~4/abc" height="1" width="1">',
      '<img src="https://s.w.org/images/core/emoji/14.0.0/72x72/1f600.png">',
      '<img src="https://news.example/icon.png" width="32" height="32">',
      '<img src="https://news.example/share-button.png">',
      '<img src="https://news.example/logo.svg">',
      '<img src="https://news.example/story.jpg?a=1&amp;b=2" width="800">Text</p>',
    ].join('');
    assert.equal(leadImageUrl({ ...none, contentHtml }), 'https://news.example/story.jpg?a=1&b=2');
    assert.equal(
      leadImageUrl({
        ...none,
        contentHtml: '<p>No picture</p>',
        summaryHtml: '<img src="https://news.example/s.png">',
      }),
      'https://news.example/s.png',
    );
    assert.equal(firstPicture('<img src="data:image/gif;base64,R0lGOD">'), null);
    assert.equal(
      firstPicture('<img src="/relative.jpg">'),
      null,
      'sanitized HTML is absolute; anything else is not taken',
    );
    assert.equal(leadImageUrl(none), null);
  });

  it('of a page is its og:image (or twitter:image), made absolute against the page', () => {
    const meta = new Map([
      ['og:image', '/images/lead.jpg'],
      ['twitter:image', 'https://cdn.example/t.jpg'],
    ]);
    assert.equal(
      pagePicture(meta, 'https://news.example/2026/story.html'),
      'https://news.example/images/lead.jpg',
    );
    assert.equal(
      pagePicture(new Map([['twitter:image', 'https://cdn.example/t.jpg']]), 'https://news.example/'),
      'https://cdn.example/t.jpg',
    );
    assert.equal(pagePicture(new Map([['og:image', 'javascript:alert(1)']]), 'https://news.example/'), null);
    assert.equal(pagePicture(new Map(), 'https://news.example/'), null);
  });
});

describe('the picture a feed names for an entry', () => {
  const read = (text: string) =>
    parseFeedBytes(Buffer.from(text), { url: 'https://news.example/feed' }).entries.map((e) => e.image);

  it('is the widest Media RSS thumbnail of the item, its group or its media:content, made absolute', () => {
    const rss = `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>
      <item><guid>1</guid><title>a</title><media:thumbnail url="https://news.example/a.jpg"/></item>
      <item><guid>2</guid><title>b</title><media:group><media:content url="https://news.example/v.mp4">
        <media:thumbnail url="/small.jpg" width="150"/><media:thumbnail url="/large.jpg" width="1024"/></media:content></media:group></item>
      <item><guid>3</guid><title>c</title><media:thumbnail url="javascript:alert(1)"/></item>
      <item><guid>4</guid><title>d</title></item></channel></rss>`;
    assert.deepEqual(read(rss), ['https://news.example/a.jpg', 'https://news.example/large.jpg', null, null]);
  });

  it('is, in Atom, the entry’s Media RSS thumbnail; in JSON Feed, its image, else its banner', () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>T</title>
      <entry><id>urn:1</id><title>a</title><media:thumbnail url="https://news.example/atom.jpg"/></entry></feed>`;
    assert.deepEqual(read(atom), ['https://news.example/atom.jpg']);
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'T',
      items: [
        { id: '1', image: '/i.png', banner_image: '/b.png' },
        { id: '2', banner_image: 'https://news.example/b.png' },
        { id: '3' },
      ],
    });
    assert.deepEqual(read(json), ['https://news.example/i.png', 'https://news.example/b.png', null]);
  });
});
