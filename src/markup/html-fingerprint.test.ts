import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  htmlFingerprint,
  htmlParagraphHashes,
  packedHtmlFingerprint,
  textAndPrint,
} from './html-fingerprint.js';
import { htmlToText } from './html-text.js';
import { hashText, similarity } from '../model/fingerprint.js';

describe('the fingerprint of HTML', () => {
  it('reads each paragraph’s words, whatever ends it', () => {
    assert.deepEqual(
      htmlParagraphHashes(
        '<p>Café <b>Cr</b>ème</p><p>Two</p ><br>three<li>four &amp; five</li><!-- <p>no</p> --><script>x</script><div>six</div>',
      ),
      hashText([['cafe', 'creme'], ['two'], ['three', 'four', 'five'], ['six']]),
    );
    assert.deepEqual(htmlParagraphHashes(null), []);
  });

  it('gives the same text the same fingerprint under other markup, and paragraphs moved', () => {
    const paragraphs = Array.from(
      { length: 4 },
      (_, i) =>
        `Paragraph ${i} of the story says something of its own about the river bridge, word ${i * 7}.`,
    );
    const a = htmlFingerprint(paragraphs.map((p) => `<p>${p}</p>`).join(''))!;
    const b = htmlFingerprint(
      [2, 0, 3, 1].map((i) => `<div class="x"><span>${paragraphs[i]!}</span></div>`).join('\n'),
    )!;
    assert.equal(similarity(a.signature, b.signature), 1);
    assert.equal(a.shingles, b.shingles);
    assert.equal(htmlFingerprint('<p>Too short.</p>'), null);
  });

  it('makes the text htmlToText makes, and the same fingerprint, from one reading', () => {
    for (const html of [
      '<p>One <b>bold</b> word</p><p>Two&nbsp;&amp; three</p><br/>four<div>five <i>six</i></div>',
      '<h2>Head</h2>\n<ul><li>a</li><li>b</li></ul><!-- c --><script>no</script>tail',
      '',
    ]) {
      const both = textAndPrint(html);
      assert.equal(both.text, htmlToText(html), html);
      assert.deepEqual(both.print, packedHtmlFingerprint(html));
    }
    const long = Array.from({ length: 50 }, (_, i) => `<p>word${i} ${i}</p>`).join('');
    assert.ok(textAndPrint(long).print);
    assert.deepEqual(textAndPrint(long).print, packedHtmlFingerprint(long));
  });
});
