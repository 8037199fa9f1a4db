import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { removeBoilerplate, removeWidgets } from './boilerplate.js';
import { parseDocument, type DomElement } from '../markup/dom.js';
import { articleText, extractArticle } from './index.js';

const prose = (n: number) =>
  `<p>Paragraph ${n} of the story goes on for a while, as articles do, with enough words in it to be read as prose by anyone who reads it, and by Readability too, which counts its commas.</p>`;

/** An article element, as Readability returns it, built from markup. */
function article(html: string): DomElement {
  const document = parseDocument(`<html><body><div id="article">${html}</div></body></html>`);
  return document.querySelector('#article')!;
}

/** What is left of an article's text after the boilerplate pass. */
function cleaned(html: string): string {
  const el = article(html);
  removeBoilerplate(el);
  return articleText(el.innerHTML);
}

describe('removeBoilerplate', () => {
  it("removes the page's furniture: continue reading, advertisement labels, comment counts, pagination", () => {
    const text = cleaned(`${prose(1)}
      <p><a href="#next">Continue reading the main story</a></p>
      <div>Advertisement</div>
      <p><a href="/comments">Comments (12 posted)</a></p>
      ${prose(2)}
      <p><a href="/page/2">Next page: Security&gt;&gt;</a></p>
      <p>Publicité</p>`);
    assert.equal(text, `${articleText(prose(1))}\n\n${articleText(prose(2))}`);
  });

  it('removes newsletter calls to action, in several languages and cases', () => {
    const text = cleaned(`${prose(1)}
      <p><span>SIGN UP</span> FOR OUR NEWSLETTER</p>
      <h2>Cities are changing fast. Keep up with the <b>Daily</b> newsletter.</h2>
      <p>Get the best of the week delivered to your inbox.</p>
      <p>Inscrivez-vous à notre newsletter quotidienne.</p>
      ${prose(2)}`);
    assert.equal(text, `${articleText(prose(1))}\n\n${articleText(prose(2))}`);
  });

  it('keeps what merely speaks of newsletters or sharing, and long paragraphs whatever they say', () => {
    const kept = [
      '<p>Many readers sign up for newsletters, studies show.</p>',
      '<p>The company said it would share the data with regulators.</p>',
      `<p>Sign up for our newsletter, the editor wrote in a long letter to readers that went on to explain at length why the paper had changed its mind about email, about readers, about advertising, about almost everything it had believed in for forty years and more.</p>`,
      '<p>Facebook</p>',
    ];
    const text = cleaned(`${prose(1)}${kept.join('')}${prose(2)}`);
    for (const html of kept) assert.ok(text.includes(articleText(html)), `kept: ${html}\n${text}`);
  });

  it('removes a call to action only as a block of its own, not as one sentence of a short article', () => {
    const short = '<div>Short news. Sign up for our newsletter. The mayor resigned on Monday.</div>';
    assert.equal(cleaned(short), 'Short news. Sign up for our newsletter. The mayor resigned on Monday.');
  });

  it('removes share bars and share buttons', () => {
    const text = cleaned(`${prose(1)}
      <ul><li><a href="https://facebook.example/">Facebook</a></li><li><a href="https://x.example/">X</a></li><li><a href="mailto:">Email</a></li></ul>
      <p>Share this article:</p>
      <p><span>转播到腾讯微博</span></p>
      ${prose(2)}`);
    assert.equal(text, `${articleText(prose(1))}\n\n${articleText(prose(2))}`);
  });

  it('removes links to other stories with their label, inline, in brackets, or as a list under a label', () => {
    const text = cleaned(`${prose(1)}
      <p><a href="/a"><span>Related: Rich are paying more in taxes</span></a></p>
      <p class="lire">Lire aussi&nbsp;: <a href="/b">Les critiques de la CNIL</a></p>
      <p><i><a href="/c">[Read: Why the museum was closed]</a></i></p>
      <p><a href="/d">[The museum's Roman treasures]</a></p>
      ${prose(2)}
      <p><em><strong>More games news:</strong></em></p>
      <ul><li><a href="/e">A review of one game</a></li><li><a href="/f">A review of another</a></li></ul>
      <p><b>Read more:</b></p>
      <p><a href="/g">One more story</a></p>
      <p></p>
      <p><a href="/h">And another story</a></p>`);
    assert.equal(text, `${articleText(prose(1))}\n\n${articleText(prose(2))}`);
  });

  it('keeps a label followed by text, a heading followed by links, and links that are the article’s', () => {
    const kept = `<p>Read more:</p><p>The rest of the argument follows here, in prose, and it is not a link at all.</p>
      <h2>See also:</h2><ul><li><a href="/x">A page the author points to</a></li></ul>
      <p>The report is <a href="/report">available online</a> in full.</p>`;
    const text = cleaned(`${prose(1)}${kept}`);
    assert.equal(text, articleText(`${prose(1)}${kept}`));
  });

  it("removes the author's box at the end with the author's photo, unless it is a large part of the article", () => {
    const box = `<div id="post-author"><figure><img src="/jo.jpg" alt="Jo"></figure><div><h4>About the author</h4><p><strong>Jo Smith</strong></p><p>Jo writes about cities.</p></div></div>`;
    const el = article(`${prose(1)}${prose(2)}${prose(3)}${box}`);
    removeBoilerplate(el);
    assert.ok(!el.innerHTML.includes('About the author'), el.innerHTML);
    assert.ok(!el.innerHTML.includes('jo.jpg'), el.innerHTML);
    assert.ok(el.innerHTML.includes('Paragraph 3'));

    // A page that is mostly about its author keeps it.
    const about = `<h2>About the author</h2>${prose(1)}${prose(2)}`;
    assert.equal(cleaned(`<p>Short intro.</p>${about}`), articleText(`<p>Short intro.</p>${about}`));
  });

  it('keeps table cells, whatever they say, and blocks that hold a picture', () => {
    const kept = `<table><tr><th>Status</th><th>Comment</th></tr><tr><td><p>new</p></td><td><p>Advertisement</p></td></tr></table>
      <div><img src="/photo.jpg" alt="A photo"><p>Share</p></div>`;
    const el = article(`${prose(1)}${kept}`);
    removeBoilerplate(el);
    assert.ok(el.innerHTML.includes('<p>Advertisement</p>'), el.innerHTML);
    assert.ok(el.innerHTML.includes('photo.jpg'), el.innerHTML);
  });
});

