// The pixel size an image declares, read from its header (runtime/console/image-size.ts): each of
// the four raster types the console serves, a GIF whose frame is larger than its screen, and headers
// that are cut short or malformed (undefined, never a throw or a loop).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageSize } from '../../../runtime/console/image-size.js';
import { imageType } from '../../../runtime/console/screen-image.js';
import { gifOf, jpegOf, pngOf, webpOf } from '../../fixtures/image-headers.js';
import { ROOT } from '../../isa/paths.js';

const sizeOf = (b: Uint8Array) => imageSize(b, imageType(b) ?? '');

test('each type: the size its header declares', () => {
  assert.equal(sizeOf(pngOf(8192, 8192)), { width: 8192, height: 8192 });
  assert.equal(sizeOf(gifOf([300, 200])), { width: 300, height: 200 });
  assert.equal(sizeOf(jpegOf(640, 480)), { width: 640, height: 480 });
  assert.equal(sizeOf(webpOf('VP8X', 20000, 3)), { width: 20000, height: 3 });
  assert.equal(sizeOf(webpOf('VP8L', 16384, 16384)), { width: 16384, height: 16384 });
  assert.equal(sizeOf(webpOf('VP8 ', 1000, 700)), { width: 1000, height: 700 });
  const logo = readFileSync(join(ROOT, 'test/fixtures/apps/ui-hostile/assets/logo.png'));
  assert.ok(sizeOf(logo), 'the fixture app`s logo has a size');
});

test('a GIF is as large as its largest frame, not only its logical screen', () => {
  assert.equal(sizeOf(gifOf([1, 1], [65535, 65535])), { width: 65535, height: 65535 });
});

test('headers cut short or malformed: undefined, for every prefix of every file', () => {
  for (const file of [pngOf(64, 64), gifOf([10, 10]), jpegOf(10, 10), webpOf('VP8X', 10, 10), webpOf('VP8L', 10, 10)]) {
    for (let n = 0; n < 30; n++) {
      const cut = file.subarray(0, n);
      const s = imageSize(cut, imageType(file)!);
      assert.ok(s === undefined || (Number.isInteger(s.width) && Number.isInteger(s.height)), `${n} bytes`);
    }
  }
  const noIhdr = pngOf(10, 10);
  noIhdr.write('IDAT', 12, 'ascii');
  assert.is(sizeOf(noIhdr), undefined, 'a PNG whose first chunk is not IHDR');
  assert.is(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 0, 0, 0, 0]), 'image/jpeg'), undefined, 'scan data before a frame header');
  assert.is(imageSize(Buffer.alloc(64), 'image/tiff'), undefined, 'a type the console does not serve');
});

test('random bytes after each signature: an answer or undefined, never a throw, in one pass', () => {
  // a seeded generator: the same inputs every run
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const seeds = [
    pngOf(64, 64),
    gifOf([10, 10], [20, 20]),
    jpegOf(10, 10),
    webpOf('VP8X', 10, 10),
    webpOf('VP8L', 10, 10),
    webpOf('VP8 ', 10, 10),
  ];
  for (let round = 0; round < 3000; round++) {
    const file = Buffer.from(seeds[round % seeds.length]!);
    for (let k = 0; k < 4; k++) file[4 + Math.floor(rand() * (file.length - 4))] = Math.floor(rand() * 256);
    const s = imageSize(file, imageType(seeds[round % seeds.length]!)!);
    assert.ok(s === undefined || (s.width >= 0 && s.height >= 0), `round ${round}`);
  }
});

test.run();
