import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('hashes with scrypt and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^scrypt\$N=65536,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.equal(await verifyPassword('correct horse battery staple', a), true);
    assert.equal(await verifyPassword('correct horse battery stapler', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('verifies a hash made with other parameters, and refuses a malformed or extravagant one', async () => {
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
    assert.equal(
      await verifyPassword('x', 'scrypt$N=2097152,r=8,p=1$AAAA$AAAA'),
      false,
      'too costly to check',
    );
  });

  it('asks for long passwords that do not contain the name', () => {
    assert.match(passwordProblem('short', 'ada') ?? '', /at least 12/);
    assert.match(passwordProblem('ada-is-my-password', 'ada') ?? '', /user name/);
    assert.equal(passwordProblem('a long enough passphrase', 'ada'), null);
  });
});
