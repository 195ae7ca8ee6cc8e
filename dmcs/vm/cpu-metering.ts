/**
 * Deterministic CPU metering by instrumentation. Every function body is rewritten so that on entry,
 * and at the top of every loop iteration, it subtracts a static cost from a mutable i64 global (the
 * gas counter) and traps with `unreachable` when the counter goes negative. The cost charged is the
 * number of instructions in that straight-line region (the function body outside its loops, or one
 * loop's body outside its nested loops): an upper bound of what one pass can execute, the same on
 * every machine. Without a loop or a call nothing can repeat, so this bounds all execution.
 *
 * The same scan refuses instructions outside the deterministic, bounded subset Antelope runs:
 * no SIMD, threads, exceptions, tail calls, or bulk-memory copies/fills (one such instruction could
 * do 33 MiB of unmetered work; contracts use the `memcpy`/`memset` intrinsics, which are metered),
 * and no table mutation (table.set/grow/fill/init/copy, elem.drop): with tables immutable, an
 * instance's whole state is its memory and mutable globals, which lets the VM reset and reuse it.
 */
import { ContractError } from './contract-error.js';
import { WasmReader, WasmWriter } from './wasm-binary.js';
import { MAX_CALL_DEPTH, MAX_FUNCTION_LOCALS } from './contract-limits.js';

function unsupported(what: string, fn: number): ContractError {
  return new ContractError('wasm_serialization_error', `unsupported instruction ${what} in function ${fn}`);
}

/** Skips one instruction's immediates, refusing opcodes outside the accepted subset. */
export function skipImmediates(op: number, r: WasmReader, fn: number): void {
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b) return;
  if (op >= 0x02 && op <= 0x04) {
    r.sleb(33);
    return;
  }
  if (op === 0x0c || op === 0x0d || op === 0x10) {
    r.u32();
    return;
  }
  if (op === 0x0e) {
    const n = r.u32();
    for (let i = 0; i <= n; i++) r.u32();
    return;
  }
  if (op === 0x11) {
    r.u32();
    r.u32();
    return;
  }
  if (op === 0x1c) {
    const n = r.u32();
    r.take(n);
    return;
  }
  if (op >= 0x20 && op <= 0x25) {
    r.u32();
    return;
  }
  if (op >= 0x28 && op <= 0x3e) {
    r.u32();
    r.u32();
    return;
  }
  if (op === 0x3f || op === 0x40) {
    r.byte();
    return;
  }
  if (op === 0x41) {
    r.sleb(32);
    return;
  }
  if (op === 0x42) {
    r.sleb(64);
    return;
  }
  if (op === 0x43) {
    r.take(4);
    return;
  }
  if (op === 0x44) {
    r.take(8);
    return;
  }
  if (op >= 0x45 && op <= 0xc4) return;
  if (op === 0xd0) {
    r.byte();
    return;
  }
  if (op === 0xd1) return;
  if (op === 0xd2) {
    r.u32();
    return;
  }
  if (op === 0xfc) {
    const sub = r.u32();
    if (sub <= 7) return; // saturating float-to-int truncations
    if (sub === 16) {
      r.u32();
      return;
    } // table.size
    throw unsupported(`0xfc ${sub} (${sub <= 11 ? 'bulk memory' : 'table mutation'})`, fn);
  }
  const names: Record<number, string> = {
    0x26: 'table mutation',
    0xfd: 'SIMD',
    0xfe: 'threads',
    0x06: 'exceptions',
    0x08: 'exceptions',
    0x12: 'tail calls',
    0x13: 'tail calls',
  };
  throw unsupported(`0x${op.toString(16)}${names[op] ? ` (${names[op]})` : ''}`, fn);
}

/** The gas check: `gas -= cost; if (gas < 0) unreachable`. */
function writeCharge(w: WasmWriter, gasGlobal: number, cost: number): void {
  w.byte(0x23).u32(gasGlobal).byte(0x42).sleb(cost).byte(0x7d).byte(0x24).u32(gasGlobal);
  w.byte(0x23).u32(gasGlobal).byte(0x42).byte(0x00).byte(0x53).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
}

