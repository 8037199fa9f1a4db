import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { BodyLease, CapBuffers, readBody, type BodyLimits } from './body.js';
import { FetchError } from './errors.js';
import { ByteBudget } from './host-limits.js';
import { collectYoungGarbage } from './young-garbage.js';

const KB = 1024;
const LIMITS: BodyLimits = {
  maxBodyBytes: 256 * KB,
  largeBodyBytes: 32 * KB,
  minBytesPerSecond: 0,
  slowBodyGraceMs: 1000,
};

/** `count` chunks of `size` bytes, each of its own byte value, as the network would hand them. */
function chunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251));
}

function read(parts: Buffer[], buffers: CapBuffers, announced: number | null = null): Promise<Buffer> {
  const lease = new BodyLease(new ByteBudget(2 * LIMITS.maxBodyBytes), buffers);
  return readBody(Readable.from(parts), announced, new AbortController().signal, LIMITS, lease).finally(() =>
    lease.release(),
  );
}

describe('readBody', () => {
  it('reads a small body of unknown length from its chunks, lending it no buffer', async () => {
    const buffers = new CapBuffers(LIMITS.maxBodyBytes);
    const parts = chunks(3, 4 * KB);
    const body = await read(parts, buffers);
    assert.deepEqual(body, Buffer.concat(parts));
    assert.equal(buffers.kept, 0);
  });

  it('reads a large body of unknown length through a lent buffer, and gives back a copy of its size', async () => {
    const buffers = new CapBuffers(LIMITS.maxBodyBytes);
    const parts = chunks(20, 10 * KB); // 200 KB: past largeBodyBytes, within the cap
    const body = await read(parts, buffers);
    assert.deepEqual(body, Buffer.concat(parts));
    assert.equal(body.length, 200 * KB);
    assert.equal(body.buffer.byteLength < LIMITS.maxBodyBytes, true, 'not a view of the cap-sized buffer');
    assert.equal(buffers.kept, 1, 'the lent buffer came back');
    // The next large body reuses that buffer; the first body's bytes are its own.
    const others = chunks(20, 10 * KB).reverse();
    const second = await read(others, buffers);
    assert.deepEqual(second, Buffer.concat(others));
    assert.deepEqual(body, Buffer.concat(parts));
    assert.equal(buffers.kept, 1);
  });

  it('refuses a body of unknown length past the cap, and still gets its lent buffer back', async () => {
    const buffers = new CapBuffers(LIMITS.maxBodyBytes);
    await assert.rejects(
      read(chunks(40, 10 * KB), buffers),
      (error: unknown) => error instanceof FetchError && error.code === 'fetch.too-large',
    );
    assert.equal(buffers.kept, 1);
  });

  it('reads an announced body into a buffer of its length', async () => {
    const buffers = new CapBuffers(LIMITS.maxBodyBytes);
    const parts = chunks(10, 10 * KB);
    const body = await read(parts, buffers, 100 * KB);
    assert.deepEqual(body, Buffer.concat(parts));
    assert.equal(buffers.kept, 0);
  });
});

describe('CapBuffers', () => {
  it('lends the same buffer again while it is used, and lets go of it once idle', async () => {
    const buffers = new CapBuffers(64 * KB, 30);
    const first = buffers.take();
    assert.equal(first.length, 64 * KB);
    buffers.give(first);
    assert.equal(buffers.take(), first);
    buffers.give(first);
    assert.equal(buffers.kept, 1);
    await sleep(80);
    assert.equal(buffers.kept, 0);
    assert.notEqual(buffers.take(), first);
  });
});

describe('collectYoungGarbage', () => {
  it('gives back the memory of dead buffers', () => {
    collectYoungGarbage();
    const before = process.memoryUsage().arrayBuffers;
    // As a large body's chunks are: allocated, copied out, and dropped.
    for (let i = 0; i < 320; i++) Buffer.alloc(64 * KB, i);
    collectYoungGarbage();
    // V8 frees what a collection found dead on a helper thread, and at the latest when the next
    // one starts: the second call makes sure of it here.
    collectYoungGarbage();
    const left = process.memoryUsage().arrayBuffers - before;
    assert.ok(left < 4 * 1024 * KB, `${(left / 1024 / 1024).toFixed(1)} MB of 20 MB of dead buffers left`);
  });
});
