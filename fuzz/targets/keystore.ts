/**
 * Target `keystore`: the vault's keystore file reader — parseKeystore (size, UTF-8, three lines,
 * checksum, JSON, shape), then what unlocking does next with the parsed body: checkScryptParams,
 * authenticateKeystore (check value, MAC, grants) under keys derived once from the fixture's
 * passphrase, and openPrivateKey (AES-256-GCM) of every key. The per-input scrypt derivation
 * itself is not repeated (it is bounded by the KDF parameter limits, not by parsing).
 * Generators: the keystore fixture (test KDF) mutated as bytes (mostly stopped by the checksum),
 * its body mutated as JSON with the checksum recomputed (reaches the shape checks), and with MAC
 * and checksum recomputed under the right keys (reaches grants and sealed keys).
 * Oracles: only VaultError; an accepted keystore re-serializes to one that parses to the same body.
 */
import { readFileSync } from 'node:fs';
import { createHash, createHmac } from 'node:crypto';
import { TAG_KEYSTORE_MAC } from '../../skv/domain-tags.js';
import { VaultError } from '../../skv/error.js';
import { checkScryptParams, deriveKeys } from '../../skv/kdf.js';
import { authenticateKeystore, openPrivateKey, parseKeystore, serializeKeystore } from '../../skv/keystore-format.js';
import { jsonText, mutateJson } from '../json-mutate.js';
import { mutate } from '../mutate.js';
import { repoFile } from '../seeds.js';
import { accepts, oracle, sameValue, type FuzzTarget } from '../target.js';

/** test/skv/fixtures/keystore-v1 and its passphrase (see test/skv/format-v1.test.ts). */
const FIXTURE = 'test/skv/fixtures/keystore-v1';
const FIXTURE_PASSPHRASE = 'fixture passphrase v1';

const utf8 = new TextEncoder();
const isVaultError = (e: unknown) => e instanceof VaultError;

function withChecksum(bodyText: string, macLine: string): Uint8Array {
  const sum = createHash('sha256').update(`${bodyText}\n${macLine}`).digest('hex');
  return utf8.encode(`${bodyText}\n${macLine}\nsha256=${sum}\n`);
}

export const keystore: FuzzTarget = {
  name: 'keystore',
  about: 'skv/keystore-format parseKeystore + checkScryptParams + authenticateKeystore + openPrivateKey',
  maxInputMs: 1000,
  smokeInputs: 500,
  async open() {
    const file = new Uint8Array(readFileSync(repoFile(FIXTURE)));
    const fixture = parseKeystore(file);
    const keys = await deriveKeys(FIXTURE_PASSPHRASE, fixture.body.kdf);
    const macLine = `mac=${fixture.mac}`;
    return {
      generate(r) {
        const k = r.int(3);
        if (k === 0) return mutate(r, [file]);
        const bodyText = jsonText(mutateJson(r, fixture.body));
        if (k === 1) return withChecksum(bodyText, macLine);
        // the MAC as the vault computes it (keystore-format.ts macOf), under the fixture's keys
        const mac = createHmac('sha256', keys.mac).update(TAG_KEYSTORE_MAC).update('\0').update(bodyText).digest('hex');
        return withChecksum(bodyText, `mac=${mac}`);
      },
      run(input) {
        let parsed: ReturnType<typeof parseKeystore> | undefined;
        if (
          !accepts(isVaultError, () => {
            parsed = parseKeystore(input);
          })
        )
          return false;
        const p = parsed!;
        const again = parseKeystore(utf8.encode(serializeKeystore(p.body, keys)));
        oracle(sameValue(again.body, p.body), 'keystore: a re-serialized body parses differently');
        return accepts(isVaultError, () => {
          checkScryptParams(p.body.kdf, true);
          authenticateKeystore(p, keys);
          for (const entry of p.body.keys) openPrivateKey(keys, p.body.id, entry).fill(0);
        });
      },
    };
  },
};
