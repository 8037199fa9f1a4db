import assert from 'node:assert/strict';
import { it } from 'node:test';
import { excerptOf } from './excerpt.js';

it('keeps a short text whole, as plain text', () => {
  assert.equal(excerptOf('<p>Short <b>and</b> sweet.</p>', 10), 'Short and sweet.');
});

it('cuts at the end of a sentence near the limit', () => {
  const html = '<p>One two three four five six seven. Eight nine ten eleven.</p>';
  assert.equal(excerptOf(html, 9), 'One two three four five six seven.');
});

it('cuts at a word with an ellipsis when no sentence ends near the limit', () => {
  assert.equal(excerptOf('<p>Alpha beta, gamma delta epsilon zeta</p>', 2), 'Alpha beta…');
});

it('never carries markup into the excerpt', () => {
  const text = excerptOf('<p>Safe <img src=x onerror=alert(1)> text &lt;script&gt;</p>', 50);
  assert.ok(!text.includes('<img'));
  assert.equal(text, 'Safe text <script>', 'plain text: the page escapes it when it renders');
});

it('begins with the article’s words, not a picture’s caption', () => {
  const html =
    '<figure><img src="https://x.example/a.jpg"><figcaption>Photo: the branch.</figcaption></figure><p>The council voted.</p>';
  assert.equal(excerptOf(html, 10), 'The council voted.');
  assert.equal(excerptOf('<figure><figcaption>Only a caption.</figcaption></figure>', 10), 'Only a caption.');
});
