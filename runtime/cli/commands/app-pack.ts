/**
 * `peeros app pack DIR [-o FILE]`: the app folder as one `.peeros` package file
 * (runtime/package-archive, docs/packages.md), with its publisher's signature when DIR is signed.
 * Kept apart from app.ts, which wires it in with a few lines.
 */
import { join, resolve } from 'node:path';
import { UsageError, type CliIO } from '../command.js';
import { parseArgs } from '../args.js';
import { writeFileAtomic } from '../../../lib/atomic-file.js';
import { HostError } from '../../errors.js';
import { readAppPackage } from '../../app-package.js';
import { readFolderFile } from '../../app-folder.js';
import { hashPackage } from '../../app-identity/app-identity.js';
import { MAX_SIGNATURE_FILE_BYTES } from '../../app-identity/limits.js';
import { SIGNATURE_FILE } from '../../app-identity/package-signature.js';
import { packPackage, packageFileName } from '../../package-archive/package-file.js';
import { terminalText } from '../../../lib/terminal-text.js';

/** `-o FILE` is `--out FILE` (the CLI parser has no short options). */
function shortOut(argv: string[]): string[] {
  return argv.map((a) => (a === '-o' ? '--out' : a));
}

export async function pack(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(shortOut(argv), { out: 'string' }, 'app pack');
  if (positionals.length !== 1) throw new UsageError('app pack takes one argument: the app directory');
  try {
    const pkg = await readAppPackage(positionals[0]!);
    let sig: Uint8Array | undefined;
    try {
      sig = await readFolderFile([pkg.dir], SIGNATURE_FILE, { maxBytes: MAX_SIGNATURE_FILE_BYTES, what: 'the signature file' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { bytes, signed } = packPackage(pkg, sig);
    const out = typeof flags.out === 'string' ? resolve(flags.out) : join(process.cwd(), packageFileName(pkg));
    await writeFileAtomic(out, bytes, 0o644);
    io.out(
      `packed ${out} (${bytes.length} bytes, ${pkg.files.length + 2} files, package hash ${Buffer.from(hashPackage(pkg)).toString('hex')})`,
    );
    if (!signed)
      io.err(`note: ${terminalText(pkg.manifest.name)} is unsigned: it installs as "unverified"; sign it first with 'peeros app sign DIR'`);
    return 0;
  } catch (err) {
    if (err instanceof HostError) {
      io.err(`peeros app pack: ${err.code}: ${terminalText(err.message)}`);
      return 1;
    }
    throw err;
  }
}
