// Behaviour of the value codecs: binary reader/writer, name rules, assets and symbols, times,
// keys and signatures — the edges the published vectors do not reach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AntelopeError,
  Asset,
  AssetSymbol,
  BinaryReader,
  BinaryWriter,
  BlockTimestamp,
  KeyType,
  Name,
  PrivateKey,
  PublicKey,
  Signature,
  SymbolCode,
  TimePoint,
  encodeWith,
  TimePointSec,
  bytesToHex,
  describe,
  hexToBytes,
  isCanonical,
  sha256,
  MAX_ASSET_AMOUNT,
} from '../../abi/antelope/index.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.instance(e, AntelopeError);
    return (e as AntelopeError).code;
  }
  assert.unreachable('expected an AntelopeError');
  return '';
}

const DEV_WIF = '5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3'; // the public EOSIO dev key

test('writer grows geometrically and keeps earlier bytes', () => {
  const w = new BinaryWriter(1);
  for (let i = 0; i < 10000; i++) w.u8(i & 0xff);
  w.raw(new Uint8Array(70000).fill(7));
  const out = w.finish();
  assert.is(out.length, 80000);
  assert.is(out[9999], 9999 & 0xff);
  assert.is(out[79999], 7);
  w.reset();
  assert.is(w.finish().length, 0);
});

test('encodeWith: reused scratch writer, nesting safe, copies out', () => {
  const a = encodeWith((w) => {
    w.u8(1);
    const inner = encodeWith((v) => {
      v.u8(2);
      v.u8(3);
    });
    w.raw(inner);
    w.u8(4);
  });
  assert.is(bytesToHex(a), '01020304');
  const b = encodeWith((w) => w.u8(9));
  assert.is(bytesToHex(a), '01020304'); // the first result is a copy, not a view of the scratch buffer
  assert.is(bytesToHex(b), '09');
  assert.throws(
    () =>
      encodeWith(() => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.is(bytesToHex(encodeWith((w) => w.u16(0x0102))), '0201');
  const big = encodeWith((w) => w.raw(new Uint8Array(200000)));
  assert.is(big.length, 200000);
});

test('varuint32 / varint32 encodings and limits', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [0xffffffff, 'ffffffff0f'],
  ];
  for (const [v, hex] of cases) {
    const w = new BinaryWriter();
    w.varuint32(v);
    assert.is(bytesToHex(w.finish()), hex);
    assert.is(new BinaryReader(hexToBytes(hex)).varuint32(), v);
  }
  for (const v of [-1, 0, 1, -64, 63, 64, -2147483648, 2147483647]) {
    const w = new BinaryWriter();
    w.varint32(v);
    assert.is(new BinaryReader(w.finish()).varint32(), v);
  }
  const w = new BinaryWriter();
  w.varint32(-1);
  assert.is(bytesToHex(w.finish()), '01'); // zigzag
  assert.is(
    code(() => new BinaryWriter().varuint32(-1)),
    'INVALID_VALUE',
  );
  assert.is(
    code(() => new BinaryWriter().varuint32(2 ** 32)),
    'INVALID_VALUE',
  );
  assert.is(
    code(() => new BinaryWriter().varuint32(1.5)),
    'INVALID_VALUE',
  );
  assert.is(
    code(() => new BinaryReader(hexToBytes('ffffffffff01')).varuint32()),
    'DECODE_INVALID',
  );
  assert.is(
    code(() => new BinaryReader(hexToBytes('ffffffff1f')).varuint32()),
    'DECODE_INVALID',
  );
});

test('reader refuses to read past the end, saying what it wanted', () => {
  const r = new BinaryReader(hexToBytes('0102'));
  try {
    r.u32();
    assert.unreachable();
  } catch (e) {
    assert.is((e as AntelopeError).code, 'DECODE_EOF');
    assert.match((e as Error).message, /expected 4 byte\(s\) for uint32 at offset 0, only 2 left/);
  }
  assert.is(
    code(() => new BinaryReader(hexToBytes('02')).bool()),
    'DECODE_INVALID',
  );
  assert.is(
    code(() => new BinaryReader(hexToBytes('0a41')).string()),
    'DECODE_EOF',
  );
  assert.is(
    code(() => new BinaryReader(hexToBytes('02c328')).string()),
    'DECODE_INVALID',
  ); // bad UTF-8
});

