import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlToText } from './text.js';

describe('htmlToText', () => {
  it('joins the words around inline elements as a reader sees them', () => {
    assert.equal(
      htmlToText('<p>Skaters on <a href="/x">anchor ice</a>, needs <em>care</em>.</p>'),
      'Skaters on anchor ice, needs care.',
    );
    assert.equal(htmlToText('<b>re</b>turn of the <span class="x">“tide”</span>!'), 'return of the “tide”!');
  });

  it('separates words at block elements and line breaks', () => {
    assert.equal(
      htmlToText('<h2>Tides</h2><p>High</p><p>Low<br>again</p><ul><li>one</li><li>two</li></ul>'),
      'Tides High Low again one two',
    );
    assert.equal(htmlToText('<td>a</td><td>b</td>'), 'a b');
  });

  it('leaves out what is never shown, and decodes entities once', () => {
    assert.equal(
      htmlToText('<style>p{}</style>Fish &amp; chips<!-- note --><script>alert(1)</script> &lt;b&gt;'),
      'Fish & chips <b>',
    );
  });

  it('folds every kind and run of white space into one space', () => {
    assert.equal(
      htmlToText(' <p>a \n b</p>\t<p>c&nbsp;d&#x2003;&#x2003;e\u3000f</p>\r\n<p>g  h\fi</p> '),
      'a b c d e f g h i',
    );
    assert.equal(htmlToText('one two'), 'one two');
  });
});
