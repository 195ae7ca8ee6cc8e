// Property oracle: random ABIs, values and transactions serialized by our core and by
// @wharfkit/antelope (test-only dependency) must give identical bytes, decode back equal, and
// give the same transaction id and signing digest; signatures must cross-recover both ways.
// eosjs is a second serializer oracle, and checks context-free-data digests. A failing case prints its seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as W from '@wharfkit/antelope';
import eosjsSig from 'eosjs/dist/eosjs-jssig.js';
import eosjsSer from 'eosjs/dist/eosjs-serialize.js';
import {
  AbiSerializer,
  Abi,
  PackedTransaction,
  PrivateKey,
  PublicKey,
  Signature,
  Transaction,
  bytesToHex,
  sha256,
  packContextFreeData,
} from '../../abi/antelope/index.js';
import { Prng } from './prng.js';
import { randomAbi, randomName, randomValue } from './antelope-generators.js';

const SEED = Number(process.env.PEEROS_PROPERTY_SEED ?? 20261127);
const ABI_CASES = 250;
const VALUES_PER_ABI = 3;
const EOSJS_ABI_CASES = 150;
const TRX_CASES = 250;
const SIG_CASES = 60;

/** Plain JSON (what each side would put on the wire). */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

function numbersAsStrings(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(numbersAsStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersAsStrings(x)]));
  return v;
}

function withSeed<T>(seed: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    (e as Error).message = `[${what}, seed ${seed}] ${(e as Error).message}`;
    throw e;
  }
}

test('random ABIs and values: identical bytes, decode back equal, both ways', () => {
  let values = 0;
  for (let i = 0; i < ABI_CASES; i++) {
    const seed = SEED + i;
    withSeed(seed, 'abi', () => {
      const r = new Prng(seed);
      const { abi, root } = randomAbi(r);
      const ours = new AbiSerializer(abi).validate();
      const wabi = W.ABI.from(abi as never);
      // the ABI itself: binary abi_def identical, and each side decodes the other's
      const abiBytes = Abi.from(abi).toBinary();
      assert.is(bytesToHex(abiBytes), W.Serializer.encode({ object: wabi }).hexString, 'abi_def bytes');
      assert.ok(Abi.from(W.Serializer.encode({ object: wabi }).array).equals(abi));
      for (let j = 0; j < VALUES_PER_ABI; j++) {
        const value = randomValue(r, abi, root);
        const mine = ours.encode(root, value);
        const theirs = W.Serializer.encode({ object: value, type: root, abi: wabi }).array;
        assert.is(bytesToHex(mine), bytesToHex(theirs), `bytes of ${JSON.stringify(value)}`);
        // ours decodes to the value we encoded (64-bit integers come back as numbers when
        // |v| ≤ 0xffffffff, as Leap prints them, so numbers are compared as strings)
        assert.equal(numbersAsStrings(plain(ours.decode(root, mine))), numbersAsStrings(plain(value)));
        assert.is(bytesToHex(ours.encode(root, ours.decode(root, mine))), bytesToHex(mine));
        // wharfkit's decoding, as JSON, encodes with ours to the same bytes
        const wdec = plain(W.Serializer.decode({ data: mine, type: root, abi: wabi }));
        // wharfkit reports absent binary extensions as null; ours leaves them out
        const ourDec = ours.decode(root, mine) as Record<string, unknown>;
        for (const k of Object.keys(wdec)) if (!(k in ourDec)) delete wdec[k];
        assert.is(bytesToHex(ours.encode(root, wdec)), bytesToHex(mine), 'wharfkit JSON re-encoded by ours');
        values++;
      }
    });
  }
  assert.ok(values >= ABI_CASES * VALUES_PER_ABI);
});

