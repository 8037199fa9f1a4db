import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courtesy-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const withFile = (toml: string) => {
    writeFileSync(join(dir, 'courtesy.toml'), toml);
    return loadConfig({ dataDir: dir }, {});
  };
  const rejects = (toml: string, message: RegExp) =>
    assert.throws(
      () => withFile(toml),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );

  it('applies defaults and derives the base URL from host and port', () => {
    const config = loadConfig({ dataDir: join(dir, 'none'), port: 9000 }, {});
    assert.equal(config.site.baseUrl, 'http://127.0.0.1:9000');
    assert.equal(config.site.searchEngines, 'both');
    assert.equal(config.poll.perHostConcurrency, 2);
    assert.equal(config.poll.maxBodyBytes, 10 * 1024 * 1024);
    assert.equal(config.poll.allowPrivateNetworks, false);
    assert.equal(config.databaseUrl, `sqlite:${join(dir, 'none', 'courtesy.sqlite')}`);
  });

  it('reads the file, resolves relative source URLs, and lets the environment override', () => {
    writeFileSync(
      join(dir, 'courtesy.toml'),
      '[site]\nbase_url = "https://news.example/"\n[[sources]]\nurl = "/samples/a.xml"\npolicy = "link"\nattribution = "From {source}."\n',
    );
    const config = loadConfig(
      { dataDir: dir },
      { COURTESY_ALLOW_PRIVATE_NETWORKS: '1', DATABASE_URL: 'sqlite::memory:' },
    );
    assert.equal(config.site.baseUrl, 'https://news.example');
    assert.deepEqual(config.sources, [
      {
        key: '/samples/a.xml',
        url: 'https://news.example/samples/a.xml',
        name: null,
        policy: 'link',
        fullText: false,
        attribution: 'From {source}.',
        searchEngines: null,
      },
    ]);
    assert.equal(config.poll.allowPrivateNetworks, true);
    assert.equal(config.databaseUrl, 'sqlite::memory:');
  });

  it('reads the [websub] section into seconds and milliseconds', () => {
    assert.deepEqual(loadConfig({ dataDir: join(dir, 'none') }, {}).websub, {
      enabled: true,
      leaseSeconds: 7 * 86_400,
      fallbackIntervalMs: 12 * 3_600_000,
    });
    const config = withFile('[websub]\nenabled = false\nlease_days = 0.5\nfallback_interval_minutes = 90\n');
    assert.deepEqual(config.websub, { enabled: false, leaseSeconds: 43_200, fallbackIntervalMs: 5_400_000 });
    rejects('[websub]\nlease_days = 0\n', /websub\.lease_days/);
  });

  it('names the key of a bad value', () =>
    rejects('[site]\nbase_url = "news.example"\n', /site\.base_url must be an absolute http/));
  it('names an unknown key', () =>
    rejects('[poll]\nintervl_minutes = 5\n', /unknown key poll\.intervl_minutes/));
  it('rejects a bad policy', () =>
    rejects('[[sources]]\nurl = "https://x.example/f"\npolicy = "all"\n', /sources\.0\.policy/));
  it('rejects crossed interval bounds', () =>
    rejects(
      '[poll]\nmin_interval_minutes = 100\nmax_interval_minutes = 10\n',
      /poll\.min_interval_minutes \(100\) is more than/,
    ));
  it('rejects invalid TOML with its position', () => rejects('[site\nname = 1', /is not valid TOML/));
  it('rejects a --config file that does not exist', () =>
    assert.throws(() => loadConfig({ config: join(dir, 'missing.toml') }, {}), /does not exist/));
});
