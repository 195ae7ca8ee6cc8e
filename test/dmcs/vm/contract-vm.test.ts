// The contract VM's sandbox contract: only known intrinsics may be imported (the error names the
// import), memory ≤ 33 MiB, CPU bounded by deterministic metering, traps and assertions typed,
// CDT-style (no exported memory, no start) and AssemblyScript-style (start function) modules both run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ContractVm, validate } from '../../../dmcs/vm/contract-vm.js';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { MAX_MEMORY_PAGES } from '../../../dmcs/vm/contract-limits.js';
import type { ContractAction } from '../../../dmcs/vm/contract-host.js';
import { MemoryHost, n } from './memory-host.js';
import { DPAY_WASM } from './token-harness.js';
import { wat } from './wat.js';

const action = (name = 'go', data = new Uint8Array()): ContractAction => ({
  receiver: n('c'),
  account: n('c'),
  name: n(name),
  data,
  authorization: [{ actor: n('alice'), permission: n('active') }],
});

function throwsCode(fn: () => unknown, code: string, text?: string): ContractError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, code, (e as Error).message);
    if (text) assert.ok((e as Error).message.includes(text), (e as Error).message);
    return e as ContractError;
  }
  throw assert.unreachable(`expected ${code}`);
}

const APPLY = '(func (export "apply") (param i64 i64 i64))';

test('a module importing an unknown function is refused, naming the import', () => {
  throwsCode(
    () => validate(wat(`(module (import "env" "launch_missiles" (func (param i32))) ${APPLY})`)),
    'wasm_serialization_error',
    'env.launch_missiles',
  );
  throwsCode(
    () => validate(wat(`(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) ${APPLY})`)),
    'wasm_serialization_error',
    'wasi_snapshot_preview1.fd_write',
  );
  throwsCode(
    () => validate(wat(`(module (import "env" "require_auth" (func (param i32))) ${APPLY})`)),
    'wasm_serialization_error',
    'env.require_auth as (i32) -> (); the intrinsic is (i64) -> ()',
  );
  throwsCode(() => validate(wat(`(module (import "env" "memory" (memory 1)) ${APPLY})`)), 'wasm_serialization_error', 'env.memory');
});

test('a module without apply, or with instructions outside the subset, is refused', () => {
  throwsCode(() => validate(wat('(module (func (export "main")))')), 'wasm_serialization_error', 'apply');
  throwsCode(
    () =>
      validate(
        wat(`(module (memory 1) (func (export "apply") (param i64 i64 i64) (memory.fill (i32.const 0) (i32.const 0) (i32.const 65536))))`),
      ),
    'wasm_serialization_error',
    'bulk memory',
  );
  throwsCode(
    () => validate(wat(`(module (func (export "apply") (param i64 i64 i64) (drop (v128.const i64x2 0 0))))`)),
    'wasm_serialization_error',
    'SIMD',
  );
  throwsCode(() => validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), 'wasm_serialization_error', 'version');
});

test('memory: an initial size over 33 MiB is refused; growth stops at 33 MiB', () => {
  throwsCode(() => validate(wat(`(module (memory ${MAX_MEMORY_PAGES + 1}) ${APPLY})`)), 'page_memory_error', '33 MiB');
  const bomb = wat(`(module
    (import "env" "printui" (func $printui (param i64)))
    (memory 1)
    (func (export "apply") (param i64 i64 i64)
      (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 64)) (i32.const -1))))
      (call $printui (i64.extend_i32_u (memory.size)))))`);
  const r = new ContractVm().apply(bomb, action(), new MemoryHost());
  assert.ok(Number(r.console) <= MAX_MEMORY_PAGES, `grew to ${r.console} pages`);
  assert.ok(Number(r.console) >= MAX_MEMORY_PAGES - 64);
});

test('an infinite loop ends with tx_cpu_usage_exceeded, deterministically', () => {
  const loop = wat(`(module (func (export "apply") (param i64 i64 i64) (loop $l (br $l))))`);
  const vm = new ContractVm();
  const t0 = Date.now();
  throwsCode(() => vm.apply(loop, action(), new MemoryHost()), 'tx_cpu_usage_exceeded');
  assert.ok(Date.now() - t0 < 20_000, 'bounded in time (≈ 20 ms unloaded)');
  throwsCode(() => vm.apply(loop, action(), new MemoryHost(), { cpuUnits: 1000 }), 'tx_cpu_usage_exceeded');
  const counted = wat(`(module (func (export "apply") (param i64 i64 i64) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))))`);
  const a = vm.apply(counted, action(), new MemoryHost()).cpuUnits;
  const b = vm.apply(counted, action(), new MemoryHost()).cpuUnits;
  assert.is(a, b, 'the same action costs the same units');
  assert.ok(a >= 1000 && a < 20_000, `units ${a}`);
});