function randomTransaction(r: Prng) {
  const action = () => ({
    account: randomName(r),
    name: randomName(r),
    authorization: Array.from({ length: r.int(3) }, () => ({ actor: randomName(r), permission: randomName(r) })),
    data: Buffer.from(r.bytes(r.int(r.int(10) === 0 ? 300 : 60))).toString('hex'),
  });
  const ms = r.range(0, 4102444800) * 1000;
  return {
    expiration: new Date(ms).toISOString().slice(0, 19),
    ref_block_num: r.range(0, 65535),
    ref_block_prefix: r.u32(),
    max_net_usage_words: r.pick([0, 1, 127, 128, r.u32()]),
    max_cpu_usage_ms: r.range(0, 255),
    delay_sec: r.pick([0, r.int(3600), r.u32()]),
    context_free_actions: Array.from({ length: r.int(3) === 0 ? r.int(3) : 0 }, action),
    actions: Array.from({ length: r.range(0, 4) }, action),
    transaction_extensions: Array.from({ length: r.int(4) === 0 ? 1 : 0 }, () => ({
      type: r.range(0, 65535),
      data: Buffer.from(r.bytes(r.int(20))).toString('hex'),
    })),
  };
}

/** eosjs takes float128 as bare hex; ours and wharfkit print it 0x-prefixed, as Leap does. */
function forEosjs(v: unknown): unknown {
  if (typeof v === 'string' && /^0x[0-9a-f]{32}$/.test(v)) return v.slice(2);
  if (Array.isArray(v)) return v.map(forEosjs);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forEosjs(x)]));
  return v;
}

test('random ABIs and values: identical bytes with eosjs too, and eosjs decodings re-encode', () => {
  const enc = new TextEncoder(),
    dec = new TextDecoder();
  for (let i = 0; i < EOSJS_ABI_CASES; i++) {
    const seed = SEED * 3 + i;
    withSeed(seed, 'eosjs', () => {
      const r = new Prng(seed);
      const { abi, root } = randomAbi(r);
      const ours = new AbiSerializer(abi);
      const types = eosjsSer.getTypesFromAbi(eosjsSer.createInitialTypes(), {
        ...abi,
        tables: [],
        ricardian_clauses: [],
        error_messages: [],
        abi_extensions: [],
      } as never);
      const type = types.get(root)!;
      for (let j = 0; j < VALUES_PER_ABI; j++) {
        const value = randomValue(r, abi, root);
        const mine = ours.encode(root, value);
        const buf = new eosjsSer.SerialBuffer({ textEncoder: enc, textDecoder: dec });
        type.serialize(buf, forEosjs(value));
        assert.is(bytesToHex(buf.asUint8Array()), bytesToHex(mine), `bytes of ${JSON.stringify(value)}`);
        const back = type.deserialize(new eosjsSer.SerialBuffer({ textEncoder: enc, textDecoder: dec, array: mine }));
        assert.is(bytesToHex(ours.encode(root, plain(back))), bytesToHex(mine), 'eosjs JSON re-encoded by ours');
      }
    });
  }
});

test('random transactions: bytes, id, signing digest and packed forms agree with wharfkit', () => {
  for (let i = 0; i < TRX_CASES; i++) {
    const seed = SEED * 7 + i;
    withSeed(seed, 'transaction', () => {
      const r = new Prng(seed);
      const json = randomTransaction(r);
      const chainId = Buffer.from(r.bytes(32)).toString('hex');
      const ours = Transaction.from(json);
      const theirs = W.Transaction.from(json as never);
      const bytes = ours.toBinary();
      assert.is(bytesToHex(bytes), W.Serializer.encode({ object: theirs }).hexString);
      assert.is(ours.id.toString(), theirs.id.hexString);
      assert.is(ours.signingDigest(chainId).toString(), theirs.signingDigest(chainId).hexString);
      // decode back equal, both ways
      assert.ok(Transaction.fromBinary(bytes).equals(ours));
      const wback = W.Serializer.decode({ data: bytes, type: W.Transaction }) as W.Transaction;
      assert.ok(Transaction.from(plain(wback)).equals(ours));
      // wharfkit's packed transactions (zlib by default) unpack with ours, and ours with wharfkit
      const wpacked = W.PackedTransaction.fromSigned(W.SignedTransaction.from({ ...theirs, signatures: [] }));
      const p = PackedTransaction.from(plain(wpacked));
      assert.is(p.compression, 'zlib');
      assert.ok(p.getTransaction().equals(ours));
      assert.is(p.id.toString(), theirs.id.hexString);
      for (const c of ['none', 'zlib'] as const) {
        const mine = PackedTransaction.fromSigned(ours, [], [], c);
        // wharfkit takes compression as a number; Leap (and we) print "none" / "zlib"
        const w = W.PackedTransaction.from({ ...plain(mine), compression: c === 'zlib' ? 1 : 0 } as never);
        assert.is(w.getTransaction().id.hexString, theirs.id.hexString);
      }
    });
  }
});

