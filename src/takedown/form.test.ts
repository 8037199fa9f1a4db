import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCounterForm, checkRequestForm, type FormFields } from './form.js';

const valid: FormFields = {
  name: 'Ada Lovelace',
  email: 'ada@example.org',
  capacity: 'author',
  scope: 'article',
  urls: 'https://example.org/a\r\n  https://example.org/b  \nhttps://example.org/a',
  message: 'Please remove these.',
  good_faith: 'yes',
  accurate: 'yes',
  authorized: 'yes',
  signature: '  ada   LOVELACE ',
};

describe('the takedown request form', () => {
  it('reads a complete request, one address per line, without repeats', () => {
    const checked = checkRequestForm(valid);
    assert.ok(checked.ok);
    assert.deepEqual(checked.value.urls, ['https://example.org/a', 'https://example.org/b']);
    assert.equal(checked.value.author, null, 'the author field only counts for author requests');
    assert.equal(checked.value.signature, 'ada LOVELACE');
  });

  it('names every field that is wrong, and why', () => {
    const checked = checkRequestForm({ name: '', email: 'nope', urls: 'ftp://x', signature: 'Someone' });
    assert.equal(checked.ok, false);
    if (checked.ok) return;
    assert.deepEqual(Object.keys(checked.errors).sort(), [
      'capacity',
      'email',
      'name',
      'scope',
      'statements',
      'urls',
    ]);
    assert.match(checked.errors.email!, /“nope” does not look like an email address/);
    assert.match(checked.errors.urls!, /“ftp:\/\/x” is not a web address/);
    assert.equal(checked.errors.signature, undefined, 'a signature is compared once there is a name');
  });

  it('names a bad address line as it was written', () => {
    const checked = checkRequestForm({ ...valid, urls: 'https://news.example/a\nnot a url\n' });
    assert.equal(checked.ok, false);
    if (checked.ok) return;
    assert.match(checked.errors.urls!, /^“not a url” is not a web address/);
  });

  it('asks for the author of an author request, and a signature that matches the name', () => {
    const checked = checkRequestForm({ ...valid, scope: 'author', signature: 'A. L.' });
    assert.equal(checked.ok, false);
    if (checked.ok) return;
    assert.match(checked.errors.author!, /author’s name/);
    assert.match(checked.errors.signature!, /exactly as you gave it/);
  });

  it('refuses an unconfirmed statement, a value outside the choices, and too many addresses', () => {
    const many = Array.from({ length: 51 }, (_, i) => `https://example.org/${i}`).join('\n');
    const checked = checkRequestForm({ ...valid, accurate: undefined, capacity: 'lawyer', urls: many });
    assert.equal(checked.ok, false);
    if (checked.ok) return;
    assert.ok(checked.errors.statements);
    assert.ok(checked.errors.capacity);
    assert.match(checked.errors.urls!, /at most 50 addresses/);
  });

  it('removes control characters and bidirectional overrides, and keeps the message’s lines', () => {
    const checked = checkRequestForm({
      ...valid,
      name: 'Ada\u0000 Lovelace\u202e',
      message: 'one\r\ntwo\u0007',
    });
    assert.ok(checked.ok);
    assert.equal(checked.value.name, 'Ada Lovelace', 'no bidirectional override either');
    assert.equal(checked.value.message, 'one\ntwo');
  });
});

describe('the counter-notice form', () => {
  const counter: FormFields = {
    reference: ' td–0abc1234 ',
    name: 'Bob Writer',
    email: 'bob@example.net',
    address: '1 Main Street\nSpringfield',
    explanation: 'I hold the rights.',
    mistake: 'yes',
    jurisdiction: 'yes',
    signature: 'Bob Writer',
  };

  it('reads a reference as people type it', () => {
    const checked = checkCounterForm(counter);
    assert.ok(checked.ok);
    assert.equal(checked.value.reference, 'TD-0ABC1234');
  });

  it('needs the address, the explanation and both statements', () => {
    const checked = checkCounterForm({
      ...counter,
      address: ' ',
      explanation: '',
      jurisdiction: undefined,
      reference: 'x',
    });
    assert.equal(checked.ok, false);
    if (checked.ok) return;
    assert.deepEqual(Object.keys(checked.errors).sort(), [
      'address',
      'explanation',
      'reference',
      'statements',
    ]);
  });
});
