import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverPush } from './discover.js';

const FEED = 'https://news.example/feed.xml';

describe('discoverPush', () => {
  it('takes the hubs and rel=self from the document, resolved against the feed URL', () => {
    assert.deepEqual(
      discoverPush(
        { hubs: ['https://hub.example/', '/hub'], self: 'https://news.example/self.xml' },
        null,
        FEED,
      ),
      {
        hubs: ['https://hub.example/', 'https://news.example/hub'],
        topic: 'https://news.example/self.xml',
      },
    );
  });

  it('uses the fetched URL as the topic when the feed states no rel=self', () => {
    assert.equal(discoverPush({ hubs: ['https://hub.example/'], self: null }, null, FEED)?.topic, FEED);
  });

  it('prefers HTTP Link headers, including several rels in one link and several headers joined', () => {
    const header =
      '<https://hub.one/>; rel="hub", </canonical.xml>; rel="self alternate", <https://hub.two/>; rel=hub';
    assert.deepEqual(discoverPush({ hubs: ['https://doc-hub.example/'], self: null }, header, FEED), {
      hubs: ['https://hub.one/', 'https://hub.two/', 'https://doc-hub.example/'],
      topic: 'https://news.example/canonical.xml',
    });
  });

  it('is null without a hub, and ignores hubs that are not http(s) or a Link header it cannot read', () => {
    assert.equal(discoverPush({ hubs: [], self: FEED }, null, FEED), null);
    assert.equal(discoverPush({ hubs: ['javascript:alert(1)', 'mailto:x@y'], self: null }, null, FEED), null);
    assert.equal(discoverPush({ hubs: [], self: null }, '<<<not a link header', FEED), null);
  });
});
