import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localizePictures, textPictures, withoutImage } from './html-images.js';

describe('withoutImage', () => {
  const url = 'https://news.example/lead.jpg?w=1&h=2';

  it('takes out the picture the article opens with, keeping its caption', () => {
    const html =
      '<figure><img src="https://news.example/lead.jpg?w=1&amp;h=2" alt="A"><figcaption>Photo: A</figcaption></figure><p>Text.</p>';
    const found = withoutImage(html, url);
    assert.equal(found.place, 'leads');
    assert.equal(found.html, '<figure><figcaption>Photo: A</figcaption></figure><p>Text.</p>');
  });

  it('leaves a picture that comes after text where it is', () => {
    const html = `<p>First words.</p><img src="${url.replace('&', '&amp;')}">`;
    assert.deepEqual(withoutImage(html, url), { place: 'inline', html });
  });

  it('says when the article does not show the picture', () => {
    assert.equal(withoutImage('<p>Only text</p>', url).place, 'absent');
    assert.equal(withoutImage('<img src="https://news.example/other.jpg">', url).place, 'absent');
  });
});

describe('the pictures of a text', () => {
  it('are the web addresses of its images, the widest of a srcset, each once, counters and ad networks left out', () => {
    const html = [
      '<p><img src="https://x.example/a.jpg"><img src="https://x.example/a.jpg"></p>',
      '<img src="https://x.example/small.jpg" srcset="https://x.example/s.jpg 480w, https://x.example/l.jpg 1200w, https://x.example/xxl.jpg 4000w">',
      '<img src="https://feeds.feedburner.com/~r/x/~4/1">',
      '<img src="data:image/gif;base64,R0lGOD">',
      '<img src="https://ads.pheedo.com/img.phdo?s=1">',
      '<img src="https://tags.bluekai.com/site/1">',
      '<img src="https://insight.adsrvr.org/track/evnt">',
      '<img src="https://ad.nl/photos/harbour.jpg">',
    ].join('');
    assert.deepEqual(textPictures(html), [
      'https://x.example/a.jpg',
      'https://x.example/l.jpg',
      'https://ad.nl/photos/harbour.jpg',
    ]);
    assert.deepEqual(textPictures(null), []);
    const many = Array.from({ length: 20 }, (_, i) => `<img src="https://x.example/${i}.jpg">`).join('');
    assert.equal(textPictures(many).length, 12);
  });
});

describe('localizePictures', () => {
  const local = (url: string) =>
    url.endsWith('kept.jpg')
      ? { width: 960, height: 540, render: (alt: string) => `<img src="/media/k" alt="${alt}">` }
      : null;

  it('shows the site’s copy of each picture it has, keeping the alt text', () => {
    assert.equal(
      localizePictures(
        '<p>Text <img src="https://x.example/kept.jpg" alt="A bridge" width="20"> more</p>',
        local,
      ),
      '<p>Text <img src="/media/k" alt="A bridge"> more</p>',
    );
  });

  it('leaves out a picture it has not, with the link or figure that held nothing else', () => {
    assert.equal(
      localizePictures(
        '<p>Before <a href="https://x.example/big.jpg"><img src="https://x.example/gone.jpg"></a> after</p>' +
          '<figure><img src="https://x.example/gone.jpg"><figcaption>Photo: X</figcaption></figure>' +
          '<p><a href="/story">Read <img src="https://x.example/gone.jpg"> on</a></p>',
        local,
      ),
      '<p>Before  after</p><p><a href="/story">Read  on</a></p>',
    );
  });

  it('replaces a whole <picture> by its image’s copy, and drops a video’s poster', () => {
    assert.equal(
      localizePictures(
        '<picture><source srcset="https://x.example/kept.webp"><img src="https://x.example/kept.jpg" alt="P"></picture>' +
          '<picture><source srcset="https://x.example/other.webp"><img src="https://x.example/other.jpg"></picture>' +
          '<video controls poster="https://x.example/poster.jpg" src="https://x.example/v.mp4"></video>',
        local,
      ),
      '<img src="/media/k" alt="P"><video controls src="https://x.example/v.mp4"></video>',
    );
    const plain = '<p>No pictures at all.</p>';
    assert.equal(localizePictures(plain, local), plain);
  });
});
