/** Test-only: assembles WebAssembly text with binaryen (shipped with AssemblyScript). */
import binaryen from 'binaryen';

export function wat(text: string): Uint8Array {
  let m: binaryen.Module;
  try {
    m = binaryen.parseText(text);
  } catch (e) {
    // binaryen throws a plain object; make it an Error so the test runner can report it
    throw new Error(`wat: ${(e as { message?: string }).message ?? String(e)}`);
  }
  m.setFeatures(binaryen.Features.All);
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}
