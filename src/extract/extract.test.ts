import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { articleText, extractArticle, ExtractError, MAX_ELEMENTS } from './index.js';

const URL = 'https://news.example/2026/12/story.html';

const paragraph = (n: number) =>
  `<p>Paragraph ${n} of the story, which goes on for a while, as articles do, with enough words in it to be read as prose by anyone, and by Readability too.</p>`;

/** An article page as news sites make them: navigation, share bar, the article, related links, comments. */
const page = (article: string, extra = '') => `<!doctype html>
<html lang="en"><head><title>The story | News</title>
<meta property="og:title" content="The story">
<meta name="author" content="Jo Smith">
<script>window.tracking = true</script></head>
<body>
<nav class="menu"><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<div class="share-bar"><a href="https://social.example/share">Share</a> <a href="mailto:?body=x">Mail</a></div>
<article class="post">
<h1>The story</h1>
${article}
</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Another story</a></li><li><a href="/b">And another</a></li></ul></aside>
<section id="comments"><h3>Comments</h3><p>First!</p></section>
${extra}
<footer>© News</footer>
</body></html>`;

const rich = `
${paragraph(1)}
<h2>A heading</h2>
${paragraph(2)}
<figure><img src="/img/photo.jpg" srcset="/img/photo-2x.jpg 2x" alt="A photo"><figcaption>The caption</figcaption></figure>
<ul><li>First point of the list</li><li>Second point of the list</li></ul>
<blockquote><p>A quotation from someone who said something.</p></blockquote>
<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="lazy/chart.png" alt="A chart"></p>
<table><tr><th>Year</th><th>Votes</th></tr><tr><td>2026</td><td>1,234</td></tr></table>
${paragraph(3)}
<p onclick="alert(1)">Clicked <a href="javascript:alert(2)">here</a> <script>alert(3)</script>and <a href="other.html">there</a>.</p>
${paragraph(4)}`;

describe('extractArticle', () => {
  it('keeps the article with its headings, figures, lists, quotes, tables and images, and drops the rest', () => {
    const out = extractArticle(page(rich), { url: URL });
    assert.equal(out.method, 'readability');
    assert.equal(out.title, 'The story');
    for (const kept of [
      'Paragraph 1',
      'Paragraph 4',
      '<h2>A heading</h2>',
      '<figcaption>The caption</figcaption>',
      '<li>First point of the list</li>',
      '<blockquote>',
      '<th>Year</th>',
      'src="https://news.example/img/photo.jpg"',
      'srcset="https://news.example/img/photo-2x.jpg 2x"',
      'src="https://news.example/2026/12/lazy/chart.png"',
      'href="https://news.example/2026/12/other.html"',
    ]) {
      assert.ok(out.html.includes(kept), `kept: ${kept}\n${out.html}`);
    }
    for (const dropped of [
      'World',
      'Share',
      'Another story',
      'First!',
      '©',
      'alert',
      'onclick',
      'javascript:',
      'script',
    ]) {
      assert.ok(!out.html.includes(dropped), `dropped: ${dropped}\n${out.html}`);
    }
    assert.ok(out.length > 500);
  });

  it('resolves links against the page’s own <base>', () => {
    const out = extractArticle(
      page(
        `${paragraph(1)}${paragraph(2)}<p>See <a href="notes.html">the notes</a>.</p>${paragraph(3)}`,
      ).replace('<head>', '<head><base href="https://cdn.news.example/base/">'),
      { url: URL },
    );
    assert.ok(out.html.includes('href="https://cdn.news.example/base/notes.html"'), out.html);
  });

  it('takes the article from the source’s selector, after its remove rules', () => {
    const html = page(
      `<div class="body">${paragraph(1)}<div class="newsletter">Sign up for our newsletter</div>${paragraph(2)}</div>`,
    );
    const out = extractArticle(html, { url: URL, selector: 'article .body', remove: ['.newsletter'] });
    assert.equal(out.method, 'selector');
    assert.equal(out.title, 'The story');
    assert.equal(out.byline, 'Jo Smith');
    assert.match(out.html, /Paragraph 1[\s\S]*Paragraph 2/);
    assert.ok(!out.html.includes('newsletter'));
    assert.ok(!out.html.includes('<h1>'), 'only what the selector names');
  });

  it('says why when there is nothing worth republishing', () => {
    const fails = (
      html: string,
      options: Partial<Parameters<typeof extractArticle>[1]>,
      code: string,
      message: RegExp,
    ) =>
      assert.throws(
        () => extractArticle(html, { url: URL, ...options }),
        (error: unknown) =>
          error instanceof ExtractError && error.code === code && message.test(error.message),
      );
    fails('<html><body><script>1</script></body></html>', {}, 'extract.empty', /no article text/);
    const links = Array.from(
      { length: 40 },
      (_, i) => `<li><a href="/s/${i}">Story number ${i} of today</a></li>`,
    );
    fails(`<html><body><ul>${links.join('')}</ul></body></html>`, {}, 'extract.mostly-links', /link text/);
    fails(
      page(paragraph(1)),
      { feedHtml: [1, 2, 3, 4, 5, 6].map(paragraph).join('') },
      'extract.too-short',
      /much shorter than the feed/,
    );
    fails(page(rich), { selector: '.nothing-here' }, 'extract.no-match', /matches nothing/);
    fails(page(rich), { selector: 'div[' }, 'extract.bad-selector', /not a valid CSS selector/);
    fails(page(rich), { remove: ['::nope('] }, 'extract.bad-selector', /remove rule/);
    fails(
      `<html><body>${'<i></i>'.repeat(MAX_ELEMENTS + 1)}</body></html>`,
      {},
      'extract.too-large',
      /elements/,
    );
  });

  it('is not fooled into keeping a teaser when the feed had more', () => {
    const feedHtml = [1, 2].map(paragraph).join('');
    const out = extractArticle(page(rich), { url: URL, feedHtml });
    assert.ok(out.length > 300);
  });
});

describe('articleText', () => {
  it('reads HTML as paragraphs apart by a blank line', () => {
    assert.equal(
      articleText(
        '<h2>Title</h2><p>One  <b>two</b>\n three.</p><ul><li>a</li><li>b</li></ul><p>Line<br>break</p>',
      ),
      'Title\n\nOne two three.\n\na\n\nb\n\nLine\nbreak',
    );
  });
});