test('metering charges exactly one unit per instruction executed, per loop iteration', () => {
  // A loop body of 8 instructions + its `end` costs 9 units per iteration; the function outside the
  // loop (`loop` + final `end`) costs 2. Charging one unit per iteration, or per loop, fails this.
  const vm = new ContractVm();
  const counted = (k: number) =>
    wat(`(module (func (export "apply") (param i64 i64 i64) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${k}))))))`);
  for (const k of [1, 1000, 2000]) assert.is(vm.apply(counted(k), action(), new MemoryHost()).cpuUnits, 2 + 9 * k, `${k} iterations`);
  // straight-line code: `drop (i32.const 7)` is two instructions, plus the function's `end`
  const flat = (k: number) => wat(`(module (func (export "apply") (param i64 i64 i64) ${'(drop (i32.const 7)) '.repeat(k)}))`);
  for (const k of [0, 10, 100]) assert.is(vm.apply(flat(k), action(), new MemoryHost()).cpuUnits, 1 + 2 * k, `${k} drops`);
});

test('CPU spent inside intrinsics is metered too', () => {
  const memsetLoop = wat(`(module (import "env" "memset" (func $memset (param i32 i32 i32) (result i32))) (memory 16)
    (func (export "apply") (param i64 i64 i64) (loop $l (drop (call $memset (i32.const 0) (i32.const 1) (i32.const 1048576))) (br $l))))`);
  throwsCode(() => new ContractVm().apply(memsetLoop, action(), new MemoryHost()), 'tx_cpu_usage_exceeded', 'intrinsics');
  // prints scans for a NUL: a long unterminated-looking string costs by its length
  const printsLoop = wat(`(module (import "env" "prints" (func $prints (param i32))) (memory 16)
    (func (export "apply") (param i64 i64 i64)
      (call $memfill) (loop $l (call $prints (i32.const 0)) (br $l)))
    (func $memfill (local $i i32) (loop $f (i32.store8 (local.get $i) (i32.const 65)) (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $f (i32.lt_u (local.get $i) (i32.const 1048575))))))`);
  throwsCode(() => new ContractVm().apply(printsLoop, action(), new MemoryHost()), 'tx_cpu_usage_exceeded');
});

test('call depth is counted deterministically: 250 nested calls pass, 251 fail', () => {
  const rec = wat(`(module
    (func $f (param $n i32) (result i32)
      (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
      (block $b (br_if $b (i32.const 0)) (return (i32.add (call $f (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))
      (unreachable))
    (func (export "apply") (param i64 i64 i64) (drop (call $f (i32.wrap_i64 (local.get 2))))))`);
  const vm = new ContractVm();
  const depth = (d: number) => vm.apply(rec, { ...action(), name: BigInt(d) }, new MemoryHost());
  depth(248); // apply + 249 frames of $f
  const e = throwsCode(() => depth(249), 'wasm_execution_error', 'maximum call depth of 250');
  assert.ok(e.message.includes('250'));
  depth(10); // the depth counter is reset after a failure
  const forever = wat(`(module (func $f (call $f)) (func (export "apply") (param i64 i64 i64) (call $f)))`);
  throwsCode(() => vm.apply(forever, action(), new MemoryHost()), 'wasm_execution_error', 'call depth');
});

test('functions with several results keep working through the depth wrapper', () => {
  const m = wat(`(module
    (import "env" "printi" (func $printi (param i64)))
    (func $pair (param $x i64) (result i64 i64)
      (if (i64.eqz (local.get $x)) (then (return (i64.const 1) (i64.const 2))))
      (i64.const 3) (i64.const 4))
    (func (export "apply") (param i64 i64 i64) (local $a i64)
      (call $pair (local.get 2)) (call $printi) (call $printi)))`);
  assert.is(new ContractVm().apply(m, { ...action(), name: 0n }, new MemoryHost()).console, '21');
  assert.is(new ContractVm().apply(m, { ...action(), name: 5n }, new MemoryHost()).console, '43');
});

test('assertions become eosio_assert_message_exception with the message', () => {
  const m = wat(`(module
    (import "env" "eosio_assert" (func $a (param i32 i32)))
    (import "env" "eosio_assert_message" (func $am (param i32 i32 i32)))
    (import "env" "eosio_assert_code" (func $ac (param i32 i64)))
    (import "env" "abort" (func $abort))
    (memory 1) (data (i32.const 8) "overdrawn balance\\00with length")
    (func (export "apply") (param $r i64) (param $c i64) (param $act i64)
      (call $a (i64.ne (local.get $act) (i64.const 0)) (i32.const 8))
      (call $am (i64.ne (local.get $act) (i64.const 1)) (i32.const 26) (i32.const 11))
      (call $ac (i64.ne (local.get $act) (i64.const 2)) (i64.const 42))
      (if (i64.eq (local.get $act) (i64.const 3)) (then (call $abort)))
      (if (i64.eq (local.get $act) (i64.const 4)) (then (unreachable)))))`);
  const vm = new ContractVm();
  const act = (v: bigint): ContractAction => ({ ...action(), name: v });
  const e = throwsCode(
    () => vm.apply(m, act(0n), new MemoryHost()),
    'eosio_assert_message_exception',
    'assertion failure with message: overdrawn balance',
  );
  assert.is(e.antelopeCode, 3050003);
  throwsCode(() => vm.apply(m, act(1n), new MemoryHost()), 'eosio_assert_message_exception', 'with length');
  throwsCode(() => vm.apply(m, act(2n), new MemoryHost()), 'eosio_assert_code_exception', '42');
  throwsCode(() => vm.apply(m, act(3n), new MemoryHost()), 'abort_called');
  throwsCode(() => vm.apply(m, act(4n), new MemoryHost()), 'wasm_execution_error', 'unreachable');
});

