/**
 * The path rules of the hybrid file system (isa/wit/fs.wit), in one place. A path is relative
 * (no leading `/`), its segments are separated by single `/`, each 1..=`MAX_FS_NAME_BYTES` bytes
 * of UTF-8 with no control character (C0, DEL, C1: they could forge a terminal line when a name
 * is printed), no backslash (a separator elsewhere) and not `.` or `..`. At most
 * `MAX_FS_PATH_BYTES` bytes and `MAX_FS_DEPTH` segments. Nothing is normalised: a path that
 * would need normalising is refused, so one file has one spelling and no spelling escapes.
 */
import { MAX_FS_DEPTH, MAX_FS_NAME_BYTES, MAX_FS_PATH_BYTES } from '../limits.js';

/** Why a path was refused (for messages and tests), or undefined when it is valid. */
export function fsPathProblem(path: string): string | undefined {
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes === 0) return 'the path is empty';
  if (bytes > MAX_FS_PATH_BYTES) return `the path is ${bytes} bytes, above ${MAX_FS_PATH_BYTES}`;
  if (path.startsWith('/')) return 'the path is absolute (paths are relative to a granted root)';
  const segments = path.split('/');
  if (segments.length > MAX_FS_DEPTH) return `the path has ${segments.length} segments, above ${MAX_FS_DEPTH}`;
  for (const seg of segments) {
    if (seg.length === 0) return 'the path has an empty segment (a doubled or trailing /)';
    if (seg === '.' || seg === '..') return `the path has a '${seg}' segment`;
    if (Buffer.byteLength(seg, 'utf8') > MAX_FS_NAME_BYTES) return `a name is longer than ${MAX_FS_NAME_BYTES} bytes`;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f-\u009f\\]/.test(seg)) return 'a name holds a control character or a backslash';
  }
  return undefined;
}

/** The first segment of a valid path: the root it lives under. */
export function fsRootOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? path : path.slice(0, i);
}

/** Whether `name` is a valid root (one valid segment). */
export function isFsRootName(name: string): boolean {
  return !name.includes('/') && fsPathProblem(name) === undefined;
}
