/**
 * Target `msgpack`: the app/host boundary's msgpack reader — scanMsgpack (the well-formedness
 * walk) and unpackGuest (scan, then msgpackr) at the host maximum depth. Generators: random bytes,
 * packed random values (structure-aware), mutations of those (with length-field inflation and deep
 * nesting). Oracles: the scanner never throws; unpackGuest throws only BoundaryError
 * MALFORMED_MSGPACK, exactly when the scan is not OK; an accepted value re-packs to bytes that scan
 * OK and unpack to the same value (decode∘encode = id); a generated value round-trips.
 */
import { BoundaryError, ScanStatus, pack, scanMsgpack, unpackGuest } from '../../abi/boundary.js';
import { MAX_MSGPACK_DEPTH } from '../../runtime/limits.js';
import { mutate, randomBytes } from '../mutate.js';
import { oracle, sameValue, type FuzzTarget } from '../target.js';
import type { Prng } from '../prng.js';

/** A value the boundary codec carries: nil, bool, ints (to 64 bits), floats, str, bin, array, map. */
export function randomMsgpackValue(r: Prng, depth: number, budget = { nodes: 200 }): unknown {
  if (--budget.nodes <= 0) depth = 0; // bounds the size of one value whatever the draws
  switch (r.int(depth > 0 ? 11 : 8)) {
    case 0:
      return null;
    case 1:
      return r.bool();
    case 2:
      return r.range(-40, 300);
    case 3:
      return (r.u32() | 0) * r.pick([1, 65536, 2 ** 20]);
    case 4:
      return r.pick([0.5, -1.25, 1e300, -0, Number.MAX_SAFE_INTEGER + 2, Number.MIN_VALUE]);
    case 5:
      return r.pick([2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 53n + 1n]);
    case 6:
      return String.fromCharCode(...Array.from({ length: r.pick([0, 5, 31, 32, 300]) }, () => r.pick([0x61, 0xe9, 0x2603, 0x20])));
    case 7:
      return r.bytes(r.int(40) === 0 ? r.pick([255, 256, 65535, 65536, 70000]) : r.int(300));
    case 8:
    case 9:
      return Array.from({ length: r.pick([0, 1, 15, 16, 40]) }, () => randomMsgpackValue(r, depth - 1, budget));
    default:
      return Object.fromEntries(Array.from({ length: r.pick([0, 1, 15, 16, 20]) }, (_, i) => [`k${i}`, randomMsgpackValue(r, depth - 1)]));
  }
}

const isMalformed = (e: unknown) => e instanceof BoundaryError && e.code === 'MALFORMED_MSGPACK';

export const msgpack: FuzzTarget = {
  name: 'msgpack',
  about: 'abi/msgpack scanMsgpack + unpackGuest (the app/host boundary), with round trips',
  maxInputMs: 1000,
  smokeInputs: 1500,
  async open() {
    return {
      generate(r) {
        const k = r.int(10);
        if (k === 0) return randomBytes(r, 256);
        const packed = new Uint8Array(pack(randomMsgpackValue(r, 4)));
        if (k <= 2) return packed; // structure-aware: a valid value must round-trip
        return mutate(r, [packed]);
      },
      run(input) {
        const status = scanMsgpack(input, MAX_MSGPACK_DEPTH); // any exception here escapes: a finding
        let value: unknown;
        try {
          value = unpackGuest(input, MAX_MSGPACK_DEPTH);
        } catch (e) {
          if (!isMalformed(e)) throw e;
          oracle(status !== ScanStatus.OK, 'msgpack: the scanner accepted what unpackGuest then refused');
          return false;
        }
        oracle(status === ScanStatus.OK, `msgpack: unpackGuest decoded what the scanner refused (status ${status})`);
        const again = new Uint8Array(pack(value));
        oracle(scanMsgpack(again, MAX_MSGPACK_DEPTH) === ScanStatus.OK, 'msgpack: a re-packed value does not scan');
        oracle(sameValue(unpackGuest(again, MAX_MSGPACK_DEPTH), value), 'msgpack: unpack(pack(v)) differs from v');
        return true;
      },
    };
  },
};
