import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutImage } from './html-images.js';

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
