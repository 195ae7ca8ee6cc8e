// Published vectors from the @wharfkit/antelope and eosjs test suites, and transactions recorded
// from real chains, checked against our Antelope core (test/vectors/antelope/*.json).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AbiSerializer,
  Abi,
  Asset,
  BlockId,
  AssetSymbol,
  AntelopeError,
  BlockTimestamp,
  Checksum160,
  Checksum256,
  Checksum512,
  KeyType,
  Name,
  PackedTransaction,
  PermissionLevel,
  PrivateKey,
  PublicKey,
  Signature,
  Transaction,
  bytesToHex,
  hexToBytes,
  sha256,
} from '../../abi/antelope/index.js';
import { vectors } from './vector-file.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

function throwsCode(fn: () => unknown, code?: string): AntelopeError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, AntelopeError);
    if (code) assert.is((e as AntelopeError).code, code);
    return e as AntelopeError;
  }
  assert.unreachable('expected an AntelopeError');
  throw new Error('unreachable');
}

// ---- wharfkit crypto ---------------------------------------------------------------------------
const crypto = vectors('wharfkit-crypto.json');

test('wharfkit: K1 private keys parse from WIF and PVT_K1_, print both, derive the public key', () => {
  for (const k of crypto.k1_keys) {
    const key = PrivateKey.from(k.wif);
    if (k.private) {
      assert.is(key.toString(), k.private);
      assert.is(PrivateKey.from(k.private).toWif(), k.wif);
    }
    if (k.private_hex) assert.is(bytesToHex(key.data), k.private_hex);
    const pub = key.toPublic();
    assert.is(pub.toString(), k.public);
    assert.is(pub.toLegacyString(), k.legacy);
    assert.ok(PublicKey.from(k.legacy).equals(k.public));
    assert.is(PublicKey.from(k.legacy).toString(), k.public);
    if (k.public_hex) assert.is(bytesToHex(pub.data), k.public_hex);
  }
});

test('wharfkit: public key and signature binary forms', () => {
  for (const v of crypto.public_key_binary) {
    const s = new AbiSerializer({});
    assert.is(bytesToHex(s.encode('public_key', v.public)), v.hex);
    assert.is(s.decode('public_key', hexToBytes(v.hex)), v.public);
  }
  for (const v of crypto.signature_binary) {
    const s = new AbiSerializer({});
    assert.is(bytesToHex(s.encode('signature', v.signature)), v.hex);
    assert.is(s.decode('signature', hexToBytes(v.hex)), v.signature);
    assert.is(Signature.from(v.signature).toString(), v.signature);
  }
});

test('wharfkit: R1 keys and K1/R1 signatures round-trip as strings', () => {
  for (const s of crypto.round_trip_strings.private) assert.is(PrivateKey.from(s).toString(), s);
  for (const s of crypto.round_trip_strings.public) assert.is(PublicKey.from(s).toString(), s);
  for (const s of crypto.round_trip_strings.signature) assert.is(Signature.from(s).toString(), s);
  const r1 = PublicKey.from(crypto.round_trip_strings.public[0]);
  assert.is(r1.type, KeyType.R1);
  throwsCode(() => r1.toLegacyString(), 'INVALID_KEY');
  throwsCode(() => PrivateKey.from(crypto.round_trip_strings.private[0]).toWif(), 'INVALID_KEY');
});

test('wharfkit: R1 public from private, message signing and recovery (K1 and R1)', () => {
  for (const k of crypto.r1_keys) assert.is(PrivateKey.from(k.private).toPublic().toString(), k.public);
  const m = crypto.message_sign;
  const msg = utf8(m.message_utf8);
  for (const [priv, pub] of [
    [m.wif, m.public],
    [m.r1_private, m.r1_public],
  ] as const) {
    const sig = PrivateKey.from(priv).signMessage(msg);
    assert.ok(sig.verifyMessage(msg, pub));
    assert.is(sig.recoverMessage(msg).toString(), pub);
    assert.not.ok(sig.verifyMessage(utf8('beef'), pub));
  }
  assert.not.ok(PrivateKey.from(m.wif).signMessage(msg).verifyMessage(msg, m.other_public));
  assert.is(PublicKey.from(m.public).toLegacyString('FIO'), `FIO${PublicKey.from(m.public).toLegacyString().slice(3)}`);
});

test('wharfkit: ECDH shared secrets', () => {
  for (const v of crypto.shared_secrets) {
    assert.is(PrivateKey.from(v.private1).sharedSecret(v.public2).toString(), v.secret);
    assert.is(PrivateKey.from(v.private2).sharedSecret(v.public1).toString(), v.secret);
  }
});

test('wharfkit: keys with a wrong checksum are refused', () => {
  for (const s of crypto.bad_checksum.private) {
    const e = throwsCode(() => PrivateKey.from(s), 'INVALID_KEY');
    assert.match(e.message, /checksum/);
  }
});

