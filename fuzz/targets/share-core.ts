/**
 * Target `share-core`: what a peer-to-peer share's sender controls (docs/fs.md): the descriptor
 * text (`parseDescriptor`) and the blocks of the share's core (`replayShare`, each block sealed under
 * the content key at its index, as a hostile writer would seal them).
 *
 * Input: byte 0 even → the rest is descriptor text; odd → a block list: u16 count, then per block a
 * flags byte (bit 0: alter one byte after sealing) and a u32 length with the block's plaintext (a
 * list cut short ends where it is cut). Byte 1 bit 0 chooses a folder share of `files/d` or a file
 * share of `files/d/a.txt`. Generators: valid shares (files, rewrites, removals) with blocks
 * dropped, duplicated, swapped, altered or mutated, and descriptors mutated as JSON and bytes.
 * Oracles: a refusal is a ShareError; an accepted descriptor prints and parses back to the same; an
 * accepted share's files are valid drive paths inside the share, and each file alone re-encodes and
 * replays to the same bytes; an incremental replay (`start`, `prior`) from any file boundary, on top
 * of the replay up to it, ends in the same files as the whole replay.
 */
import { randomBytes as cryptoRandom } from 'node:crypto';
import { fsPathProblem } from '../../runtime/fs/fs-path.js';
import { descriptorText, parseDescriptor, SHARE_DESCRIPTOR_PREFIX } from '../../runtime/fs/share-descriptor.js';
import { ShareError } from '../../runtime/fs/share-error.js';
import { fileBlocks, insideShare, removeBlock, replayShare, sealBlock } from '../../runtime/fs/share-format.js';
import { jsonBytes, mutateJson } from '../json-mutate.js';
import { mutate, mutateOnce } from '../mutate.js';
import type { Prng } from '../prng.js';
import { oracle, sameValue, type FuzzTarget } from '../target.js';

const KEY = cryptoRandom(32);
const CORE = cryptoRandom(32);
const enc = new TextEncoder();

function frame(folder: boolean, blocks: Array<{ tamper: boolean; plain: Uint8Array }>): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(1, folder ? 1 : 0, blocks.length >> 8, blocks.length & 0xff)];
  for (const b of blocks) {
    const head = new Uint8Array(5);
    head[0] = b.tamper ? 1 : 0;
    new DataView(head.buffer).setUint32(1, b.plain.length);
    parts.push(head, b.plain);
  }
  return Buffer.concat(parts);
}

function unframe(input: Uint8Array): { folder: boolean; blocks: Array<{ tamper: boolean; plain: Uint8Array }> } {
  const folder = ((input[1] ?? 0) & 1) === 1;
  const count = ((input[2] ?? 0) << 8) | (input[3] ?? 0);
  const blocks: Array<{ tamper: boolean; plain: Uint8Array }> = [];
  let at = 4;
  for (let i = 0; i < count && at + 5 <= input.length; i++) {
    const len = new DataView(input.buffer, input.byteOffset + at + 1, 4).getUint32(0);
    if (at + 5 + len > input.length) break;
    blocks.push({ tamper: (input[at]! & 1) === 1, plain: input.subarray(at + 5, at + 5 + len) });
    at += 5 + len;
  }
  return { folder, blocks };
}

function seedShare(r: Prng): { folder: boolean; plains: Uint8Array[] } {
  const folder = r.int(4) !== 0;
  if (!folder) return { folder, plains: fileBlocks('files/d/a.txt', r.bytes(r.int(300))) };
  const plains: Uint8Array[] = [];
  for (let n = 1 + r.int(4); n > 0; n--) {
    const name = `files/d/${r.pick(['a.txt', 'b.bin', 'sub/c.json', 'ü.md'])}`;
    plains.push(...(r.int(5) === 0 ? [removeBlock(name)] : fileBlocks(name, r.bytes(r.int(2000)))));
  }
  return { folder, plains };
}

