// Build step: sign the stock apps (apps/*) so they install as verified, with a publisher identity.
//
// The key: one ephemeral K1 key per build run, generated in this process, used to sign the packages
// that need it, then wiped — it is never written anywhere (the project rule: no secrets in files
// outside the encrypted keystore), so nobody can later sign a look-alike with it. An app whose
// existing peeros.sig still verifies against its rebuilt files keeps it, so rebuilding an unchanged
// app keeps its identity; an app whose bytes changed gets a new signature by this run's key, i.e. a
// new identity (an installed older copy must be removed before the new one installs: that is the
// identity rule, not a bug). peeros.sig is a build product (gitignored), like build/.
import { pathToFileURL } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export default async function ({ root }) {
  const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
  const { readAppPackage } = await dist('runtime/app-registry.js');
  const { provePackage, hashPackage } = await dist('runtime/app-identity/app-identity.js');
  const { SIGNATURE_FILE, SIGNATURE_VERSION, formatPackageSignature } = await dist('runtime/app-identity/package-signature.js');
  const { writeFileAtomic } = await dist('lib/atomic-file.js');
  const { packageSigningDigest } = await dist('skv/index.js');
  const { PrivateKey } = await dist('abi/antelope/index.js');

  const apps = join(root, 'apps');
  let key; // generated only if some app needs a new signature
  const lines = [];
  try {
    for (const name of readdirSync(apps).sort()) {
      const dir = join(apps, name);
      if (!existsSync(join(dir, 'peeros.json'))) continue;
      let pkg;
      try {
        pkg = await readAppPackage(dir);
      } catch {
        continue;
      } // not built (no module): nothing to sign
      try {
        const proof = await provePackage(pkg);
        if (proof.publicKey) {
          lines.push(`  ${relative(root, dir)}: kept ${proof.publicKey}`);
          continue;
        }
      } catch (err) {
        if (err?.code !== 'SIGNATURE_INVALID') throw err; // stale signature: sign again below
      }
      key ??= PrivateKey.generate();
      const hash = hashPackage(pkg);
      const publicKey = key.toPublic().toString();
      const signature = key.sign(packageSigningDigest(hash)).toString();
      await writeFileAtomic(
        join(dir, SIGNATURE_FILE),
        formatPackageSignature({ version: SIGNATURE_VERSION, publicKey, packageHash: Buffer.from(hash).toString('hex'), signature }),
        0o644,
      );
      lines.push(`  ${relative(root, dir)}: signed by ${publicKey}`);
    }
  } finally {
    key?.clear();
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}
