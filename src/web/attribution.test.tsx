import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_ATTRIBUTION } from '../config/index.js';
import { Attribution, parseAttribution } from './attribution.js';

const values = { author: 'Rosa <Park>', source: 'Ledger', site: 'My Site', title: 'A [title](takedown)' };
const targets = {
  original: 'https://ledger.example/a?x=1&y=2',
  source_site: 'https://ledger.example/',
  takedown: '/takedown',
};

it('splits a template into text and links to named targets only', () => {
  assert.deepEqual(
    parseAttribution('By {author}: [read]( original) [read](original) [x](https://evil.example)', values),
    [
      { kind: 'text', text: 'By Rosa <Park>: [read]( original) ' },
      { kind: 'link', target: 'original', text: 'read' },
      { kind: 'text', text: ' [x](https://evil.example)' },
    ],
  );
});

it('does not let a placeholder value become a link', () => {
  const parts = parseAttribution('{title}', values);
  assert.deepEqual(parts, [{ kind: 'text', text: 'A [title](takedown)' }]);
});

it('renders the default text escaped, with live links to the original, the host site and the takedown page', async () => {
  const html = String(
    await (<Attribution template={DEFAULT_ATTRIBUTION} values={values} targets={targets} />),
  );
  assert.ok(html.includes('Author: Rosa &lt;Park&gt;.'));
  assert.ok(
    html.includes(
      '<a href="https://ledger.example/a?x=1&amp;y=2" rel="noopener" class="attribution-original">Click this link for the original source of this article.</a>',
    ),
  );
  assert.ok(
    html.includes(
      'courtesy of, and owned and copyrighted by, <a href="https://ledger.example/" rel="noopener" class="attribution-source-site">Ledger</a> and its author.',
    ),
  );
  assert.ok(html.includes('please use our <a href="/takedown">takedown page</a>.'));
});

it('renders a link without a target as plain text', async () => {
  const html = String(
    await (
      <Attribution template="[Original](original)" values={values} targets={{ ...targets, original: null }} />
    ),
  );
  assert.ok(html.includes('<p>Original</p>'));
});
