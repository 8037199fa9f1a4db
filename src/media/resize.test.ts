import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { declaredPng, testImage } from '../../test/support/images.js';
import { errorCode } from '../model/errors.js';
import { resizeImage } from './resize.js';

async function refused(bytes: Uint8Array): Promise<string | null> {
  try {
    await resizeImage(bytes);
    return null;
  } catch (error) {
    return errorCode(error);
  }
}

describe('resizeImage', () => {
  it('makes a WebP and a JPEG at each width the pages use, no wider than the original', async () => {
    const copies = await resizeImage(await testImage(1600, 900));
    assert.deepEqual(
      copies.map((c) => [c.width, c.format, c.pixelWidth, c.pixelHeight]),
      [
        [480, 'webp', 480, 270],
        [480, 'jpg', 480, 270],
        [960, 'webp', 960, 540],
        [960, 'jpg', 960, 540],
      ],
    );
    const webp = await sharp(copies[0]!.data).metadata();
    const jpeg = await sharp(copies[1]!.data).metadata();
    assert.equal(webp.format, 'webp');
    assert.equal(jpeg.format, 'jpeg');
    assert.ok(
      copies.every((c) => c.data.byteLength < 60_000),
      'copies are small',
    );
  });

  it('keeps a small original at its own width, once', async () => {
    const copies = await resizeImage(await testImage(600, 400, 'png'));
    assert.deepEqual(
      copies.map((c) => [c.width, c.format, c.pixelWidth]),
      [
        [480, 'webp', 480],
        [480, 'jpg', 480],
        [960, 'webp', 600],
        [960, 'jpg', 600],
      ],
    );
    const tiny = await resizeImage(await testImage(300, 200, 'gif'));
    assert.deepEqual(
      tiny.map((c) => [c.width, c.pixelWidth, c.pixelHeight]),
      [
        [480, 300, 200],
        [480, 300, 200],
      ],
    );
  });

  it('refuses what is not a lead image, each with its reason', async () => {
    assert.equal(await refused(Buffer.from('<html><body>not found</body></html>')), 'media.not-image');
    assert.equal(
      await refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"></svg>')),
      'media.format',
    );
    assert.equal(await refused(await testImage(64, 64, 'png')), 'media.too-small');
    assert.equal(await refused(await testImage(1200, 60)), 'media.too-small');
    assert.equal(await refused(await testImage(1500, 250)), 'media.shape');
    // 60,000 × 60,000 declared in 60 bytes: refused from its header, never decoded.
    const started = Date.now();
    assert.equal(await refused(declaredPng(60_000, 60_000)), 'media.too-large');
    assert.ok(Date.now() - started < 5_000);
    // A header that promises pixels the data does not hold.
    assert.equal(await refused(declaredPng(800, 600)), 'media.not-image');
    const truncated = (await testImage(800, 600)).subarray(0, 2_000);
    assert.equal(await refused(truncated), 'media.not-image');
  });
});
