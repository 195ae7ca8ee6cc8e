/**
 * A fetch `Response` body read with a size bound: a peer's reply is read only up to `maxBytes`,
 * and one that declares or sends more is refused as soon as it does, before it is all in memory
 * (`Response.json()`/`text()` read whatever arrives). Imports nothing: usable from every layer.
 */

/** The reply was larger than its bound. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the reply is larger than ${maxBytes} bytes`);
  }
}

/** The body of `res` as text (UTF-8), at most `maxBytes` bytes, or `BodyTooLargeError` (the rest is not read). */
export async function cappedText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.byteLength;
  }
  return new TextDecoder().decode(all);
}
