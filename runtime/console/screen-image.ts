/**
 * The image files an app screen (runtime/ui) may show, served by the console: files of the app's own installed package (its `assets/`,
 * kept under `apps/<name>/files/` by the registry), named by a view's image path. The path is
 * checked by the view rule and by the package path rule, the file is read only when its real path
 * is inside the app's files (no link out) and it is at most {@link MAX_SCREEN_IMAGE_BYTES}, and it
 * is served only as one of four raster types recognised by its first bytes (never SVG, which can
 * carry script, never a type the app names) whose header declares at most
 * {@link MAX_SCREEN_IMAGE_PIXELS} pixels (image-size.ts): the browser allocates width × height × 4
 * bytes to draw an image, whatever its file size. An animation holds at most
 * {@link MAX_SCREEN_IMAGE_FRAMES} frames and {@link MAX_SCREEN_ANIMATION_PIXELS} pixels in all.
 */
import { APP_NAME } from '../manifest.js';
import { AppRegistry } from '../app-registry.js';
import { readFolderFile } from '../app-folder.js';
import { packagePathProblem } from '../package-archive/package-path.js';
import { MAX_ASSET_BYTES } from '../package-archive/limits.js';
import { UiError, VIEW_IMAGE_PATH } from '../ui/index.js';
import { imageSize } from './image-size.js';

/** One image: an asset's own bound (8 MiB). */
export const MAX_SCREEN_IMAGE_BYTES = MAX_ASSET_BYTES;
/**
 * Pixels one image may declare: 4 Mi (2048 × 2048, a full-HD photo fits), 16 MiB decoded. An 8 KiB
 * PNG can declare 8192 × 8192 (256 MiB decoded); with MAX_VIEW_IMAGES a screen's images then cost
 * the browser at most 256 MiB.
 */
export const MAX_SCREEN_IMAGE_PIXELS = 4 * 1024 * 1024;
/**
 * Frames one animation may hold (APNG, GIF, animated WebP): 256, ten seconds at 25 frames a second.
 * Chromium decodes and composites each frame on the whole canvas, and cannot keep thousands of them
 * decoded: four copies of a 115 KiB GIF of 5,000 1x1 frames on a 1024 x 1024 canvas kept a core
 * busy (9.8 s of CPU in 10 s) and took +516 MiB, for as long as the screen was open.
 */
export const MAX_SCREEN_IMAGE_FRAMES = 256;
/**
 * Frames × canvas pixels of one animation: 16 Mi (64 MiB decoded if the browser keeps every frame,
 * so it can loop from memory): 4 frames of 2048 x 2048, 16 of 1024 x 1024, 256 of 256 x 256.
 */
export const MAX_SCREEN_ANIMATION_PIXELS = 16 * 1024 * 1024;

/** The raster types served, by their magic bytes. */
const SIGNATURES: ReadonlyArray<{ type: string; magic: number[]; at?: number; also?: { at: number; magic: number[] } }> = [
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', magic: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/webp', magic: [0x52, 0x49, 0x46, 0x46], also: { at: 8, magic: [0x57, 0x45, 0x42, 0x50] } },
];

const startsWith = (b: Uint8Array, magic: number[], at = 0) => magic.every((m, i) => b[at + i] === m);

/** The content type of image bytes, or undefined when they are none of the four. */
export function imageType(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find((s) => startsWith(bytes, s.magic, s.at) && (!s.also || startsWith(bytes, s.also.magic, s.also.at)))?.type;
}

/** Reads image `path` of installed app `app` under `home`; throws UiError. */
export async function readScreenImage(home: string, app: string, path: string): Promise<{ bytes: Uint8Array; type: string }> {
  if (!APP_NAME.test(app)) throw new UiError('IMAGE_UNAVAILABLE', 'no such app');
  const problem = VIEW_IMAGE_PATH.test(path) ? packagePathProblem(path) : 'not under assets/';
  if (problem) throw new UiError('VIEW_BAD_IMAGE_PATH', `not an image path of the app's package: ${problem}`);
  let bytes: Uint8Array;
  try {
    bytes = await readFolderFile([new AppRegistry(home).filesDir(app)], path, { maxBytes: MAX_SCREEN_IMAGE_BYTES, what: 'a screen image' });
  } catch {
    throw new UiError('IMAGE_UNAVAILABLE', `app '${app}' has no image ${path} of at most ${MAX_SCREEN_IMAGE_BYTES} bytes`);
  }
  const type = imageType(bytes);
  if (!type) throw new UiError('IMAGE_UNAVAILABLE', `${path} of app '${app}' is not a PNG, JPEG, GIF or WebP image`);
  const size = imageSize(bytes, type);
  if (!size) throw new UiError('IMAGE_UNAVAILABLE', `${path} of app '${app}': its ${type} header does not say its size`);
  if (size.width * size.height > MAX_SCREEN_IMAGE_PIXELS)
    throw new UiError(
      'IMAGE_TOO_LARGE',
      `${path} of app '${app}' declares ${size.width} x ${size.height} pixels, more than ${MAX_SCREEN_IMAGE_PIXELS} (it would take the page ${Math.round((size.width * size.height * 4) / 2 ** 20)} MiB to draw)`,
    );
  if (size.frames > MAX_SCREEN_IMAGE_FRAMES || size.frames * size.width * size.height > MAX_SCREEN_ANIMATION_PIXELS)
    throw new UiError(
      'IMAGE_TOO_LARGE',
      `${path} of app '${app}' is an animation of ${size.frames} frames of ${size.width} x ${size.height} pixels: at most ${MAX_SCREEN_IMAGE_FRAMES} frames and ${MAX_SCREEN_ANIMATION_PIXELS} pixels in all (the page decodes every frame on the whole canvas, again at each loop)`,
    );
  return { bytes, type };
}