function generateBlocks(r: Prng): Uint8Array {
  const { folder, plains } = seedShare(r);
  const blocks = plains.map((plain) => ({ tamper: false, plain: plain as Uint8Array }));
  for (let m = r.int(3); m > 0 && blocks.length > 0; m--) {
    const i = r.int(blocks.length);
    switch (r.int(5)) {
      case 0:
        blocks.splice(i, 1);
        break;
      case 1:
        blocks.splice(i, 0, { ...blocks[i]! });
        break;
      case 2: {
        const j = r.int(blocks.length);
        [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
        break;
      }
      case 3:
        blocks[i] = { ...blocks[i]!, tamper: true };
        break;
      default:
        blocks[i] = { ...blocks[i]!, plain: mutateOnce(r, blocks[i]!.plain) };
    }
  }
  const framed = frame(folder, blocks);
  return r.int(8) === 0 ? mutate(r, [framed]) : framed;
}

function generateDescriptor(r: Prng): Uint8Array {
  const good = {
    core: cryptoRandom(32).toString('hex'),
    key: cryptoRandom(32).toString('hex'),
    at: r.pick(['127.0.0.1:7700', 'peer.example:1', '[::1]:443']),
    path: r.pick(['files/d', 'files/d/a.txt', 'events']),
    folder: r.bool(),
    length: 1 + r.int(100),
  };
  const text =
    r.int(3) === 0
      ? enc.encode(`${SHARE_DESCRIPTOR_PREFIX}${JSON.stringify(good)}`)
      : Buffer.concat([enc.encode(SHARE_DESCRIPTOR_PREFIX), jsonBytes(mutateJson(r, good))]);
  return Buffer.concat([Uint8Array.of(0), r.int(4) === 0 ? mutate(r, [text]) : text]);
}

const refused = (e: unknown): boolean => e instanceof ShareError;

/** Most split points one input checks (each costs a replay of the share). */
const MAX_SPLITS = 4;

/** The whole replay equals the replay up to a file boundary followed by the incremental one from there. */
async function sameWhenSplit(o: {
  root: string;
  folder: boolean;
  sealed: Uint8Array[];
  state: Awaited<ReturnType<typeof replayShare>>;
}): Promise<void> {
  const get = async (i: number) => o.sealed[i]!;
  const base = { contentKey: KEY, coreKey: CORE, root: o.root, folder: o.folder };
  let splits = 0;
  for (let cut = 1; cut < o.sealed.length && splits < MAX_SPLITS; cut++) {
    let head: Awaited<ReturnType<typeof replayShare>>;
    try {
      head = await replayShare({ ...base, length: cut }, get);
    } catch (e) {
      if (refused(e)) continue; // not a file boundary
      throw e;
    }
    splits++;
    const prior = new Map([...head].map(([p, c]) => [p, c === null ? null : c.length] as const));
    const tail = await replayShare({ ...base, length: o.sealed.length, start: cut, prior }, get);
    const merged = new Map(head);
    for (const [p, c] of tail) merged.set(p, c);
    oracle(
      sameValue(
        [...merged].sort(([a], [b]) => (a < b ? -1 : 1)),
        [...o.state].sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
      `share-core: an incremental replay from block ${cut} ends in other files than the whole replay`,
    );
  }
}

export const shareCore: FuzzTarget = {
  name: 'share-core',
  about: 'runtime/fs share-descriptor parseDescriptor and share-format replayShare (sealed blocks a hostile sender writes)',
  maxInputMs: 1000,
  smokeInputs: 1500,
  async open() {
    return {
      generate: (r) => (r.int(3) === 0 ? generateDescriptor(r) : generateBlocks(r)),
      async run(input) {
        if ((input[0] ?? 0) % 2 === 0) {
          let d: ReturnType<typeof parseDescriptor>;
          try {
            d = parseDescriptor(Buffer.from(input.subarray(1)).toString('utf8'));
          } catch (e) {
            if (refused(e)) return false;
            throw e;
          }
          oracle(sameValue(parseDescriptor(descriptorText(d)), d), 'share-core: an accepted descriptor does not print back to itself');
          return true;
        }
        const { folder, blocks } = unframe(input);
        const root = folder ? 'files/d' : 'files/d/a.txt';
        const sealed = blocks.map((b, i) => {
          const s = sealBlock(KEY, CORE, i, b.plain);
          if (b.tamper) s[s.length >> 1]! ^= 0x40;
          return s;
        });
        let state: Awaited<ReturnType<typeof replayShare>>;
        try {
          state = await replayShare({ contentKey: KEY, coreKey: CORE, root, folder, length: sealed.length }, async (i) => sealed[i]!);
        } catch (e) {
          if (refused(e)) return false;
          throw e;
        }
        await sameWhenSplit({ root, folder, sealed, state });
        for (const [path, content] of state) {
          oracle(
            fsPathProblem(path) === undefined && insideShare(root, folder, path),
            `share-core: accepted a path outside the share: ${JSON.stringify(path)}`,
          );
          if (content === null) continue;
          const again = fileBlocks(path, content).map((p, i) => sealBlock(KEY, CORE, i, p));
          const alone = await replayShare({ contentKey: KEY, coreKey: CORE, root, folder, length: again.length }, async (i) => again[i]!);
          oracle(sameValue(alone.get(path), content), `share-core: ${path} does not re-encode to the same bytes`);
        }
        return true;
      },
    };
  },
};