test('wharfkit: sha256 / sha512 / ripemd160 checksums', () => {
  for (const c of crypto.hashes.cases) {
    if (c.sha256) assert.is(Checksum256.hash(utf8(c.utf8)).toString(), c.sha256);
    if (c.sha512) assert.is(Checksum512.hash(utf8(c.utf8)).toString(), c.sha512);
    if (c.ripemd160) assert.is(Checksum160.hash(utf8(c.utf8)).toString(), c.ripemd160);
  }
});

// ---- eosjs keys --------------------------------------------------------------------------------
const ekeys = vectors('eosjs-keys.json');

test('eosjs: WIF keys give the published PUB_K1_ and legacy public keys', () => {
  ekeys.private_wif.forEach((wif: string, i: number) => {
    const pub = PrivateKey.from(wif).toPublic();
    assert.is(pub.toString(), ekeys.k1_public[i]);
    assert.is(pub.toLegacyString(), ekeys.legacy_public[i]);
    assert.is(PublicKey.from(ekeys.legacy_public[i]).toString(), ekeys.k1_public[i]);
  });
  ekeys.r1_private.forEach((s: string, i: number) => {
    assert.is(PrivateKey.from(s).toString(), s);
    assert.is(PrivateKey.from(s).toPublic().toString(), ekeys.r1_public[i]);
  });
  for (const s of ekeys.r1_public) assert.is(PublicKey.from(s).toString(), s);
  for (const s of ekeys.signatures) assert.is(Signature.from(s).toString(), s);
});

test('eosjs: sign sha256("some string"), recover and verify (canonical)', () => {
  const digest = sha256(utf8(ekeys.sign_recover_message));
  ekeys.private_wif.forEach((wif: string, i: number) => {
    const sig = PrivateKey.from(wif).sign(digest);
    assert.ok(sig.isCanonical);
    assert.is(sig.recover(digest).toString(), ekeys.k1_public[i]);
    assert.ok(sig.verify(digest, ekeys.legacy_public[i]));
    assert.not.ok(sig.verify(sha256(utf8('other')), ekeys.k1_public[i]));
  });
});

// ---- wharfkit serializer -----------------------------------------------------------------------
const ser = vectors('wharfkit-serializer.json');
const serializerFor = (abi?: string) => new AbiSerializer(abi ? ser.abis[abi] : {});

test('wharfkit serializer: JSON → binary → JSON', () => {
  for (const c of ser.cases) {
    const s = serializerFor(c.abi);
    assert.is(bytesToHex(s.encode(c.type, c.json)), c.hex, `${c.source} encode`);
    assert.equal(s.decode(c.type, hexToBytes(c.hex)), c.json, `${c.source} decode`);
  }
});

test('wharfkit serializer: malformed binary and unknown or circular types are refused', () => {
  for (const c of ser.decode_errors) throwsCode(() => serializerFor(c.abi).decode(c.type, hexToBytes(c.hex)));
});

test('wharfkit serializer: bad JSON values are refused, naming the field path', () => {
  for (const c of ser.encode_errors) {
    const e = throwsCode(() => serializerFor(c.abi).encode(c.type, c.json));
    if (c.our_path) assert.is(e.path, c.our_path);
  }
});

// ---- wharfkit chain ----------------------------------------------------------------------------
const chain = vectors('wharfkit-chain.json');

test('wharfkit: names ↔ u64', () => {
  for (const n of chain.names) {
    assert.is(Name.from(n.name).value.toString(), n.u64);
    assert.is(Name.from(BigInt(n.u64)).toString(), n.name);
  }
});

test('wharfkit: assets and symbols', () => {
  for (const s of chain.asset_round_trip.strings) assert.is(Asset.from(s).toString(), s);
  for (const a of chain.asset_units) assert.is(Asset.from(a.asset).units.toString(), a.units);
  for (const s of chain.asset_invalid.strings) throwsCode(() => Asset.from(s));
  for (const s of chain.symbol_invalid.strings) throwsCode(() => AssetSymbol.from(s), 'INVALID_SYMBOL');
  for (const b of chain.block_timestamp) assert.is(BlockTimestamp.from(b.string).toString(), b.string);
  for (const p of chain.permission_level) assert.ok(PermissionLevel.from(p.string).equals(p.json));
});

test('wharfkit: block ids and TaPoS', () => {
  const [a, b] = chain.block_ids;
  const id = BlockId.from(a.id);
  assert.is(id.blockNum, a.block_num);
  assert.is(id.tapos.ref_block_num, a.block_num & 0xffff);
  assert.is(id.tapos.ref_block_prefix, Buffer.from(a.id, 'hex').readUInt32LE(8));
  const id2 = BlockId.fromBlockChecksum(b.checksum, b.block_num);
  assert.is(id2.toString(), b.id);
  assert.is(id2.blockNum, 7);
});