/** Where the counters live and how a function's body is wrapped. */
export interface MeteringTarget {
  gasGlobal: number;
  /** The i32 call-depth global. */
  depthGlobal: number;
  /** Encoded block type producing the function's results with no parameters (0x40, a valtype, or a type index). */
  resultBlockType: Uint8Array;
  /** Function index, for error messages. */
  fn: number;
}

/**
 * Rewrites one function body (locals + expression, without its size prefix):
 *
 *   locals
 *   gas -= cost(function); trap if < 0
 *   depth += 1; trap if > MAX_CALL_DEPTH
 *   block (result …)  original code, `return` → `br` to this block, loops charged  end
 *   depth -= 1
 *   end
 *
 * Every way out of the original body (falling off, `return`, a branch to the function label) leaves
 * the wrapper block, so the depth count is exact; a trap leaves it high, and the VM resets it.
 */
export function meterFunctionBody(body: Uint8Array, t: MeteringTarget): Uint8Array {
  const { gasGlobal, depthGlobal, fn } = t;
  const r = new WasmReader(body);
  let locals = 0;
  for (let groups = r.u32(); groups > 0; groups--) {
    locals += r.u32();
    r.byte();
    if (locals > MAX_FUNCTION_LOCALS) {
      throw new ContractError('wasm_serialization_error', `function ${fn} declares more than ${MAX_FUNCTION_LOCALS} locals`);
    }
  }
  const codeStart = r.pos;
  // Pass 1: cost of each region (region 0 is the function, region k ≥ 1 the k-th loop), where to
  // charge loops, and where the `return`s are with their nesting depth.
  const costs = [0];
  const edits: { at: number; loop: number; returnDepth: number }[] = [];
  const frames: number[] = [0]; // region of each open block; the function's implicit block first
  let region = 0;
  let finalEnd = -1;
  while (frames.length > 0) {
    if (r.done) throw new ContractError('wasm_serialization_error', `function ${fn} ends without \`end\``);
    const at = r.pos;
    const op = r.byte();
    costs[region]! += 1;
    skipImmediates(op, r, fn);
    if (op === 0x03) {
      region = costs.length;
      costs.push(0);
      edits.push({ at: r.pos, loop: region, returnDepth: -1 });
      frames.push(region);
    } else if (op === 0x02 || op === 0x04) {
      frames.push(region);
    } else if (op === 0x0f) {
      edits.push({ at, loop: -1, returnDepth: frames.length - 1 });
    } else if (op === 0x0b) {
      frames.pop();
      region = frames.length ? frames[frames.length - 1]! : 0;
      if (frames.length === 0) finalEnd = at;
    }
  }
  if (!r.done) throw new ContractError('wasm_serialization_error', `function ${fn} has bytes after its final \`end\``);
  // Pass 2: copy with the charges, the depth count and the wrapper block.
  const w = new WasmWriter();
  w.bytes(body.subarray(0, codeStart));
  writeCharge(w, gasGlobal, costs[0]!);
  w.byte(0x23).u32(depthGlobal).byte(0x41).byte(0x01).byte(0x6a).byte(0x24).u32(depthGlobal);
  w.byte(0x23).u32(depthGlobal).byte(0x41).sleb(MAX_CALL_DEPTH).byte(0x4b).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
  w.byte(0x02).bytes(t.resultBlockType);
  let from = codeStart;
  for (const e of edits) {
    w.bytes(body.subarray(from, e.at));
    if (e.loop >= 0) {
      writeCharge(w, gasGlobal, costs[e.loop]!);
      from = e.at;
    } else {
      w.byte(0x0c).u32(e.returnDepth); // `return` → `br` to the wrapper block
      from = e.at + 1;
    }
  }
  w.bytes(body.subarray(from, finalEnd));
  w.byte(0x0b); // end of the wrapper block
  w.byte(0x23).u32(depthGlobal).byte(0x41).byte(0x01).byte(0x6b).byte(0x24).u32(depthGlobal);
  w.byte(0x0b);
  return w.finish();
}
