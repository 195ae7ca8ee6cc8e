/**
 * A minimal, bounded CBOR reader (RFC 8949) for the few CBOR documents PeerOS reads from outside:
 * a WebAuthn attestation object and the COSE public key inside its authenticator data. It reads
 * only what CTAP2's canonical CBOR uses — unsigned and negative integers, byte and text strings,
 * arrays, maps, false/true/null — with definite lengths; indefinite lengths, tags, floats and
 * integers beyond 2^53 are refused. Every length is checked against the bytes left before anything
 * is allocated, nesting is capped, and so is the number of items, so hostile input costs at most
 * linear time in its size. `readCbor` returns the value and where it ended (authenticator data
 * carries extensions after the COSE key).
 */
import { CodedError } from './coded-error.js';

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
/** A CBOR map: keys are integers or text, as in COSE and WebAuthn. */
export type CborMap = Map<number | string, CborValue>;

/** Deepest nesting read: an attestation object nests 3 levels, a COSE key 1. */
export const MAX_CBOR_DEPTH = 8;
/** Most items (values, keys included) in one document: a COSE key has 5 entries, an attestation a few dozen. */
export const MAX_CBOR_ITEMS = 1024;

export class CborError extends CodedError<'INVALID_CBOR'> {
  override readonly name = 'CborError';
  constructor(message: string) {
    super('INVALID_CBOR', message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one CBOR item starting at `offset`; returns it and the offset just after it. */
export function readCbor(bytes: Uint8Array, offset = 0): { value: CborValue; end: number } {
  let pos = offset;
  let items = 0;

  const need = (n: number, what: string): void => {
    if (n > bytes.length - pos) throw new CborError(`CBOR ${what} at byte ${pos}: needs ${n} bytes, ${bytes.length - pos} left`);
  };
  const argument = (info: number, at: number): number => {
    if (info < 24) return info;
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (size === 0)
      throw new CborError(`CBOR item at byte ${at}: additional info ${info} (indefinite length or reserved) is not supported`);
    need(size, 'length');
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + bytes[pos + i]!;
    pos += size;
    if (!Number.isSafeInteger(v)) throw new CborError(`CBOR integer at byte ${at} is beyond 2^53`);
    return v;
  };
  const item = (depth: number): CborValue => {
    if (depth > MAX_CBOR_DEPTH) throw new CborError(`CBOR nests deeper than ${MAX_CBOR_DEPTH} levels`);
    if (++items > MAX_CBOR_ITEMS) throw new CborError(`CBOR document has more than ${MAX_CBOR_ITEMS} items`);
    need(1, 'item');
    const at = pos;
    const head = bytes[pos++]!;
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0:
        return argument(info, at);
      case 1:
        return -1 - argument(info, at);
      case 2:
      case 3: {
        const n = argument(info, at);
        need(n, major === 2 ? 'byte string' : 'text string');
        const raw = bytes.subarray(pos, pos + n);
        pos += n;
        if (major === 2) return raw.slice();
        try {
          return utf8.decode(raw);
        } catch {
          throw new CborError(`CBOR text string at byte ${at} is not UTF-8`);
        }
      }
      case 4: {
        const n = argument(info, at);
        need(n, 'array'); // each element takes at least one byte
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(item(depth + 1));
        return out;
      }
      case 5: {
        const n = argument(info, at);
        need(2 * n, 'map');
        const out: CborMap = new Map();
        for (let i = 0; i < n; i++) {
          const keyAt = pos;
          const key = item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string')
            throw new CborError(`CBOR map key at byte ${keyAt}: only integers and text`);
          if (out.has(key)) throw new CborError(`CBOR map at byte ${at} repeats the key ${JSON.stringify(key)}`);
          out.set(key, item(depth + 1));
        }
        return out;
      }
      case 7:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        throw new CborError(`CBOR simple value or float (info ${info}) at byte ${at} is not supported`);
      default:
        throw new CborError(`CBOR tag (major type 6) at byte ${at} is not supported`);
    }
  };
  const value = item(0);
  return { value, end: pos };
}

/** Reads a document that must be exactly one CBOR item. */
export function readCborExact(bytes: Uint8Array): CborValue {
  const { value, end } = readCbor(bytes);
  if (end !== bytes.length) throw new CborError(`CBOR document has ${bytes.length - end} trailing bytes`);
  return value;
}