test('strings: ASCII fast path and multi-byte UTF-8 agree with Buffer', () => {
  for (const s of ['', 'hello', 'héllo ☃ 😀', 'x'.repeat(127), 'y'.repeat(128), '日本'.repeat(100)]) {
    const w = new BinaryWriter(2);
    w.string(s);
    const bytes = w.finish();
    const len = Buffer.byteLength(s);
    const r = new BinaryReader(bytes);
    assert.is(r.varuint32(), len);
    assert.is(Buffer.from(r.raw(len)).toString('utf8'), s);
    assert.is(new BinaryReader(bytes).string(), s);
  }
});

test('name: 13 characters, 13th limited to .1-5a-j, non-normalised input refused', () => {
  assert.is(Name.from('zzzzzzzzzzzzj').value, 0xffffffffffffffffn);
  assert.is(Name.from('').value, 0n);
  assert.is(Name.from('eosio.token').value.toString(), '6138663591592764928');
  assert.is(Name.from(0xffffffffffffffffn).toString(), 'zzzzzzzzzzzzj');
  for (const bad of ['zzzzzzzzzzzzz', 'aaaaaaaaaaaak', 'Alice', 'a-b', 'abc.', '.', 'aaaaaaaaaaaaaa', 'a b', 'é']) {
    assert.is(
      code(() => Name.from(bad)),
      'INVALID_NAME',
      bad,
    );
  }
  assert.is(
    code(() => Name.from(12 as never)),
    'INVALID_NAME',
  );
  assert.ok(Name.from('.a').equals('.a'));
  assert.ok(Name.from('alice').equals(Name.from(Name.from('alice').value)));
  // every u64 decodes to a normalised name that parses back to the same u64
  for (const v of [1n, 0x8000000000000000n, 0x123456789abcdef0n, 31n, 0xfn << 4n]) {
    const n = Name.fromU64(v);
    assert.is(Name.from(n.toString()).value, v);
  }
});

test('asset: range 2^62, precision ≤ 18, signs and padding', () => {
  assert.is(Asset.from('0.0001 EOS').toString(), '0.0001 EOS');
  assert.is(Asset.from('-0.0001 EOS').units, -1n);
  assert.is(Asset.from('100 RAW').toString(), '100 RAW');
  assert.is(Asset.fromUnits(5, '4,EOS').toString(), '0.0005 EOS');
  assert.is(new Asset(MAX_ASSET_AMOUNT, '0,MAX').toString(), `${MAX_ASSET_AMOUNT} MAX`);
  assert.is(
    code(() => new Asset(MAX_ASSET_AMOUNT + 1n, '0,MAX')),
    'INVALID_ASSET',
  );
  assert.is(
    code(() => Asset.from('4611686018427387904 MAX')),
    'INVALID_ASSET',
  );
  assert.is(
    code(() => Asset.from('1.0000000000000000000 EOS')),
    'INVALID_ASSET',
  ); // 19 decimals
  assert.is(
    code(() => Asset.from('1,0 EOS')),
    'INVALID_ASSET',
  );
  assert.is(Asset.from('1.5 EOS').value, 1.5);
  assert.ok(Asset.from('1.0 EOS').equals('1.0 EOS'));
  assert.not.ok(Asset.from('1.0 EOS').equals('1.00 EOS'));
  assert.is(AssetSymbol.from('18,ABCDEFG').toString(), '18,ABCDEFG');
  assert.is(
    code(() => AssetSymbol.from('19,EOS')),
    'INVALID_SYMBOL',
  );
  assert.is(
    code(() => SymbolCode.from('ABCDEFGH')),
    'INVALID_SYMBOL',
  );
  assert.is(
    code(() => AssetSymbol.decode(new BinaryReader(hexToBytes('0465006f00000000')))),
    'DECODE_INVALID',
  ); // lower case
  assert.is(
    code(() => AssetSymbol.decode(new BinaryReader(hexToBytes('0445004f00000000')))),
    'DECODE_INVALID',
  ); // gap
  assert.is(
    code(() => AssetSymbol.decode(new BinaryReader(hexToBytes('13454f5300000000')))),
    'DECODE_INVALID',
  ); // precision 19
});

