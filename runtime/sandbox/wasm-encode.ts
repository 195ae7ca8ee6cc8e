/**
 * The pieces of the WebAssembly binary format the host writes (module rewrites, the warm-up module,
 * the command table's custom section); wasm-sections.ts reads them.
 */

const utf8 = new TextEncoder();

/** Unsigned LEB128 of `n` (sizes, counts, indices, limits): 0 <= n < 2^32. */
export function u32Leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A name: its UTF-8 length, then its bytes. */
export function wasmName(s: string): number[] {
  const bytes = utf8.encode(s);
  return [...u32Leb(bytes.length), ...bytes];
}

/** A section: id, payload size, payload. */
export function wasmSection(id: number, body: ArrayLike<number>): Uint8Array {
  const head = [id, ...u32Leb(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** A custom section (id 0): `name`, then `payload` as it is (copied, never spread through a number array). */
export function wasmCustomSection(name: string, payload: Uint8Array): Uint8Array {
  const head = wasmName(name);
  const body = new Uint8Array(head.length + payload.length);
  body.set(head, 0);
  body.set(payload, head.length);
  return wasmSection(0, body);
}

/** `wasm` with `section` appended (a custom section may come last). */
export function withSectionAppended(wasm: Uint8Array, section: Uint8Array): Uint8Array {
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm, 0);
  out.set(section, wasm.length);
  return out;
}
