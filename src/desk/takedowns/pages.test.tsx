import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../config/index.js';
import { AuditPage } from './pages.js';

const session = {
  user: {
    id: 1,
    name: 'ada',
    role: 'admin' as const,
    createdAt: new Date(0),
    failedLogins: 0,
    lockedUntil: null,
    lastLoginAt: null,
  },
  csrfToken: 'token',
  expiresAt: new Date(0),
};

it('says so when the audit log is empty, rather than showing a bare table', async () => {
  const site = loadConfig({ dataDir: '/nonexistent' }, {}).site;
  const empty = String(await (<AuditPage site={site} session={session} lines={[]} />));
  assert.match(empty, /<p>Nothing has been logged yet\.<\/p>/);
  assert.doesNotMatch(empty, /<table/);
  const one = String(
    await (
      <AuditPage
        site={site}
        session={session}
        lines={[
          { id: 1, at: new Date('2026-12-03T12:00:00Z'), actor: 'ada', action: 'hide', detail: 'entry 4' },
        ]}
      />
    ),
  );
  assert.match(one, /2026-12-03 12:00:00 UTC/);
  assert.match(one, /data-label="What">hide</);
});
