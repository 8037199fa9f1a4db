import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { Fetcher } from './fetcher.js';
import { RobotsRules } from './robots.js';

const UA = 'courtesy/1.0 (Test site; +https://site.example/)';

describe('RobotsRules', () => {
  let server: TestServer;
  let fetcher: Fetcher;
  /** What robots.txt answers now. */
  let answer: { status: number; body?: string } = { status: 404 };
  let robotsFetches = 0;

  before(async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/robots.txt') {
        robotsFetches++;
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body ?? '');
        return;
      }
      res.end('page');
    });
    fetcher = new Fetcher({ userAgent: UA, allowPrivateNetworks: true });
  });
  after(async () => {
    await fetcher.close();
    await server.close();
  });

  // robots.txt lives at the root of an origin; each case runs on a host name of its own.
  const hosts = ['localhost', '127.0.0.1'];
  const at = (host: string, path: string) => `${server.url.replace('127.0.0.1', host)}${path}`;

  it('follows the rules for courtesy, reads Crawl-delay, asks once a day, and shares one fetch', async () => {
    answer = {
      status: 200,
      body: [
        'User-agent: *',
        'Disallow: /',
        '',
        'User-agent: courtesy',
        'Disallow: /private/',
        'Allow: /private/open.html',
        'Crawl-delay: 5',
      ].join('\n'),
    };
    let now = 1_000_000;
    const robots = new RobotsRules(fetcher, UA, () => now);
    const before = robotsFetches;
    const [a, b] = await Promise.all([
      robots.check(at(hosts[0]!, '/news/story.html')),
      robots.check(at(hosts[0]!, '/private/secret.html')),
    ]);
    assert.equal(a.allowed, true);
    assert.equal(a.crawlDelaySeconds, 5);
    assert.equal(b.allowed, false);
    assert.equal((await robots.check(at(hosts[0]!, '/private/open.html'))).allowed, true);
    assert.equal(robotsFetches - before, 1, 'one fetch for all three');
    now += 25 * 60 * 60 * 1000;
    await robots.check(at(hosts[0]!, '/news/story.html'));
    assert.equal(robotsFetches - before, 2, 'asked again after a day');
  });

  it('allows everything when robots.txt is missing (4xx), and nothing while it cannot be read (5xx)', async () => {
    answer = { status: 404 };
    const robots = new RobotsRules(fetcher, UA);
    const missing = await robots.check(at(hosts[1]!, '/story.html'));
    assert.equal(missing.allowed, true);
    assert.match(missing.basis, /answered 404/);

    answer = { status: 503 };
    const down = await new RobotsRules(fetcher, UA).check(at(hosts[1]!, '/story.html'));
    assert.equal(down.allowed, false);
    assert.match(down.basis, /could not be read .*nothing is fetched/);
  });
});