test('signing digest with context-free data matches eosjs digestFromSerializedData', () => {
  const r = new Prng(SEED ^ 0xcfd);
  for (let i = 0; i < 50; i++) {
    const ours = Transaction.from(randomTransaction(r));
    const chainId = Buffer.from(r.bytes(32)).toString('hex');
    const cfd = Array.from({ length: r.range(1, 3) }, () => r.bytes(r.int(30)));
    const packedCfd = packContextFreeData(cfd);
    const theirs = Buffer.from(eosjsSig.digestFromSerializedData(chainId, ours.toBinary(), packedCfd)).toString('hex');
    assert.is(ours.signingDigest(chainId, cfd).toString(), theirs);
    const none = Buffer.from(eosjsSig.digestFromSerializedData(chainId, ours.toBinary())).toString('hex');
    assert.is(ours.signingDigest(chainId).toString(), none);
    for (const c of ['none', 'zlib'] as const) {
      const p = PackedTransaction.fromSigned(ours, [], cfd, c);
      assert.is(p.signingDigest(chainId).toString(), theirs);
      assert.equal(p.getContextFreeData().map(bytesToHex), cfd.map(bytesToHex));
    }
  }
});

test('our canonical signatures recover with wharfkit and eosjs; theirs recover with ours', () => {
  const r = new Prng(SEED ^ 0x51);
  for (let i = 0; i < SIG_CASES; i++) {
    const key = PrivateKey.generate((n) => r.bytes(n));
    const wkey = W.PrivateKey.from(key.toWif());
    const digest = sha256(r.bytes(40));
    const wdigest = W.Checksum256.from(digest);
    const pub = key.toPublic();
    assert.is(wkey.toPublic().toString(), pub.toString());
    assert.is(wkey.toString(), key.toString());

    const sig = key.sign(digest);
    assert.ok(sig.isCanonical);
    const wsig = W.Signature.from(sig.toString());
    assert.is(wsig.recoverDigest(wdigest).toString(), pub.toString());
    assert.ok(wsig.verifyDigest(wdigest, W.PublicKey.from(pub.toString())));
    const esig = eosjsSig.Signature.fromString(sig.toString());
    assert.is(esig.recover(Buffer.from(digest), false).toString(), pub.toString());

    const theirs = wkey.signDigest(wdigest);
    const back = Signature.from(theirs.toString());
    assert.ok(back.isCanonical);
    assert.ok(back.recover(digest).equals(pub));
    assert.ok(back.verify(digest, pub));
    assert.not.ok(back.verify(sha256(digest), pub));
    assert.ok(PublicKey.from(pub.toLegacyString()).equals(wkey.toPublic().toLegacyString()));
  }
});

test("R1: our signatures recover with wharfkit, wharfkit's with ours", () => {
  const r = new Prng(SEED ^ 0x71);
  for (let i = 0; i < 10; i++) {
    const key = PrivateKey.generate((n) => r.bytes(n), 1);
    const wkey = W.PrivateKey.from(key.toString());
    assert.is(wkey.toPublic().toString(), key.toPublic().toString());
    const digest = sha256(r.bytes(40));
    const sig = key.sign(digest);
    assert.is(W.Signature.from(sig.toString()).recoverDigest(W.Checksum256.from(digest)).toString(), key.toPublic().toString());
    const theirs = Signature.from(wkey.signDigest(W.Checksum256.from(digest)).toString());
    assert.ok(theirs.recover(digest).equals(key.toPublic()));
    assert.ok(theirs.verify(digest, key.toPublic()));
  }
});

test.run();