describe('removeWidgets', () => {
  const body = (html: string) => parseDocument(`<html><body>${html}</body></html>`);

  it('removes the newsletter boxes, share bars and comments that the markup names as such', () => {
    const document = body(`<article>${prose(1)}
      <div id="EmailOptin"><p>Sign up</p></div>
      <section class="c-newsletter c-newsletter--promo"><h2>Our daily letter</h2><label>The best way to follow</label></section>
      <div class="mbArticleShareBtn"><span>Send to a friend</span><img src="/icon.png" width="16" height="16"></div>
      ${prose(2)}${prose(3)}${prose(4)}${prose(5)}</article>
      <section id="comments"><h3>2 comments</h3><ol class="comment-list"><li>${prose(6)}</li></ol></section>`);
    assert.equal(removeWidgets(document), 4);
    const text = articleText(document.body!.innerHTML);
    for (const gone of ['Sign up', 'Our daily letter', 'Send to a friend', '2 comments', 'Paragraph 6']) {
      assert.ok(!text.includes(gone), `removed: ${gone}\n${text}`);
    }
    assert.ok(text.includes('Paragraph 5'));
  });

  it('keeps a widget that holds a picture, a long paragraph or much of the page: it may be the article', () => {
    const document = body(`
      <div class="mbArticleSharePic"><img src="/photo.jpg" alt="The photo of the story"></div>
      <div class="share-enabled">${prose(1)}${prose(2)}</div>
      <div class="newsletter-issue"><p>${'This issue of the letter has a long paragraph of its own, which is its content. '.repeat(5)}</p></div>
      <article class="comments-open">${prose(3)}</article>`);
    assert.equal(removeWidgets(document), 0);
  });
});

describe('extractArticle, boilerplate', () => {
  it('republishes the article without the boilerplate Readability keeps in it', () => {
    const html = `<!doctype html><html><head><title>The story</title></head><body>
      <article><h1>The story</h1>${prose(1)}
      <div class="newsletter-wrapper"><p>Sign up for <b>Command Line</b>, a weekly letter. Your first month is free!</p>
      <div><h2>Monthly</h2><p>$7/month</p></div></div>
      ${prose(2)}<p><a href="/x">Related: Another story of the site</a></p>${prose(3)}
      <p><a href="#more">Continue reading the main story</a></p></article>
      <section id="comments"><h3>Comments</h3><p>${'A reader wrote at length, with opinions. '.repeat(4)}</p></section>
      </body></html>`;
    const text = articleText(extractArticle(html, { url: 'https://news.example/story' }).html);
    for (const n of [1, 2, 3]) assert.ok(text.includes(`Paragraph ${n}`), text);
    for (const gone of ['Command Line', '$7/month', 'Related:', 'Continue reading', 'A reader wrote']) {
      assert.ok(!text.includes(gone), `removed: ${gone}\n${text}`);
    }
  });
});
