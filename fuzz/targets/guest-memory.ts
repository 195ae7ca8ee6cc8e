/**
 * Target `guest-memory`: GuestMemory, the bounds-checked reader of a guest's linear memory. An
 * input is a program of operations (check, copyOut, view, readString, readStringLossy, write,
 * writeU8, writeU32, readU32, checkArea, memory.grow) with pointers and lengths a guest can pass:
 * wasm i32 values (signed, as JS receives them) and u32 values (as read back from memory), biased
 * to the edges (0, -1, page and memory ends, 2^31, 2^32 - 1). Oracles: only BoundaryError; a model
 * of the bounds decides accept/reject exactly (a refused in-bounds range or an accepted
 * out-of-bounds one is a bug); what is read equals what the memory holds; growing refreshes views.
 */
import { BoundaryError, GuestMemory } from '../../abi/boundary.js';
import { mutate } from '../mutate.js';
import { oracle, type FuzzTarget } from '../target.js';
import type { Prng } from '../prng.js';

const PAGE = 65536;
/** Memory of the fuzzed guest: one page, growing to at most four (kept small: rebuilt per input). */
const MAX_PAGES = 4;
const OP_BYTES = 9; // op u8, ptr u32le, len u32le
const OPS = 11;

function edge(r: Prng): number {
  const pick = r.int(4);
  if (pick === 0) return r.u32();
  if (pick === 1) return r.int(2 * PAGE);
  const edges = [
    0,
    1,
    2,
    3,
    4,
    7,
    PAGE - 4,
    PAGE - 1,
    PAGE,
    PAGE + 1,
    2 * PAGE - 1,
    MAX_PAGES * PAGE,
    0x7fffffff,
    0x80000000,
    0xfffffffc,
    0xffffffff,
  ];
  return (r.pick(edges) + (pick === 2 ? 0 : r.range(-2, 2))) >>> 0;
}

function program(r: Prng): Uint8Array {
  const n = r.range(1, 24);
  const out = new Uint8Array(n * OP_BYTES);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    out[i * OP_BYTES] = r.int(OPS) | (r.bool() ? 0x80 : 0); // high bit: pass ptr as a signed i32
    dv.setUint32(i * OP_BYTES + 1, edge(r), true);
    dv.setUint32(i * OP_BYTES + 5, r.int(3) === 0 ? edge(r) : r.int(300), true);
  }
  return out;
}

const isBoundary = (e: unknown) => e instanceof BoundaryError;

export const guestMemory: FuzzTarget = {
  name: 'guest-memory',
  about: 'abi/guest-memory GuestMemory bounds checks, reads and writes, against a model',
  maxInputMs: 1000,
  smokeInputs: 1000,
  async open() {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    const lossy = new TextDecoder('utf-8', { fatal: false });
    let memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
    const pattern = Uint8Array.from({ length: PAGE }, (_, i) => (i * 31 + 7) & 0xff);
    return {
      generate: (r) => (r.int(4) === 0 ? mutate(r, [program(r)]) : program(r)),
      run(input) {
        // a fresh memory only after one grew (creating one per input costs more than the input)
        if (memory.buffer.byteLength !== PAGE) memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
        new Uint8Array(memory.buffer).set(pattern); // not all zeros, so misplaced reads show
        const gm = new GuestMemory(memory);
        const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
        let accepted = 0;
        for (let at = 0; at + OP_BYTES <= input.length; at += OP_BYTES) {
          const op = input[at]! & 0x7f;
          const signed = (input[at]! & 0x80) !== 0;
          const ptr = signed ? dv.getInt32(at + 1, true) : dv.getUint32(at + 1, true);
          const len = dv.getUint32(at + 5, true) % (op === 10 ? 3 : 0x1_0000_0000);
          const size = memory.buffer.byteLength;
          const inBounds = (p: number, l: number) => p >= 0 && l >= 0 && p + l <= size;
          const raw = () => new Uint8Array(memory.buffer);
          const same = (b: Uint8Array, at: number) =>
            Buffer.from(b.buffer, b.byteOffset, b.length).equals(Buffer.from(memory.buffer, at, b.length));
          let expectOk = true;
          try {
            switch (op % OPS) {
              case 0:
                expectOk = inBounds(ptr, len);
                gm.check(ptr, len, 'fuzz');
                break;
              case 1: {
                expectOk = inBounds(ptr, len);
                const c = gm.copyOut(ptr, len, 'fuzz');
                oracle(c.length === len && same(c, ptr), 'guest-memory: copyOut differs from memory');
                break;
              }
              case 2: {
                expectOk = inBounds(ptr, len);
                const v = gm.view(ptr, len, 'fuzz');
                oracle(v.length === len && v.byteOffset === ptr, 'guest-memory: view has the wrong range');
                break;
              }
              case 3: {
                expectOk = inBounds(ptr, len);
                let valid = true;
                if (expectOk) {
                  try {
                    utf8.decode(raw().subarray(ptr, ptr + len));
                  } catch {
                    valid = false;
                  }
                }
                try {
                  gm.readString(ptr, len, 'fuzz');
                  oracle(valid, 'guest-memory: readString accepted bad UTF-8');
                } catch (e) {
                  if (e instanceof BoundaryError && e.code === 'INVALID_VALUE') {
                    oracle(expectOk && !valid, 'guest-memory: readString refused valid UTF-8');
                    continue;
                  }
                  throw e;
                }
                break;
              }
              case 4: {
                expectOk = inBounds(ptr, len);
                const s = gm.readStringLossy(ptr, len, 'fuzz');
                oracle(s === lossy.decode(raw().subarray(ptr, ptr + len)), 'guest-memory: readStringLossy differs');
                break;
              }
              case 5: {
                const bytes = input.subarray(0, Math.min(len, input.length));
                expectOk = inBounds(ptr, bytes.length);
                gm.write(ptr, bytes, 'fuzz');
                oracle(same(bytes, ptr), 'guest-memory: write did not land');
                break;
              }
              case 6:
                expectOk = inBounds(ptr, 1);
                gm.writeU8(ptr, len & 0xff, 'fuzz');
                oracle(raw()[ptr] === (len & 0xff), 'guest-memory: writeU8 did not land');
                break;
              case 7: {
                expectOk = inBounds(ptr, 4);
                gm.writeU32(ptr, len, 'fuzz');
                oracle(new DataView(memory.buffer).getUint32(ptr, true) === len, 'guest-memory: writeU32 did not land');
                break;
              }
              case 8: {
                expectOk = inBounds(ptr, 4);
                const v = gm.readU32(ptr, 'fuzz');
                oracle(v === new DataView(memory.buffer).getUint32(ptr, true), 'guest-memory: readU32 differs');
                break;
              }
              case 9: {
                const align = [1, 2, 4, 8][len & 3]!;
                expectOk = inBounds(ptr, 8) && ptr % align === 0;
                gm.checkArea(ptr, 8, align, 'fuzz');
                break;
              }
              default: // the guest grows its memory: the cached views must follow
                if (memory.buffer.byteLength / PAGE + len <= MAX_PAGES) memory.grow(len);
                continue;
            }
            oracle(expectOk, `guest-memory: op ${op % OPS} accepted ptr ${ptr} len ${len} outside ${size} bytes`);
            accepted++;
          } catch (e) {
            if (!isBoundary(e)) throw e;
            oracle(!expectOk, `guest-memory: op ${op % OPS} refused ptr ${ptr} len ${len} inside ${size} bytes: ${(e as Error).message}`);
          }
        }
        return accepted > 0;
      },
    };
  },
};
