/** Console intrinsics (Leap's console.cpp): prints into the action trace's `console`. */
import { nameOf, read128, u64, type CurrentContext, type Intrinsics } from './context.js';

/** Leap prints floats with `%.{digits}g`-like precision; JS's shortest round-trip form is close enough for a console. */
function formatFloat(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  return String(Number(v.toPrecision(digits)));
}

export function consoleIntrinsics(cx: CurrentContext): Intrinsics {
  return {
    prints(ptr: number): void {
      const c = cx();
      const len = c.mem.cstringLength(ptr, 'prints string');
      c.charge(len); // the scan for the NUL is work too
      c.print(c.mem.text(ptr, len, 'prints string'));
    },
    prints_l(ptr: number, len: number): void {
      const c = cx();
      c.charge(len >>> 0);
      c.print(c.mem.text(ptr, len, 'prints_l string'));
    },
    printi(v: bigint): void {
      cx().print(BigInt.asIntN(64, v).toString());
    },
    printui(v: bigint): void {
      cx().print(u64(v).toString());
    },
    printn(v: bigint): void {
      cx().print(nameOf(u64(v)));
    },
    printi128(ptr: number): void {
      const c = cx();
      c.print(BigInt.asIntN(128, read128(c, ptr, 'printi128 value')).toString());
    },
    printui128(ptr: number): void {
      const c = cx();
      c.print(read128(c, ptr, 'printui128 value').toString());
    },
    printsf(v: number): void {
      cx().print(formatFloat(v, 9));
    },
    printdf(v: number): void {
      cx().print(formatFloat(v, 17));
    },
    printhex(ptr: number, len: number): void {
      const c = cx();
      c.charge(len >>> 0);
      c.print(Buffer.from(c.mem.read(ptr, len, 'printhex data')).toString('hex'));
    },
  };
}