test('times: ISO forms, microseconds kept, ranges checked', () => {
  assert.is(TimePoint.from('2009-02-13T23:31:30.123').micros, 1234567890123000);
  assert.is(TimePoint.from('2009-02-13T23:31:30.123456').toString(), '2009-02-13T23:31:30.123456');
  assert.is(TimePoint.from('2009-02-13T23:31:30Z').toString(), '2009-02-13T23:31:30.000');
  assert.is(TimePointSec.from('2009-02-13T23:31:30').seconds, 1234567890);
  assert.is(TimePointSec.from('2106-02-07T06:28:15').seconds, 0xffffffff);
  assert.is(
    code(() => TimePointSec.from('2106-02-07T06:28:16')),
    'INVALID_TIME',
  );
  assert.is(
    code(() => TimePoint.from('yesterday')),
    'INVALID_TIME',
  );
  assert.is(
    code(() => TimePoint.from('2020-13-01T00:00:00')),
    'INVALID_TIME',
  );
  assert.is(BlockTimestamp.from('2000-01-01T00:00:00.500').slot, 1);
  assert.is(new BlockTimestamp(3).toString(), '2000-01-01T00:00:01.500');
});

test('private keys: range-checked scalars, generation, clear()', () => {
  assert.is(
    code(() => new PrivateKey(KeyType.K1, new Uint8Array(32))),
    'INVALID_KEY',
  );
  const n = hexToBytes('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
  assert.is(
    code(() => new PrivateKey(KeyType.K1, n)),
    'INVALID_KEY',
  );
  assert.is(
    code(() => PrivateKey.from('not a key')),
    'INVALID_VALUE',
  );
  let calls = 0;
  const k = PrivateKey.generate((len) => {
    calls++;
    return calls === 1 ? new Uint8Array(len) : new Uint8Array(len).fill(1);
  });
  assert.is(calls, 2); // the zero scalar was refused and another drawn
  assert.is(k.toPublic().type, KeyType.K1);
  const fresh = PrivateKey.generate();
  assert.is(PrivateKey.from(fresh.toWif()).toString(), fresh.toString());
  fresh.clear();
  assert.ok(fresh.data.every((b) => b === 0));
});

test('canonical signing: header 31..34, r and s canonical, deterministic per digest', () => {
  const key = PrivateKey.from(DEV_WIF);
  const pub = key.toPublic();
  assert.is(pub.toLegacyString(), 'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV');
  for (let i = 0; i < 40; i++) {
    const d = sha256(Uint8Array.of(i));
    const s = key.sign(d);
    assert.ok(s.data[0]! >= 31 && s.data[0]! <= 34);
    assert.ok(isCanonical(s.data));
    assert.ok(s.recover(d).equals(pub));
    assert.ok(key.sign(d).equals(s));
  }
  assert.is(
    code(() => key.sign(new Uint8Array(31))),
    'INVALID_VALUE',
  );
});

test('isCanonical: top bit and redundant leading zero of r and s', () => {
  const base = () => {
    const c = new Uint8Array(65);
    c[1] = 0x40;
    c[33] = 0x40;
    return c;
  };
  assert.ok(isCanonical(base()));
  let c = base();
  c[1] = 0x80;
  assert.not.ok(isCanonical(c));
  c = base();
  c[33] = 0x80;
  assert.not.ok(isCanonical(c));
  c = base();
  c[1] = 0;
  c[2] = 0x7f;
  assert.not.ok(isCanonical(c));
  c = base();
  c[1] = 0;
  c[2] = 0x80;
  assert.ok(isCanonical(c));
  c = base();
  c[33] = 0;
  c[34] = 0x01;
  assert.not.ok(isCanonical(c));
});

test('signatures: bad headers, wrong keys, R1 and tampered strings', () => {
  const key = PrivateKey.from(DEV_WIF);
  const d = sha256(Uint8Array.of(9));
  const s = key.sign(d);
  const bad = new Signature(KeyType.K1, s.data.slice());
  bad.data[0] = 5;
  assert.is(
    code(() => bad.recover(d)),
    'RECOVER_FAILED',
  );
  assert.ok(s.recover(d, { requireCanonical: true }).equals(key.toPublic()));
  // flip s to n - s: still a valid ECDSA signature (high S), recovers with the other parity,
  // but s now has its top bit set, so a node refuses it
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const sv = BigInt(`0x${bytesToHex(s.data.subarray(33))}`);
  const high = new Signature(KeyType.K1, s.data.slice());
  high.data.set(hexToBytes((n - sv).toString(16).padStart(64, '0')), 33);
  high.data[0] = 31 + ((s.recid ^ 1) & 3);
  assert.ok(high.recover(d).equals(key.toPublic()));
  assert.not.ok(high.isCanonical);
  assert.is(
    code(() => high.recover(d, { requireCanonical: true })),
    'RECOVER_FAILED',
  );
  assert.not.ok(s.verify(d, PrivateKey.generate().toPublic()));
  const r1key = PrivateKey.generate(undefined, KeyType.R1);
  const r1 = r1key.sign(d);
  assert.is(r1.type, KeyType.R1);
  assert.ok(r1.recover(d).equals(r1key.toPublic()));
  assert.ok(r1.verify(d, r1key.toPublic()));
  assert.not.ok(r1.verify(d, key.toPublic())); // a K1 key never verifies an R1 signature
  assert.is(
    code(() => key.sharedSecret(r1key.toPublic())),
    'INVALID_KEY',
  );
  assert.is(
    code(() => r1key.toWif()),
    'INVALID_KEY',
  );
  const str = s.toString();
  const tampered = str.slice(0, -2) + (str.endsWith('a') ? 'b' : 'a') + str.slice(-1);
  assert.is(
    code(() => Signature.from(tampered)),
    'INVALID_SIGNATURE',
  );
  assert.is(
    code(() => Signature.from('SIG_K2_abc')),
    'INVALID_SIGNATURE',
  );
  assert.is(
    code(() => PublicKey.from('PUB_K1_abc')),
    'INVALID_KEY',
  );
  assert.is(
    code(() => PublicKey.from('XYZ6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV')),
    'INVALID_KEY',
  );
  assert.ok(key.toPublic().isValid());
  const notOnCurve = new PublicKey(KeyType.K1, new Uint8Array(33).fill(0xff));
  assert.not.ok(notOnCurve.isValid());
});

test('key and signature strings longer than their bytes can take are refused before base58 decodes them', () => {
  // base58's decode is quadratic in the string: 60 KB took 2 s, so a string past the most characters
  // its fixed size takes (maxBase58Chars) is refused at once
  const long = '2'.repeat(60_000);
  const started = performance.now();
  for (const [parse, text, want] of [
    [Signature.from, `SIG_K1_${long}`, 'INVALID_SIGNATURE'],
    [Signature.from, `SIG_R1_${long}`, 'INVALID_SIGNATURE'],
    [PublicKey.from, `PUB_K1_${long}`, 'INVALID_KEY'],
    [PublicKey.from, `EOS${long}`, 'INVALID_KEY'],
    [PrivateKey.from, `PVT_K1_${long}`, 'INVALID_KEY'],
    [PrivateKey.from, `5${long}`, 'INVALID_KEY'],
  ] as const) {
    assert.is(
      code(() => (parse as (v: string) => unknown)(text)),
      want,
      text.slice(0, 8),
    );
  }
  assert.ok(performance.now() - started < 200, `${performance.now() - started} ms`);
  // every string a key or signature prints parses back (the bound leaves room for the longest)
  for (let i = 0; i < 300; i++) {
    const type = i % 3 === 0 ? KeyType.R1 : KeyType.K1;
    const key = PrivateKey.generate(undefined, type);
    const sig = key.sign(sha256(Uint8Array.of(i)));
    assert.ok(Signature.from(sig.toString()).equals(sig));
    assert.ok(PublicKey.from(key.toPublic().toString()).equals(key.toPublic()));
    assert.ok(PrivateKey.from(key.toString()).toPublic().equals(key.toPublic()));
    if (type === KeyType.K1) {
      assert.ok(PrivateKey.from(key.toWif()).toPublic().equals(key.toPublic()));
      assert.ok(PublicKey.from(key.toPublic().toLegacyString()).equals(key.toPublic()));
    }
  }
  // a JSON object's own "constructor" key is not taken for a class name in error messages
  assert.is(describe({ constructor: { name: { toString: false } } }), 'object');
  assert.is(describe({ constructor: { name: 'Forged' } }), 'Forged');
  assert.is(describe(new Uint8Array(3)), 'Uint8Array(3)');
  assert.is(
    code(() => PublicKey.from({ constructor: { name: { toString: false } } } as unknown as string)),
    'INVALID_KEY',
  );
  // zeros: the most leading '1's a fixed size has
  const zeros = new PrivateKey(KeyType.K1, Uint8Array.of(...new Array(31).fill(0), 1));
  assert.ok(PrivateKey.from(zeros.toString()).toPublic().equals(zeros.toPublic()));
  assert.ok(PrivateKey.from(zeros.toWif()).toPublic().equals(zeros.toPublic()));
});

test.run();
