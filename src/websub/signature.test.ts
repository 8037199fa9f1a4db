import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkSignature } from './signature.js';

const body = new TextEncoder().encode('<feed>pushed</feed>');
const sign = (method: string, key = 'secret') =>
  `${method}=${createHmac(method, key).update(body).digest('hex')}`;

describe('checkSignature', () => {
  it('accepts each method the spec names, in either case', () => {
    for (const method of ['sha1', 'sha256', 'sha384', 'sha512']) {
      assert.deepEqual(checkSignature('secret', body, sign(method)), { ok: true }, method);
    }
    assert.deepEqual(
      checkSignature('secret', body, sign('sha256').toUpperCase().replace('SHA256', 'sha256')),
      {
        ok: true,
      },
    );
  });

  it('refuses a signature made with another key, over another body, or cut short', () => {
    assert.equal(checkSignature('other', body, sign('sha256')).ok, false);
    assert.equal(
      checkSignature('secret', new TextEncoder().encode('<feed>forged</feed>'), sign('sha256')).ok,
      false,
    );
    assert.equal(checkSignature('secret', body, sign('sha256').slice(0, -2)).ok, false);
  });

  it('says what is wrong with a header it cannot use', () => {
    const reason = (header: string | null) => {
      const check = checkSignature('secret', body, header);
      return check.ok ? null : check.reason;
    };
    assert.equal(reason(null), 'the push had no X-Hub-Signature header');
    assert.equal(reason('deadbeef'), 'the X-Hub-Signature header is not "method=hexdigest"');
    assert.equal(reason('md5=deadbeef'), 'the push was signed with unsupported md5');
    assert.equal(reason(sign('sha256', 'x')), 'the push signature does not match the subscription secret');
  });
});
