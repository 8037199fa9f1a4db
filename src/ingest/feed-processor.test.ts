import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unpackEntries } from '../model/entry-batch.js';
import { createFeedProcessor } from './feed-processor.js';

const encode = (text: string) => new TextEncoder().encode(text);
const SMALL = encode(
  '<rss version="2.0"><channel><title>S</title><item><guid>1</guid><description>Hello</description></item></channel></rss>',
);

describe('createFeedProcessor', () => {
  it('fails only the feed that exhausts a worker, and goes on with the next', async () => {
    const errors: unknown[] = [];
    const processor = createFeedProcessor(1, { heapMb: 16, onError: (e) => errors.push(e) });
    try {
      const paragraph = `<p>${'Words and <a href="/x">links</a> and words. '.repeat(20)}</p>`;
      const huge = encode(
        `<rss version="2.0"><channel><title>H</title><item><guid>1</guid><description><![CDATA[${paragraph.repeat(8000)}]]></description></item></channel></rss>`,
      );
      const [big, next] = await Promise.all([
        processor.process({ body: huge, contentType: null, url: 'https://x.example/' }),
        processor.process({ body: SMALL, contentType: null, url: 'https://x.example/' }),
      ]);
      assert.deepEqual(big, {
        ok: false,
        code: 'parse.too-complex',
        message: 'parse: the feed needed more than 16 MB of memory to process',
      });
      assert.equal(next.ok, true, 'the feed queued behind it is processed by a new worker');
      const after = await processor.process({ body: SMALL, contentType: null, url: 'https://x.example/' });
      assert.equal(after.ok && after.feed.entries.count, 1);
    } finally {
      await processor.close();
    }
  });

  it('processes on the calling thread with no workers', async () => {
    const processor = createFeedProcessor(0);
    const result = await processor.process({ body: SMALL, contentType: null, url: 'https://x.example/' });
    assert.equal(result.ok && result.feed.title, 'S');
  });

  it('makes each entry’s search text in the worker, beside its sanitized HTML', async () => {
    const processor = createFeedProcessor(1);
    try {
      const feed = encode(
        '<rss version="2.0"><channel><title>S</title><item><guid>1</guid><description>&lt;p&gt;Ice &lt;b&gt;on&lt;/b&gt; the river&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;</description></item></channel></rss>',
      );
      const result = await processor.process({ body: feed, contentType: null, url: 'https://x.example/' });
      assert.ok(result.ok);
      assert.equal(unpackEntries(result.feed.entries)[0]?.searchText, 'Ice on the river');
    } finally {
      await processor.close();
    }
  });
});
