// The command line, spawned as a user would run it (real scrypt parameters): a key imported with
// `peeros key import` signs with `peeros sign`, and @wharfkit/antelope (an independent
// implementation) recovers the signature to the same public key; wrong passphrases exit non-zero
// and say so; the key is never in a file in clear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wharf from '@wharfkit/antelope';
import { PrivateKey } from '../../abi/antelope/index.js';
import { tempHome, removeHome, packTransaction, transfer, CHAIN_ID } from './helpers.js';
import { runPeerosSync } from '../e2e/run-cli.js';

const PASS = 'cli passphrase';

/** The real CLI as this test's user (`o.env` over home and passphrase); stdin `o.input`, else closed at once. */
const peeros = (home: string, args: string[], o: { input?: string; env?: Record<string, string> } = {}) =>
  runPeerosSync(args, { env: { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS, ...o.env }, stdin: o.input ?? '' });

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

test('key import (stdin) → sign --packed → wharfkit recovers the same public key; nothing in clear on disk', () => {
  const home = tempHome();
  try {
    const key = PrivateKey.generate();
    const imp = peeros(home, ['key', 'import', '--label', 'dev'], { input: `${key.toWif()}\n` });
    assert.is(imp.code, 0, imp.err);
    const pub = key.toPublic().toString();
    assert.is(imp.out.trim(), pub);

    const list = peeros(home, ['key', 'list', '--json']);
    assert.is(list.code, 0, list.err);
    assert.equal(
      JSON.parse(list.out).map((k: { publicKey: string }) => k.publicKey),
      [pub],
    );

    const packed = Buffer.from(packTransaction([transfer('1.2345 RSN', 'dpay.token', 'cli')])).toString('hex');
    const s = peeros(home, ['sign', '--chain-id', CHAIN_ID, '--packed', packed, '--key', pub, '--yes']);
    assert.is(s.code, 0, s.err);
    const body = JSON.parse(s.out);
    assert.equal(Object.keys(body).sort(), ['compression', 'packed_context_free_data', 'packed_trx', 'signatures']);
    assert.is(body.packed_trx, packed);

    // the independent oracle: wharfkit decodes the transaction, computes the digest and recovers
    const trx = wharf.Serializer.decode({ data: body.packed_trx, type: wharf.Transaction }) as wharf.Transaction;
    const digest = trx.signingDigest(wharf.Checksum256.from(CHAIN_ID));
    const recovered = wharf.Signature.from(body.signatures[0]).recoverDigest(digest);
    assert.is(recovered.toString(), pub);
    assert.ok(wharf.PackedTransaction.from(body).getTransaction().equals(trx));

    for (const f of allFiles(home)) {
      const data = readFileSync(f);
      for (const n of [
        Buffer.from(key.data),
        Buffer.from(key.toWif()),
        Buffer.from(key.toString()),
        Buffer.from(Buffer.from(key.data).toString('hex')),
      ]) {
        assert.is(data.indexOf(n), -1, `${f} holds the key in clear`);
      }
    }
  } finally {
    removeHome(home);
  }
});

