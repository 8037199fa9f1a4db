import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeHtml } from './index.js';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS } from './policy.js';

const base = 'https://pub.example/news/story.html';
const clean = (html: string) => sanitizeHtml(html, { base });

describe('sanitizeHtml', () => {
  const hostile: Array<[string, string]> = [
    ['script element', '<p>a</p><script>alert(1)</script>'],
    ['event handler', '<img src="x.png" onerror="alert(1)">'],
    ['javascript: link', '<a href="javascript:alert(1)">x</a>'],
    ['JAVASCRIPT: in capitals', '<a href="JAVASCRIPT:alert(1)">x</a>'],
    ['javascript: with a tab', '<a href="jav&#x09;ascript:alert(1)">x</a>'],
    ['vbscript: link', '<a href="vbscript:msgbox(1)">x</a>'],
    ['data: link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
    ['style attribute', '<p style="background:url(javascript:alert(1))">x</p>'],
    ['style element', '<style>body{display:none}</style><p>x</p>'],
    ['svg script', '<svg><script>alert(1)</script></svg>'],
    ['svg onload', '<svg onload="alert(1)"></svg>'],
    ['math link', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
    ['iframe from anywhere', '<iframe src="https://evil.example/"></iframe>'],
    ['iframe javascript', '<iframe src="javascript:alert(1)"></iframe>'],
    ['object', '<object data="x.swf"></object>'],
    ['embed', '<embed src="x.swf">'],
    ['form', '<form action="https://evil.example/"><input name="q"><button>go</button></form>'],
    ['base', '<base href="https://evil.example/">'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example/">'],
    ['srcset javascript', '<img src="a.png" srcset="javascript:alert(1) 1x">'],
  ];
  for (const [name, html] of hostile) {
    it(`removes ${name}`, () => {
      const out = clean(html).toLowerCase();
      for (const bad of [
        '<script',
        'onerror',
        'onload',
        'javascript:',
        'vbscript:',
        'style',
        '<svg',
        '<math',
        'evil.example',
        '<object',
        '<embed',
        '<form',
        '<input',
        '<base',
        '<meta',
        'data:text',
      ]) {
        assert.ok(!out.includes(bad), `input: ${html}\nexpected no "${bad}"\ngot: ${out}`);
      }
    });
  }

  it('makes URLs absolute and gives links rel', () => {
    assert.equal(
      clean('<p><a href="../other.html">o</a> <img src="/img/a.jpg" srcset="a.jpg 1x, /b.jpg 2x"></p>'),
      '<p><a href="https://pub.example/other.html" rel="noopener noreferrer nofollow">o</a> ' +
        '<img src="https://pub.example/img/a.jpg" srcset="https://pub.example/news/a.jpg 1x, https://pub.example/b.jpg 2x" loading="lazy" decoding="async" /></p>',
    );
  });

  it('promotes lazy-loaded images and drops tracking pixels', () => {
    assert.equal(
      clean(
        '<img src="data:image/gif;base64,R0lGOD" data-src="big.jpg"><img src="https://pixel.wp.com/g.gif"><img src="t.gif" width="1" height="1">',
      ),
      '<img src="https://pub.example/news/big.jpg" loading="lazy" decoding="async" />',
    );
  });

  it('keeps data: URLs only for small raster images', () => {
    const gif = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    assert.equal(
      clean(`<img src="${gif}" alt="dot">`),
      `<img src="${gif}" alt="dot" loading="lazy" decoding="async" />`,
    );
    for (const bad of [
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:image/svg+xml,<svg onload=alert(1)>',
      `data:image/png;base64,${'A'.repeat(40_000)}`,
    ]) {
      assert.equal(clean(`<img src="${bad}" alt="x">`), '', bad.slice(0, 30));
    }
  });

  it('gives links the rel the site configures, and keeps embeds from the hosts it allows', () => {
    assert.equal(
      sanitizeHtml('<a href="https://a.example/">a</a>', { base: null, linkRel: 'nofollow' }),
      '<a href="https://a.example/" rel="nofollow">a</a>',
    );
    const embed = '<iframe src="https://player.example.org/v/1"></iframe>';
    assert.equal(sanitizeHtml(embed, { base: null }), '');
    assert.match(
      sanitizeHtml(embed, { base: null, embedHosts: ['player.example.org'] }),
      /^<iframe src="https:\/\/player\.example\.org\/v\/1" sandbox=/,
    );
  });

  it('keeps allowed embeds, sandboxed', () => {
    const out = clean('<iframe src="https://www.youtube.com/embed/abc" onload="x()"></iframe>');
    assert.match(
      out,
      /^<iframe src="https:\/\/www\.youtube\.com\/embed\/abc" sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"/,
    );
    assert.ok(!out.includes('onload'));
  });

  it('keeps the article structure', () => {
    const html =
      '<h2>T</h2><p>a <strong>b</strong></p><blockquote cite="q.html"><p>q</p></blockquote><figure><img src="f.jpg" alt="F"><figcaption>Cap</figcaption></figure><table><tr><td colspan="2">c</td></tr></table>';
    const out = clean(html);
    for (const tag of [
      '<h2>',
      '<strong>',
      '<blockquote cite="https://pub.example/news/q.html">',
      '<figure>',
      'alt="F"',
      '<figcaption>',
      'colspan="2"',
    ]) {
      assert.ok(out.includes(tag), `expected ${tag} in ${out}`);
    }
  });

  it('demotes h1, since the page has its own', () => {
    assert.equal(clean('<h1>Title</h1>'), '<h2>Title</h2>');
  });

  it('keeps on every element only the attributes the allowlist names for it', () => {
    const stray = [
      'onclick',
      'onmouseover',
      'style',
      'class',
      'id',
      'data-x',
      'formaction',
      'srcdoc',
      'xlink:href',
    ];
    for (const tag of ALLOWED_TAGS) {
      const own = [...(ALLOWED_ATTRIBUTES[tag] ?? []), ...(ALLOWED_ATTRIBUTES['*'] ?? [])];
      // Attributes other elements may have are strays here too (a src on a paragraph, an href on an image).
      const borrowed = ['href', 'src', 'srcset', 'cite', 'poster', 'sandbox'].filter(
        (name) => !own.includes(name),
      );
      const attributes = [...stray, ...borrowed].map((name) => ` ${name}="https://a.example/x"`).join('');
      const out = clean(`<${tag}${attributes} ONCLICK="x()">text</${tag}>`);
      for (const name of [...stray, ...borrowed]) {
        assert.ok(!new RegExp(`\\s${name}=`, 'i').test(out), `<${tag}> kept ${name}: ${out}`);
      }
    }
  });

  it('holds each site its own rules, whatever order the calls come in', () => {
    const link = '<a href="https://a.example/">a</a>';
    const hosts = ['player.example.org'];
    for (let round = 0; round < 3; round++) {
      assert.match(sanitizeHtml(link, { base: null, linkRel: 'nofollow' }), /rel="nofollow"/);
      assert.match(sanitizeHtml(link, { base: null }), /rel="noopener noreferrer nofollow"/);
      assert.match(sanitizeHtml(link, { base: null, embedHosts: hosts, linkRel: 'ugc' }), /rel="ugc"/);
      // The base is the call's own: a later call without one leaves a relative link out.
      assert.match(clean('<a href="x.html">x</a>'), /href="https:\/\/pub\.example\/news\/x\.html"/);
      assert.equal(
        sanitizeHtml('<a href="x.html">x</a>', { base: null }),
        '<a rel="noopener noreferrer nofollow">x</a>',
      );
    }
  });
});