test('wharfkit: transaction id', () => {
  for (const v of chain.transaction_id) {
    const trx = Transaction.from(v.transaction, v.abi);
    assert.is(trx.id.toString(), v.id);
  }
});

// ---- eosjs api ---------------------------------------------------------------------------------
const eapi = vectors('eosjs-api.json');

test('eosjs: serialized transaction ↔ deserialized transaction', () => {
  const bytes = Uint8Array.from(eapi.serialized_transaction);
  const trx = Transaction.fromBinary(bytes);
  const json = trx.toJSON() as any;
  const want = eapi.deserialized_transaction;
  assert.ok(trx.expiration.equals(want.expiration));
  for (const k of ['ref_block_num', 'ref_block_prefix', 'max_net_usage_words', 'max_cpu_usage_ms', 'delay_sec'])
    assert.is(json[k], want[k], k);
  assert.equal(json.actions, want.actions);
  assert.equal(json.context_free_actions, want.context_free_actions);
  assert.equal(json.transaction_extensions, want.transaction_extensions);
  assert.is(bytesToHex(Transaction.from(want).toBinary()), bytesToHex(bytes));
});

test('eosjs: the binary testeostoken ABI decodes, re-encodes byte for byte, and serializes its actions', () => {
  const raw = new Uint8Array(Buffer.from(eapi.abi_base64, 'base64'));
  const abi = Abi.from(raw);
  assert.is(abi.version, 'eosio::abi/1.0');
  assert.ok(abi.actions[0]!.ricardian_contract.startsWith('## Transfer Terms & Conditions'));
  // an abi/1.0 binary ends before the variants/action_results extensions; like Leap we always
  // write both (two empty lists), so the re-encoding is the original plus 00 00
  assert.is(bytesToHex(abi.toBinary()), `${bytesToHex(raw)}0000`);
  assert.ok(Abi.from(JSON.stringify(abi)).equals(abi));
  const s = new AbiSerializer(abi).validate();
  eapi.deserialized_actions.forEach((a: any, i: number) => {
    const hex = eapi.serialized_actions[i].data.toLowerCase();
    assert.is(bytesToHex(s.encodeAction(a.name, a.data)), hex);
    assert.equal(s.decodeAction(a.name, hexToBytes(hex)), a.data);
  });
});

test('eosjs: asset and bool validation', () => {
  const s = new AbiSerializer({});
  for (const a of eapi.asset_valid) assert.is(s.decode('asset', s.encode('asset', a)), a);
  for (const a of eapi.asset_invalid) throwsCode(() => s.encode('asset', a), 'INVALID_ASSET');
  for (const [v, hex] of eapi.bool_valid) assert.is(bytesToHex(s.encode('bool', v)), hex);
  for (const v of eapi.bool_invalid) throwsCode(() => s.encode('bool', v), 'INVALID_VALUE');
});

// ---- recorded chain transactions ---------------------------------------------------------------
const blocks = vectors('wharfkit-recorded-blocks.json');

test('recorded blocks: id = sha256(packed_trx), headers and actions decode as the node printed them', () => {
  assert.ok(blocks.transactions.length >= 10);
  for (const t of blocks.transactions) {
    const p = PackedTransaction.from(t);
    assert.is(p.id.toString(), t.id);
    const trx = p.getTransaction();
    assert.is(trx.id.toString(), t.id);
    const want = t.transaction;
    assert.ok(trx.expiration.equals(want.expiration));
    assert.is(trx.ref_block_num, want.ref_block_num);
    assert.is(trx.ref_block_prefix, want.ref_block_prefix);
    assert.is(trx.max_net_usage_words, want.max_net_usage_words);
    assert.is(trx.max_cpu_usage_ms, want.max_cpu_usage_ms);
    assert.is(trx.delay_sec, want.delay_sec);
    assert.is(trx.actions.length, want.actions.length);
    trx.actions.forEach((a, i) => {
      const w = want.actions[i];
      assert.is(a.account.toString(), w.account);
      assert.is(a.name.toString(), w.name);
      assert.equal(
        a.authorization.map((x) => x.toJSON()),
        w.authorization,
      );
      if (w.hex_data) assert.is(bytesToHex(a.data), w.hex_data);
    });
    // our packing reproduces the chain's packed_trx byte for byte (uncompressed form)
    assert.is(bytesToHex(trx.toBinary()), bytesToHex(p.rawTransaction));
    // JSON body round trip
    assert.equal(PackedTransaction.from(p.toJSON()).toJSON(), p.toJSON());
  }
});

test('recorded blocks: chain-accepted signatures are canonical and recover over our signing digest', () => {
  for (const t of blocks.transactions) {
    const p = PackedTransaction.from(t);
    const digest = p.signingDigest(t.chain_id);
    for (const s of p.signatures) {
      assert.ok(s.isCanonical, 'a chain-accepted K1 signature is canonical');
      const key = s.recover(digest);
      assert.ok(s.verify(digest, key));
    }
  }
});

test.run();
