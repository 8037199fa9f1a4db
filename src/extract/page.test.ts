import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/support/http.js';
import { Fetcher, RobotsRules } from '../fetch/index.js';
import { ExtractError } from './extract.js';
import { fetchPage } from './page.js';

const UA = 'courtesy/1.0 (Test; +https://site.example/)';

describe('fetchPage', () => {
  let site: TestServer;
  let other: TestServer;
  let fetcher: Fetcher;
  let robots: RobotsRules;

  before(async () => {
    other = await startTestServer((req, res) => {
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('User-agent: courtesy\nDisallow: /\n');
        return;
      }
      res.end('<p>Elsewhere</p>');
    });
    site = await startTestServer((req, res) => {
      switch (req.url) {
        case '/robots.txt':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('User-agent: *\nDisallow: /members/\n');
          return;
        case '/latin1.html':
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end(
            Buffer.from(
              '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 \x93quoted\x94</p></body></html>',
              'latin1',
            ),
          );
          return;
        case '/report.pdf':
          res.writeHead(200, { 'content-type': 'application/pdf' });
          res.end('%PDF-1.7');
          return;
        case '/moved.html':
          res.writeHead(302, { location: `${other.url}/story.html` });
          res.end();
          return;
        default:
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<p>Page ${req.url} for ${req.headers['user-agent']} wanting ${req.headers.accept}</p>`);
      }
    });
    fetcher = new Fetcher({ userAgent: UA, allowPrivateNetworks: true });
    robots = new RobotsRules(fetcher, UA);
  });
  after(async () => {
    await fetcher.close();
    await Promise.all([site.close(), other.close()]);
  });

  it('fetches a page as HTML, and decodes it by its meta charset', async () => {
    const page = await fetchPage(fetcher, robots, `${site.url}/news/1.html`);
    assert.equal(page.url, `${site.url}/news/1.html`);
    assert.match(page.html, /Page \/news\/1\.html for courtesy\/1\.0 .* wanting text\/html/);
    assert.match((await fetchPage(fetcher, robots, `${site.url}/latin1.html`)).html, /Café “quoted”/);
  });

  const refused = async (url: string, code: string, message: RegExp) =>
    assert.rejects(
      () => fetchPage(fetcher, robots, url),
      (error: unknown) => error instanceof ExtractError && error.code === code && message.test(error.message),
    );

  it('does not fetch what robots.txt keeps from courtesy, also after a redirect to another site', async () => {
    await refused(`${site.url}/members/story.html`, 'extract.robots', /robots\.txt does not allow courtesy/);
    await refused(`${site.url}/moved.html`, 'extract.robots', new RegExp(`${other.url}/story.html`));
  });

  it('refuses what is not an HTML page', async () => {
    await refused(`${site.url}/report.pdf`, 'extract.not-html', /application\/pdf, not an HTML page/);
  });
});
