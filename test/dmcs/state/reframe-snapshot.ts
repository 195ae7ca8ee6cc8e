// Re-frames a snapshot file after `mutate` changed its sections (or under another version number),
// with a valid checksum: for tests that hand the reader a file that is sound but for one thing.
import { BinaryWriter, sha256 } from '../../../abi/antelope/index.js';
import { Section, splitSections, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, writeSection } from '../../../dmcs/state/snapshot-format.js';

export function reframe(
  bytes: Uint8Array,
  mutate: (sections: Array<{ tag: number; payload: Uint8Array }>) => void,
  version = SNAPSHOT_VERSION,
): Uint8Array {
  const sections = [...splitSections(bytes).sections].map((s) => ({ tag: s.tag, payload: s.payload.slice() }));
  mutate(sections);
  const w = new BinaryWriter(bytes.length + 64);
  w.raw(SNAPSHOT_MAGIC);
  w.u32(version);
  for (const s of sections) writeSection(w, s.tag, s.payload);
  writeSection(w, Section.end, sha256(w.peek()));
  return w.finish();
}