test('sign --json, --key-file import, --passphrase-file, and the one-key default', () => {
  const home = tempHome();
  try {
    const key = PrivateKey.generate();
    writeFileSync(join(home, 'k.txt'), key.toString());
    writeFileSync(join(home, 'pw.txt'), 'file pass\n');
    const imp = peeros(home, ['key', 'import', '--key-file', join(home, 'k.txt'), '--passphrase-file', join(home, 'pw.txt')], {
      env: { PEEROS_PASSPHRASE: 'ignored?' },
    });
    assert.is(imp.code, 0, imp.err);
    const tx = {
      expiration: '2030-01-01T00:00:00',
      ref_block_num: 1,
      ref_block_prefix: 2,
      actions: [
        { account: 'eosio.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data: '0000000000855c34' },
      ],
    };
    const s = peeros(home, [
      'sign',
      '--chain-id',
      CHAIN_ID,
      '--json',
      JSON.stringify(tx),
      '--yes',
      '--passphrase-file',
      join(home, 'pw.txt'),
    ]);
    assert.is(s.code, 0, s.err);
    const body = JSON.parse(s.out);
    const trx = wharf.Transaction.from({ ...tx, actions: [{ ...tx.actions[0]!, data: '0000000000855c34' }] });
    assert.is(body.packed_trx, wharf.Serializer.encode({ object: trx }).hexString);
    const recovered = wharf.Signature.from(body.signatures[0]).recoverDigest(trx.signingDigest(wharf.Checksum256.from(CHAIN_ID)));
    assert.is(recovered.toString(), key.toPublic().toString());
  } finally {
    removeHome(home);
  }
});

test('wrong passphrase: non-zero exit and a message that says so; without --yes and no terminal nothing is signed', () => {
  const home = tempHome();
  try {
    assert.is(peeros(home, ['key', 'create']).code, 0);
    const bad = peeros(home, ['key', 'unlock'], { env: { PEEROS_PASSPHRASE: 'not the passphrase' } });
    assert.is(bad.code, 1);
    assert.match(bad.err, /wrong passphrase/);
    assert.not.match(bad.err + bad.out, /not the passphrase/);
    const backoffFile = join(home, 'vault', 'unlock-backoff.json');
    const recorded = JSON.parse(readFileSync(backoffFile, 'utf8'));
    assert.is(recorded.failures, 1, 'the failure is on disk before the process exits');
    // as after several failures (deterministic, whatever the machine's speed): the next process waits
    writeFileSync(backoffFile, JSON.stringify({ ...recorded, failures: 5, nextAllowedAt: Date.now() + 60_000 }));
    const again = peeros(home, ['key', 'list']);
    assert.is(again.code, 1);
    assert.match(again.err, /next one is allowed in \d+ s/);
    const status = peeros(home, ['key', 'status', '--json']);
    assert.is(JSON.parse(status.out).failures, 5);
    writeFileSync(backoffFile, JSON.stringify({ ...recorded, failures: 5, nextAllowedAt: Date.now() - 1 }));
    const packed = Buffer.from(packTransaction([transfer('1.0000 RSN')])).toString('hex');
    const noYes = peeros(home, ['sign', '--chain-id', CHAIN_ID, '--packed', packed]);
    assert.is(noYes.code, 1);
    assert.match(noYes.err, /not approved/);
    assert.match(noYes.err, /--yes/);
    assert.match(noYes.err, /dpay\.token::transfer/, 'the decoded transaction was shown');
    assert.is(noYes.out, '');
  } finally {
    removeHome(home);
  }
});

test('usage: import never takes the key from argv; bad flags exit 2; unlock/lock are honest', () => {
  const home = tempHome();
  try {
    const argvKey = peeros(home, ['key', 'import', PrivateKey.generate().toString()]);
    assert.is(argvKey.code, 2, 'a positional key is not accepted');
    assert.is(peeros(home, ['sign', '--chain-id', 'zz', '--packed', '00']).code, 2);
    assert.is(peeros(home, ['key', 'list']).code, 1, 'no keystore yet');
    assert.is(peeros(home, ['key', 'create', '--label', 'a']).code, 0);
    const u = peeros(home, ['key', 'unlock']);
    assert.is(u.code, 0);
    assert.match(u.out, /holds 1 key/);
    const l = peeros(home, ['key', 'lock']);
    assert.is(l.code, 0);
    assert.match(l.out, /one-shot/);
    const e = peeros(home, ['key', 'export', JSON.parse(peeros(home, ['key', 'list', '--json']).out)[0].publicKey, '--yes']);
    assert.is(e.code, 0, e.err);
    assert.match(e.out, /^PVT_K1_/);
    assert.match(e.err, /WARNING/);
  } finally {
    removeHome(home);
  }
});

test.run();
