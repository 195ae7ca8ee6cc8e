// keyIdOfText: the id of a key's text, remembered for the texts a host resolves at every push, and
// the same as parsing it each time, in every form, before and after the memory is full.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  KEY_TEXTS_REMEMBERED,
  KEY_TEXT_REMEMBERED_MAX_CHARS,
  KeyType,
  PrivateKey,
  PublicKey,
  keyIdOf,
  keyIdOfText,
} from '../../abi/antelope/index.js';

const k1 = new PrivateKey(KeyType.K1, new Uint8Array(32).fill(7)).toPublic();
const r1 = new PrivateKey(KeyType.R1, new Uint8Array(32).fill(9)).toPublic();
const wa = PublicKey.fromWebAuthn({ point: r1.data, presence: 1, rpid: 'peeros.local' });

test('every text form of a key gives the id its parsed key has, the first time and the next', () => {
  for (const key of [k1, r1, wa]) {
    const forms = [key.toString(), ...(key.type === KeyType.K1 ? [key.toLegacyString()] : [])];
    for (const text of forms) {
      assert.is(keyIdOfText(text), keyIdOf(PublicKey.from(text)), text);
      assert.is(keyIdOfText(text), keyIdOf(key), `${text}, remembered`);
    }
  }
});

test('a text that is not a key throws every time, and is not remembered as one', () => {
  const bad = `${k1.toString().slice(0, -1)}${k1.toString().endsWith('A') ? 'B' : 'A'}`; // checksum broken
  for (let i = 0; i < 2; i++) assert.throws(() => keyIdOfText(bad));
  assert.throws(() => keyIdOfText('PUB_K1_'));
});

test('a text longer than KEY_TEXT_REMEMBERED_MAX_CHARS (a WA key with a long rp id) is parsed each time, to the same id', () => {
  const long = PublicKey.fromWebAuthn({ point: r1.data, presence: 1, rpid: `${'a'.repeat(200)}.peeros.local` });
  const text = long.toString();
  assert.ok(text.length > KEY_TEXT_REMEMBERED_MAX_CHARS);
  for (let i = 0; i < 2; i++) assert.is(keyIdOfText(text), keyIdOf(long));
});

test('past KEY_TEXTS_REMEMBERED distinct keys the ids stay right (the memory starts again, bounded)', () => {
  const first = k1.toString();
  const id = keyIdOfText(first);
  for (let i = 0; i <= KEY_TEXTS_REMEMBERED; i++) {
    const seed = new Uint8Array(32);
    seed[31] = 1;
    new DataView(seed.buffer).setUint32(0, i + 1);
    const key = new PrivateKey(KeyType.K1, seed).toPublic();
    assert.is(keyIdOfText(key.toString()), keyIdOf(key));
  }
  assert.is(keyIdOfText(first), id);
});

test.run();
