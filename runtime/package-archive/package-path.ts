/**
 * The one spelling of a path inside a package: relative, '/'-separated, every segment made of
 * `A-Z a-z 0-9 . _ -` and not starting with '.', at most MAX_PACKAGE_PATH_DEPTH segments and
 * MAX_PACKAGE_PATH_BYTES bytes. So no `..`, no `.`, no absolute or drive path, no backslash, no empty
 * segment, no hidden file, no Unicode look-alikes: a valid path names the same file on every file
 * system and can never leave the directory it is written into.
 */
import { MAX_PACKAGE_PATH_BYTES, MAX_PACKAGE_PATH_DEPTH } from './limits.js';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Why `path` is not a package path, or undefined when it is one. */
export function packagePathProblem(path: string): string | undefined {
  if (path.length === 0) return 'it is empty';
  if (Buffer.byteLength(path, 'utf8') > MAX_PACKAGE_PATH_BYTES) return `it is longer than ${MAX_PACKAGE_PATH_BYTES} bytes`;
  const segments = path.split('/');
  if (segments.length > MAX_PACKAGE_PATH_DEPTH) return `it is deeper than ${MAX_PACKAGE_PATH_DEPTH} levels`;
  for (const s of segments) {
    if (s === '') return 'it has an empty segment (a leading, trailing or double "/")';
    if (!SEGMENT.test(s)) return `its segment ${JSON.stringify(s.slice(0, 40))} is not made of A-Z a-z 0-9 . _ - (or starts with ".")`;
  }
  return undefined;
}

export function isPackagePath(path: string): boolean {
  return packagePathProblem(path) === undefined;
}
