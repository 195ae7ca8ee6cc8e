import { open } from 'lmdb';
const db = open({ path: '/tmp/st100k', keyEncoding: 'binary', encoding: 'binary', compression: false, readOnly: true });
// collect account keys ('S' ‖ u64 ‖ 0x00)
const keys = [];
for (const k of db.getKeys({ start: new Uint8Array([0x53]), end: new Uint8Array([0x54]) })) if (k.length === 10 && k[9] === 0) keys.push(new Uint8Array(k));
console.log('accounts', keys.length);
const mode = process.argv[2];
const CACHE = 16384; const cache = new Array(CACHE).fill(null);
let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
const dec = new TextDecoder('latin1');
const N = 400_000;
for (let round = 0; round < 3; round++) {
  const t0 = process.hrtime.bigint();
  let tot = 0;
  for (let i = 0; i < N; i++) {
    const k = keys[rnd() % keys.length];
    const v = db.getBinaryFast(k);
    const view = v.subarray(0, v.length);
    tot += view.length;
    let x;
    if (mode === 'copy') x = new Uint8Array(view);
    else if (mode === 'str') x = { h: view.slice(0, 32), s: Buffer.from(view.buffer, view.byteOffset + 33, view.length - 33).latin1Slice() };
    else x = view[5];
    cache[rnd() % CACHE] = x;
  }
  console.log(mode, 'mean size', (tot / N).toFixed(0), 'µs/read', (Number(process.hrtime.bigint() - t0) / 1e3 / N).toFixed(3));
}
