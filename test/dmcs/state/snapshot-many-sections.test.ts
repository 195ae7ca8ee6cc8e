// A snapshot of millions of sections (here 4 million empty ones of a tag no reader knows, 20 MB,
// with a sound checksum: the node's own file, written by a bug) is read in memory that does not
// grow with their number: the reader walks them as views into the file where it kept an array of
// them (~100 bytes a section, which ran a 64 MB heap out of memory). Read in a child with that heap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryWriter, sha256 } from '../../../abi/antelope/index.js';
import { Section, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, encodeHead, splitSections, writeSection } from '../../../dmcs/state/snapshot-format.js';
import { tempDir, removeDir } from '../helpers.js';

const SECTIONS = 4_000_000;
const UNKNOWN_TAG = 200;

test('a snapshot of 4 million empty sections loads in a 64 MB heap', () => {
  const dir = tempDir('snapshot-sections');
  try {
    const w = new BinaryWriter(SECTIONS * 5 + 4096);
    w.raw(SNAPSHOT_MAGIC);
    w.u32(SNAPSHOT_VERSION);
    writeSection(
      w,
      Section.head,
      encodeHead({ blockNum: 7, blockId: new Uint8Array(32), stateDigest: new Uint8Array(32), globalSequence: 0 }),
    );
    const empty = new Uint8Array(0);
    for (let i = 0; i < SECTIONS; i++) writeSection(w, UNKNOWN_TAG, empty);
    writeSection(w, Section.end, sha256(w.peek()));
    const bytes = w.finish();
    const path = join(dir, 'snapshot.bin');
    writeFileSync(path, bytes);
    const lib = (p: string) => new URL(`../../../dmcs/state/${p}`, import.meta.url).href;
    const child = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=64',
        '--input-type=module',
        '-e',
        `import { readFileSync } from 'node:fs';
         import { parseSnapshot } from ${JSON.stringify(lib('state-snapshot.js'))};
         import { ChainState } from ${JSON.stringify(lib('chain-state.js'))};
         const f = parseSnapshot(new Uint8Array(readFileSync(${JSON.stringify(path)})));
         f.loadInto(new ChainState());
         console.log('loaded block', f.head.blockNum);`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.is(child.status, 0, `the child failed: ${child.stderr.slice(-600)}`);
    assert.is(child.stdout.trim(), 'loaded block 7');
    assert.is(splitSections(bytes).count, SECTIONS + 1);
  } finally {
    removeDir(dir);
  }
});

test.run();
