// The pixel size an image declares, read from its header (runtime/console/image-size.ts): each of
// the four raster types the console serves, a GIF whose frame is larger than its screen, the frames
// of an animation (GIF, APNG, animated WebP), and headers that are cut short or malformed
// (undefined, never a throw or a loop).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageSize } from '../../../runtime/console/image-size.js';
import { imageType } from '../../../runtime/console/screen-image.js';
import { animatedGifOf, animatedWebpOf, apngOf, gifOf, jpegOf, pngOf, webpOf } from '../../fixtures/image-headers.js';
import { ROOT } from '../../isa/paths.js';

const sizeOf = (b: Uint8Array) => imageSize(b, imageType(b) ?? '');

test('each type: the size its header declares', () => {
  assert.equal(sizeOf(pngOf(8192, 8192)), { width: 8192, height: 8192, frames: 1 });
  assert.equal(sizeOf(gifOf([300, 200])), { width: 300, height: 200, frames: 1 });
  assert.equal(sizeOf(jpegOf(640, 480)), { width: 640, height: 480, frames: 1 });
  assert.equal(sizeOf(webpOf('VP8X', 20000, 3)), { width: 20000, height: 3, frames: 1 });
  assert.equal(sizeOf(webpOf('VP8L', 16384, 16384)), { width: 16384, height: 16384, frames: 1 });
  assert.equal(sizeOf(webpOf('VP8 ', 1000, 700)), { width: 1000, height: 700, frames: 1 });
  const logo = readFileSync(join(ROOT, 'test/fixtures/apps/ui-hostile/assets/logo.png'));
  assert.ok(sizeOf(logo), 'the fixture app`s logo has a size');
});

test('a GIF is as large as its largest frame, not only its logical screen', () => {
  assert.equal(sizeOf(gifOf([1, 1], [65535, 65535])), { width: 65535, height: 65535, frames: 1 });
});

test('an animation: every frame counted (GIF descriptors, APNG acTL or fcTL whichever says more, WebP ANMF chunks)', () => {
  const gif = animatedGifOf(1024, 5000);
  assert.ok(gif.length < 128 * 1024, 'five thousand frames in little more than 100 KiB');
  assert.equal(sizeOf(gif), { width: 1024, height: 1024, frames: 5000 });
  assert.equal(sizeOf(apngOf(64, 64, 3, 3)), { width: 64, height: 64, frames: 3 });
  assert.equal(sizeOf(apngOf(64, 64, 100_000, 2)), { width: 64, height: 64, frames: 100_000 }, 'acTL says more');
  assert.equal(sizeOf(apngOf(64, 64, 1, 700)), { width: 64, height: 64, frames: 700 }, 'more fcTL chunks than acTL says');
  assert.equal(sizeOf(apngOf(64, 64, 0xffffffff, 0))?.frames, 0xffffffff);
  assert.equal(sizeOf(animatedWebpOf(1024, 1024, 3000)), { width: 1024, height: 1024, frames: 3000 });
  assert.equal(sizeOf(animatedWebpOf(10, 10, 0)), { width: 10, height: 10, frames: 1 }, 'an animation flag without frames');
  // cut before the end: the frames read so far, what a decoder would draw (38 bytes of header and
  // loop extension, 23 a frame: ten frames and the next one's control extension)
  assert.equal(sizeOf(animatedGifOf(64, 100).subarray(0, 38 + 23 * 10 + 8))?.frames, 10);
});

test('headers cut short or malformed: undefined, for every prefix of every file', () => {
  const files = [pngOf(64, 64), gifOf([10, 10]), jpegOf(10, 10), webpOf('VP8X', 10, 10), webpOf('VP8L', 10, 10)];
  files.push(animatedGifOf(10, 3), apngOf(10, 10, 3, 3), animatedWebpOf(10, 10, 3));
  for (const file of files) {
    for (let n = 0; n <= file.length; n++) {
      const cut = file.subarray(0, n);
      const s = imageSize(cut, imageType(file)!);
      assert.ok(
        s === undefined || (Number.isInteger(s.width) && Number.isInteger(s.height) && Number.isInteger(s.frames) && s.frames >= 1),
        `${n} bytes`,
      );
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
    animatedGifOf(10, 3),
    apngOf(10, 10, 3, 3),
    animatedWebpOf(10, 10, 3),
  ];
  for (let round = 0; round < 3000; round++) {
    const file = Buffer.from(seeds[round % seeds.length]!);
    for (let k = 0; k < 4; k++) file[4 + Math.floor(rand() * (file.length - 4))] = Math.floor(rand() * 256);
    const s = imageSize(file, imageType(seeds[round % seeds.length]!)!);
    assert.ok(s === undefined || (s.width >= 0 && s.height >= 0 && Number.isInteger(s.frames) && s.frames >= 1), `round ${round}`);
  }
});

test.run();
