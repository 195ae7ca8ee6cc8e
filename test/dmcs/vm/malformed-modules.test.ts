// Malformed contract modules: random byte mutations and truncations of a real contract must end in
// a ContractError from validate (or run to a typed result), never a crash or an untyped exception.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ContractVm, validate } from '../../../dmcs/vm/contract-vm.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { MemoryHost, n } from './memory-host.js';
import { DPAY_WASM } from './token-harness.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = new Uint8Array(readFileSync(DPAY_WASM));

test('truncated modules are refused with ContractError', () => {
  for (let len = 0; len < base.length; len += Math.max(1, (base.length / 97) | 0)) {
    try {
      validate(base.subarray(0, len));
    } catch (e) {
      assert.instance(e, ContractError, `length ${len}: ${(e as Error).message}`);
    }
  }
});

test('mutated modules validate, or fail typed; those that validate run to a typed result', () => {
  const vm = new ContractVm();
  let accepted = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const bytes = base.slice();
    const flips = 1 + Math.floor(r() * 4);
    for (let i = 0; i < flips; i++) bytes[8 + Math.floor(r() * (bytes.length - 8))] = Math.floor(r() * 256);
    try {
      vm.compile(bytes);
    } catch (e) {
      assert.instance(e, ContractError, `seed ${seed}: ${(e as Error).message}`);
      continue;
    }
    accepted++;
    try {
      vm.apply(
        bytes,
        { receiver: n('t'), account: n('t'), name: n('transfer'), data: new Uint8Array(40), authorization: [] },
        new MemoryHost(['t']),
        { cpuUnits: 1_000_000 },
      );
    } catch (e) {
      assert.instance(e, ContractError, `seed ${seed} at run: ${(e as Error).message}`);
    }
  }
  assert.ok(accepted > 0, 'some mutations still form valid modules and run');
});

test.run();
