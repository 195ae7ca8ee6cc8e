// Child process of crash-write.test: rewrites the keystore at argv[2] forever, each version holding
// 300 sealed keys labelled with the version number, and prints "wrote N" after each durable write.
// The parent SIGKILLs it at a random moment.
import { readFileSync } from 'node:fs';
import { parseKeystore, serializeKeystore, sealPrivateKey, type KeystoreBody } from '../../skv/keystore-format.js';
import { deriveKeys } from '../../skv/kdf.js';
import { writeKeystoreFile } from '../../skv/keystore-file.js';
import { PrivateKey } from '../../abi/antelope/index.js';

const [path, passphrase] = process.argv.slice(2) as [string, string];
const parsed = parseKeystore(readFileSync(path));
const keys = await deriveKeys(passphrase, parsed.body.kdf);
const pool = Array.from({ length: 300 }, () => PrivateKey.generate());
for (let version = 1; ; version++) {
  const body: KeystoreBody = {
    ...parsed.body,
    keys: pool.map((k) => sealPrivateKey(keys, parsed.body.id, k.toPublic().toString(), `v${version}`, k.data)),
  };
  await writeKeystoreFile(path, serializeKeystore(body, keys));
  process.stdout.write(`wrote ${version}\n`);
}
