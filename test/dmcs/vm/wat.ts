/** Test-only: assembles WebAssembly text with binaryen (shipped with AssemblyScript). */
import binaryen from 'binaryen';

export function wat(text: string): Uint8Array {
  const m = binaryen.parseText(text);
  m.setFeatures(binaryen.Features.All);
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}
