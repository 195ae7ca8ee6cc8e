/**
 * What `peeros app install X` installs from: a `.peeros` package file (read and checked whole by
 * runtime/package-archive before the install path sees it) or an app folder (read by the host).
 */
import type { AppPackage } from '../../app-package.js';
import { PACKAGE_EXTENSION, readPackageFile } from '../../package-archive/package-file.js';

export async function installSource(arg: string): Promise<string | AppPackage> {
  if (arg.endsWith(PACKAGE_EXTENSION)) return readPackageFile(arg);
  return arg;
}
