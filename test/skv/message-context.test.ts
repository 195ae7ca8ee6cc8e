// Sealed messages bound to a context (the contract they were sealed for), as an attacker: the same
// two keys do not open a message under another context, nor under none; a context that is no
// account name is refused; the empty context keeps the additional data of before contexts, so the
// host's own seal-to-self values (drive keys, share content keys) sealed then still open.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDecipheriv, createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { PrivateKey } from '../../abi/antelope/index.js';
import { VaultError } from '../../skv/index.js';
import { openMessage, sealMessage } from '../../skv/message-seal.js';
import { MAX_MESSAGE_CONTEXT_LENGTH } from '../../skv/limits.js';
import { TAG_MESSAGE_AAD, TAG_MESSAGE_KEY } from '../../skv/domain-tags.js';

const alice = PrivateKey.generate();
const bob = PrivateKey.generate();
const TEXT = new TextEncoder().encode('for dmessenger only');

function code(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.instance(err, VaultError);
    return (err as VaultError).code;
  }
  return 'opened';
}

test('a message sealed for one contract opens only for that contract', () => {
  const { nonce, ciphertext } = sealMessage(alice, bob.toPublic(), TEXT, 'dmessenger');
  assert.equal(openMessage(bob, alice.toPublic(), nonce, ciphertext, 'dmessenger'), TEXT);
  assert.equal(openMessage(alice, bob.toPublic(), nonce, ciphertext, 'dmessenger'), TEXT, 'the sender too');
  for (const other of ['evil.game', 'dbox', '', 'dmessenger1', 'dmessenge'])
    assert.is(
      code(() => openMessage(bob, alice.toPublic(), nonce, ciphertext, other)),
      'INVALID_ARGUMENT',
      `context '${other}'`,
    );
});

test('a message sealed with no context does not open under a contract (an old blob cannot be claimed by one)', () => {
  const { nonce, ciphertext } = sealMessage(alice, bob.toPublic(), TEXT, '');
  assert.is(
    code(() => openMessage(bob, alice.toPublic(), nonce, ciphertext, 'dmessenger')),
    'INVALID_ARGUMENT',
  );
});

test('a context that is no account name is refused before any key is used', () => {
  for (const bad of ['Evil', 'a b', 'evil.game.toolong', 'a'.repeat(MAX_MESSAGE_CONTEXT_LENGTH + 1), 'six6', 'é']) {
    assert.is(
      code(() => sealMessage(alice, bob.toPublic(), TEXT, bad)),
      'INVALID_ARGUMENT',
      `seal, context ${JSON.stringify(bad)}`,
    );
  }
  const longest = 'a'.repeat(MAX_MESSAGE_CONTEXT_LENGTH);
  const sealed = sealMessage(alice, bob.toPublic(), TEXT, longest);
  assert.equal(openMessage(bob, alice.toPublic(), sealed.nonce, sealed.ciphertext, longest), TEXT, 'the longest context is one');
});

test('the empty context keeps the additional data of before contexts (drive keys sealed then still open)', () => {
  const self = alice.toPublic();
  const { nonce, ciphertext } = sealMessage(alice, self, TEXT, '');
  // the key and additional data as the vault computed them before contexts existed
  const point = secp256k1.getSharedSecret(alice.data, self.data, true);
  const key = createHash('sha256').update(TAG_MESSAGE_KEY).update(point.subarray(1)).update(self.data).update(self.data).digest();
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(Buffer.concat([Buffer.from(TAG_MESSAGE_AAD), self.data, self.data]));
  d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  assert.equal(new Uint8Array(Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - 16)), d.final()])), TEXT);
});

test.run();
