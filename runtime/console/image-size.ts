/**
 * The pixel size an image file declares, read from its header without decoding it: what a browser
 * will allocate (width × height × 4 bytes) when it draws the image. A file's byte count says
 * nothing about that — a PNG of 8 KiB can declare 8192 × 8192 pixels and decode to 256 MiB — so an
 * app screen's images (screen-image.ts) are bounded by this size too. Covers the four raster types
 * the console serves: PNG (IHDR), GIF (the logical screen and every frame's descriptor), JPEG (the
 * first SOF marker) and WebP (VP8, VP8L or VP8X canvas). An animation's frames are counted too
 * (APNG, GIF, animated WebP): the browser decodes and composites every one on the whole canvas,
 * again and again while it loops, and 5,000 frames of 1x1 pixel fit in 115 KiB. A header this file
 * cannot read is `undefined`: the caller refuses what it cannot measure.
 */

export interface ImageSize {
  width: number;
  height: number;
  /** Frames the browser draws, each on the whole canvas: 1 for a still image. */
  frames: number;
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const u32le = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
function ascii(b: Uint8Array, i: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

/**
 * PNG: IHDR is the first chunk (width, height: 32-bit big-endian). An APNG's frames: the larger of
 * what its acTL says (num_frames) and how many fcTL chunks it holds, walking the chunks to IEND or
 * to the end of what is there.
 */
function pngSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 24 || u32be(b, 8) !== 13 || !ascii(b, 12, 'IHDR')) return undefined;
  let declared = 0;
  let controls = 0;
  for (let i = 8; i + 8 <= b.length; i += 12 + u32be(b, i)) {
    if (ascii(b, i + 4, 'IEND')) break;
    if (ascii(b, i + 4, 'acTL') && i + 12 <= b.length) declared = u32be(b, i + 8);
    else if (ascii(b, i + 4, 'fcTL')) controls += 1;
  }
  return { width: u32be(b, 16), height: u32be(b, 20), frames: Math.max(1, declared, controls) };
}

/**
 * GIF: the logical screen, and every frame's descriptor, whose box a decoder may grow the canvas to
 * (so a small screen with one huge frame is measured by the frame). Walks the blocks to the trailer.
 */
function gifSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 13) return undefined;
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  let frames = 0;
  let i = 13 + (b[10]! & 0x80 ? 3 << ((b[10]! & 7) + 1) : 0);
  const skipSubBlocks = () => {
    while (i < b.length && b[i] !== 0) i += b[i]! + 1;
    i += 1;
  };
  while (i < b.length) {
    const block = b[i]!;
    if (block === 0x3b) return { width, height, frames: Math.max(1, frames) };
    if (block === 0x21) {
      i += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      if (i + 10 > b.length) return undefined;
      frames += 1;
      width = Math.max(width, u16le(b, i + 1) + u16le(b, i + 5));
      height = Math.max(height, u16le(b, i + 3) + u16le(b, i + 7));
      const packed = b[i + 9]!;
      i += 10 + (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0) + 1;
      skipSubBlocks();
    } else return undefined;
  }
  return { width, height, frames: Math.max(1, frames) }; // no trailer: what was read so far is what a decoder draws
}

/** JPEG: the first start-of-frame marker (SOF0–SOF15 but DHT C4, JPG C8, DAC CC). */
function jpegSize(b: Uint8Array): ImageSize | undefined {
  let i = 2;
  while (i + 9 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { width: u16be(b, i + 7), height: u16be(b, i + 5), frames: 1 };
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end or scan data before any frame header
    i += 2 + u16be(b, i + 2);
  }
  return undefined;
}

/** An animated WebP's frames: its ANMF chunks, walking the RIFF chunks (each padded to an even size) after VP8X. */
function webpFrames(b: Uint8Array): number {
  let frames = 0;
  for (let i = 12; i + 8 <= b.length; i += 8 + u32le(b, i + 4) + (u32le(b, i + 4) & 1)) if (ascii(b, i, 'ANMF')) frames += 1;
  return Math.max(1, frames);
}

/** WebP: the first chunk after `RIFF....WEBP` is VP8 (lossy), VP8L (lossless) or VP8X (extended: the canvas, and any animation). */
function webpSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 30) return undefined;
  if (ascii(b, 12, 'VP8 ')) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, frames: 1 };
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return undefined;
    const bits = u32le(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, frames: 1 };
  }
  if (ascii(b, 12, 'VP8X')) return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, frames: webpFrames(b) };
  return undefined;
}

const READERS: Readonly<Record<string, (b: Uint8Array) => ImageSize | undefined>> = {
  'image/png': pngSize,
  'image/gif': gifSize,
  'image/jpeg': jpegSize,
  'image/webp': webpSize,
};

/** The declared size of image `bytes` of content type `type` (screen-image.ts's `imageType`), or undefined. */
export function imageSize(bytes: Uint8Array, type: string): ImageSize | undefined {
  return READERS[type]?.(bytes);
}
