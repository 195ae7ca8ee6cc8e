// An implementation of Leap's legacy block signature rule that shares no code with the node:
// node:crypto sha256, a whole-tree merkle, wharfkit for names, keys and signature recovery, and
// the header read by byte offsets. Used to check blocks Leap wrote and blocks the node makes.
import { createHash } from 'node:crypto';
import { Checksum256, Name, PublicKey, Serializer, Signature, TimePoint, UInt16, UInt32, UInt64 } from '@wharfkit/antelope';

export const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** Leap's legacy merkle over canonical pairs, whole tree every time (the node keeps it incrementally). */
export function plainMerkle(ids: Uint8Array[]): Uint8Array {
  if (ids.length === 0) return new Uint8Array(32);
  let level: Uint8Array[] = ids.map((x) => x.slice());
  while (level.length > 1) {
    if (level.length % 2) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i]!.slice();
      const r = level[i + 1]!.slice();
      l[0]! &= 0x7f;
      r[0]! |= 0x80;
      next.push(sha(l, r));
    }
    level = next;
  }
  return level[0]!;
}

/** sha256 of a legacy producer_schedule_type, packed with wharfkit's primitives. */
export function scheduleHash(version: number, producers: Array<[string, string]>): Uint8Array {
  const parts: Uint8Array[] = [Serializer.encode({ object: UInt32.from(version) }).array, new Uint8Array([producers.length])];
  for (const [name, key] of producers) {
    parts.push(Serializer.encode({ object: Name.from(name) }).array, Serializer.encode({ object: PublicKey.from(key) }).array);
  }
  return sha(...parts);
}

/** Leap's chain id of a genesis.json, packed with wharfkit's primitives (FC_REFLECT order). */
export function chainIdOfGenesis(g: {
  initial_timestamp: string;
  initial_key: string;
  initial_configuration?: Record<string, number>;
}): string {
  const c = g.initial_configuration ?? {};
  const parts = [
    Serializer.encode({ object: TimePoint.from(g.initial_timestamp) }).array,
    Serializer.encode({ object: PublicKey.from(g.initial_key) }).array,
    Serializer.encode({ object: UInt64.from(c.max_block_net_usage ?? 1048576) }).array,
  ];
  const u32 = ['target_block_net_usage_pct', 'max_transaction_net_usage', 'base_per_transaction_net_usage', 'net_usage_leeway'];
  const u32b = [
    'context_free_discount_net_usage_num',
    'context_free_discount_net_usage_den',
    'max_block_cpu_usage',
    'target_block_cpu_usage_pct',
  ];
  const u32c = ['max_transaction_cpu_usage', 'min_transaction_cpu_usage', 'max_transaction_lifetime', 'deferred_trx_expiration_window'];
  const u32d = ['max_transaction_delay', 'max_inline_action_size'];
  const defaults: Record<string, number> = {
    target_block_net_usage_pct: 1000,
    max_transaction_net_usage: 524288,
    base_per_transaction_net_usage: 12,
    net_usage_leeway: 500,
    context_free_discount_net_usage_num: 20,
    context_free_discount_net_usage_den: 100,
    max_block_cpu_usage: 200000,
    target_block_cpu_usage_pct: 1000,
    max_transaction_cpu_usage: 150000,
    min_transaction_cpu_usage: 100,
    max_transaction_lifetime: 3600,
    deferred_trx_expiration_window: 600,
    max_transaction_delay: 3888000,
    max_inline_action_size: 524288,
    max_inline_action_depth: 4,
    max_authority_depth: 6,
  };
  for (const f of [...u32, ...u32b, ...u32c, ...u32d]) parts.push(Serializer.encode({ object: UInt32.from(c[f] ?? defaults[f]!) }).array);
  for (const f of ['max_inline_action_depth', 'max_authority_depth'])
    parts.push(Serializer.encode({ object: UInt16.from(c[f] ?? defaults[f]!) }).array);
  return hex(sha(...parts));
}

/** The header bytes of a signed block: everything before the signature (read by offsets, not by the node's decoder). */
export function headerBytes(block: Uint8Array): Uint8Array {
  let p = 4 + 8 + 2 + 32 * 3 + 4;
  const readVarUint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = block[p++]!;
      v |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  if (block[p++] === 1) {
    p += 4;
    const n = readVarUint();
    p += n * (8 + 34);
  }
  const exts = readVarUint();
  for (let i = 0; i < exts; i++) {
    p += 2;
    const len = readVarUint(); // read before adding: `p += readVarUint()` would add to the old p
    p += len;
  }
  return block.subarray(0, p);
}

/** The producers a legacy schedule in a header announces (`new_producers`), or null. */
export function announcedSchedule(header: Uint8Array): { version: number; producers: Array<[string, string]> } | null {
  const at = 4 + 8 + 2 + 96 + 4;
  if (header[at] !== 1) return null;
  const r = header.slice(at + 1);
  const n = r[4]!;
  const producers: Array<[string, string]> = [];
  for (let k = 0; k < n; k++) {
    const p = 5 + k * 42;
    producers.push([
      String(Serializer.decode({ data: r.slice(p, p + 8), type: Name })),
      String(Serializer.decode({ data: r.slice(p + 8, p + 42), type: PublicKey })),
    ]);
  }
  return { version: new DataView(r.buffer, r.byteOffset).getUint32(0, true), producers };
}

/**
 * Checks a whole chain from block 1: every block after the first must be signed, under Leap's
 * digest, by the key its named producer has in the schedules announced so far (the genesis one
 * is eosio with `genesisKey`). Returns the producer of each block.
 */
export function verifyChain(blocks: Uint8Array[], genesisKey: string): string[] {
  let schedHash = scheduleHash(0, [['eosio', genesisKey]]);
  const keyOf = new Map<string, string>([['eosio', String(PublicKey.from(genesisKey))]]);
  const ids: Uint8Array[] = [];
  const producers: string[] = [];
  for (const [i, bytes] of blocks.entries()) {
    const header = headerBytes(bytes);
    const id = sha(header);
    new DataView(id.buffer).setUint32(0, i + 1); // Leap: the block number big-endian over the first 4 bytes
    const producer = String(Serializer.decode({ data: header.slice(12 - 8, 12), type: Name }));
    producers.push(producer);
    if (i > 0) {
      const announced = announcedSchedule(header);
      if (announced) {
        schedHash = scheduleHash(announced.version, announced.producers);
        for (const [name, key] of announced.producers) keyOf.set(name, String(PublicKey.from(key)));
      }
      const sig = Serializer.decode({ data: bytes.slice(header.length, header.length + 66), type: Signature });
      const digest = sha(sha(sha(header), plainMerkle(ids)), schedHash);
      const signer = String(sig.recoverDigest(Checksum256.from(digest)));
      if (signer !== keyOf.get(producer))
        throw new Error(`block ${i + 1} by ${producer}: signed by ${signer}, expected ${keyOf.get(producer)}`);
    }
    ids.push(id);
  }
  return producers;
}