test('a CDT-style module (memory not exported, no start) reads its action data and prints', () => {
  const m = wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "action_data_size" (func $size (result i32)))
    (import "env" "prints_l" (func $prints_l (param i32 i32)))
    (import "env" "printn" (func $printn (param i64)))
    (import "env" "current_receiver" (func $self (result i64)))
    (memory 1)
    (func (export "apply") (param i64 i64 i64)
      (drop (call $read (i32.const 100) (call $size)))
      (call $prints_l (i32.const 100) (call $size))
      (call $printn (call $self))))`);
  const r = new ContractVm().apply(m, action('go', new TextEncoder().encode('hi ')), new MemoryHost());
  assert.is(r.console, 'hi c');
});

test('a start function runs before apply, every action, on a fresh instance', () => {
  const m = wat(`(module
    (import "env" "printi" (func $printi (param i64)))
    (global $g (mut i64) (i64.const 0))
    (memory 1)
    (func $init (global.set $g (i64.add (global.get $g) (i64.const 7))))
    (start $init)
    (func (export "apply") (param i64 i64 i64) (call $printi (global.get $g))))`);
  const vm = new ContractVm();
  assert.is(vm.apply(m, action(), new MemoryHost()).console, '7');
  assert.is(vm.apply(m, action(), new MemoryHost()).console, '7', 'no state carried between actions');
});

test('a reused instance starts from its initial memory and globals, even after a trap or growth', () => {
  const m = wat(`(module
    (import "env" "printui" (func $printui (param i64)))
    (global $g (mut i32) (i32.const 100))
    (memory 1) (data (i32.const 0) "\\05")
    (func (export "apply") (param i64 i64 i64)
      (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (call $printui (i64.extend_i32_u (i32.add (i32.load8_u (i32.const 0)) (global.get $g))))
      (if (i64.eq (local.get 2) (i64.const 1)) (then (drop (memory.grow (i32.const 1)))))
      (if (i64.eq (local.get 2) (i64.const 2)) (then (unreachable)))))`);
  const vm = new ContractVm();
  const run = (v: bigint) => vm.apply(m, { ...action(), name: v }, new MemoryHost()).console;
  assert.is(run(0n), '107');
  assert.is(run(0n), '107');
  assert.is(run(1n), '107', 'grows memory');
  assert.is(run(0n), '107', 'after growth');
  assert.throws(() => run(2n));
  assert.is(run(0n), '107', 'after a trap');
});

test('set_action_return_value, time and TaPoS intrinsics', () => {
  const m = wat(`(module
    (import "env" "set_action_return_value" (func $ret (param i32 i32)))
    (import "env" "current_time" (func $now (result i64)))
    (import "env" "tapos_block_num" (func $tn (result i32)))
    (import "env" "printui" (func $printui (param i64)))
    (memory 1) (data (i32.const 0) "\\01\\02\\03")
    (func (export "apply") (param i64 i64 i64)
      (call $ret (i32.const 0) (i32.const 3))
      (call $printui (call $now))
      (call $printui (i64.extend_i32_u (call $tn)))))`);
  const host = new MemoryHost();
  const r = new ContractVm().apply(m, action(), host);
  assert.equal([...r.returnValue], [1, 2, 3]);
  assert.is(r.console, `${host.time}1234`);
});

test('compiled modules are cached by code hash', () => {
  const vm = new ContractVm();
  const bytes = wat(`(module ${APPLY})`);
  const a = vm.compile(bytes);
  assert.is(vm.compile(bytes), a);
  assert.is(vm.compile(bytes.slice()), a, 'same code in another buffer hits the hash cache');
  assert.is(a.codeHash.length, 64);
});

test('the built dPay contract validates and imports only known intrinsics', () => {
  const wasm = new Uint8Array(readFileSync(DPAY_WASM));
  validate(wasm);
  const compiled = new ContractVm().compile(wasm);
  assert.ok(compiled.prepared.hasStart, 'AssemblyScript contracts have a start function');
  assert.ok(compiled.prepared.imports.includes('db_store_i64'));
  assert.not.ok(compiled.prepared.imports.includes('abort'), 'abort is mapped to eosio_assert_message');
});

test.run();
