// The `peeros invoke` engine (runtime/invoke.ts) in process, with its real worker: values of every
// kind through @assemblyscript/loader, the signature rules, and hostile modules — results whose
// runtime headers lie (the loader trusts them; the host must not), export names the loader would
// demangle onto Object.prototype, huge abort messages, trace floods — each a typed error or a bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeModule, type Signature } from '../../../runtime/invoke.js';
import { HostError } from '../../../runtime/errors.js';
import { ABORT_MESSAGE_MAX_UNITS } from '../../../runtime/sandbox/as-env.js';
import { loaderSafeExportName } from '../../../runtime/sandbox/invoke-instance.js';
import { typeFromWord } from '../../../runtime/sandbox/invoke-types.js';
import { invokeArg } from '../../../runtime/cli/invoke-args.js';
import { LOG_BYTES_PER_CALL } from '../../../runtime/limits.js';
import { WasmBuilder, op } from '../../fixtures/wasm-builder.js';
import { ROOT } from '../../e2e/world.js';

const BUILD = join(ROOT, 'test/fixtures/invoke/build');
const read = (f: string) => new Uint8Array(readFileSync(join(BUILD, f)));
const PLAIN = read('plain.wasm');
const BINDINGS = readFileSync(join(BUILD, 'plain.d.ts'), 'utf8');
const HOSTILE = read('hostile.wasm');

async function withModule<T>(bytes: Uint8Array, f: (m: InvokeModule) => Promise<T>, opts = {}): Promise<T> {
  const m = await InvokeModule.open(bytes, { name: 'fixture.wasm', ...opts });
  try {
    return await f(m);
  } finally {
    await m.close();
  }
}

const sig = (m: InvokeModule, fn: string, args?: string[], result?: string): Signature => {
  const s = m.signature(
    fn,
    args?.map((w) => typeFromWord(w)!),
    result === undefined ? undefined : typeFromWord(result),
  );
  if ('reason' in s) throw new Error(s.reason);
  return s;
};
const call = (m: InvokeModule, fn: string, words: string[], types?: { args?: string[]; result?: string }) => {
  const s = sig(m, fn, types?.args, types?.result);
  return m.call(
    fn,
    s,
    words.map((w, i) => invokeArg(w, s.params[i]!, i)),
  );
};
async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<HostError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, HostError);
    assert.is((err as HostError).code, code, (err as Error).message);
    if (message) assert.match((err as Error).message, message);
    return err as HostError;
  }
  throw new Error(`expected ${code}`);
}

test('every kind of value both ways, types from the bindings', async () => {
  await withModule(
    PLAIN,
    async (m) => {
      assert.is(m.kind, 'assemblyscript');
      const cases: [string, string[], unknown][] = [
        ['add', ['0x7fffffff', '1'], -2147483648],
        ['greet', ['\u0000\u202e'], 'Hello, \u0000\u202e!'],
        ['sum', ['[1,2,3]'], 6],
        ['mean', ['1,2'], 1.5],
        ['squares', ['3'], [0, 1, 4]],
        ['range', ['0'], []],
        ['bytes', ['2'], [0, 1]],
        ['twice', ['-4611686018427387904'], '-9223372036854775808'],
        ['half', ['Infinity'], 'Infinity'],
        ['shout', ['x'], null],
      ];
      for (const [fn, words, want] of cases) assert.equal((await call(m, fn, words)).value, want, fn);
    },
    { bindings: BINDINGS },
  );
});

test('signatures: the flags override the bindings; types that do not fit the wasm signature are refused with a reason', async () => {
  await withModule(
    PLAIN,
    async (m) => {
      const reason = (fn: string, args?: string[], result?: string) => {
        const s = m.signature(
          fn,
          args?.map((w) => typeFromWord(w)!),
          result === undefined ? undefined : typeFromWord(result),
        );
        return 'reason' in s ? s.reason : '';
      };
      assert.match(reason('add', ['f64', 'i32']), /parameter 1 of 'add' is i32 in the module; a f64 is passed as f64/);
      assert.match(reason('add', ['i32']), /--arg-types names 1 types; 'add' takes 2 parameters/);
      assert.match(reason('twice', undefined, 'string'), /the result of 'twice' is i64 in the module/);
      assert.match(reason('missing'), /exports no function 'missing'/);
      assert.is(reason('greet', ['u32'], 'u32'), ''); // a pointer, as a number: allowed, the caller asked
    },
    { bindings: BINDINGS },
  );
});

test('a module without runtime exports passes numbers only', async () => {
  await withModule(read('numbers.wasm'), async (m) => {
    assert.is(m.kind, 'plain');
    assert.equal((await call(m, 'mul', ['1.5', '4'])).value, 6);
    assert.equal((await call(m, 'count', ['0xffffffffff'])).value, '1099511627776');
    const s = m.signature('mul', [typeFromWord('string')!, typeFromWord('f64')!]);
    assert.ok('reason' in s);
  });
});

test('abort: ABORT carries message, file, line and column; a huge message is cut to its bound', async () => {
  await withModule(
    PLAIN,
    async (m) => {
      const e = await rejects(call(m, 'withdraw', ['1', '2']), 'ABORT');
      assert.equal(e.abort, { message: 'insufficient funds: 2 > 1', file: 'test/fixtures/invoke/assembly/plain.ts', line: 52, column: 3 });
      // the instance was poisoned; the next call gets a fresh one
      assert.equal((await call(m, 'add', ['1', '1'])).value, 2);
    },
    { bindings: BINDINGS },
  );
  await withModule(HOSTILE, async (m) => {
    const e = await rejects(m.call('abortHuge', sig(m, 'abortHuge', [], 'void'), []), 'ABORT');
    assert.ok(e.abort!.message.length < ABORT_MESSAGE_MAX_UNITS + 64, `${e.abort!.message.length}`);
    assert.match(e.abort!.message, /… \(truncated from 524288 characters\)$/);
  });
});

test('hostile results: a forged string length, a non-string, an array pointing past memory — typed errors, the loader never reads them', async () => {
  await withModule(HOSTILE, async (m) => {
    await rejects(m.call('forgedLength', sig(m, 'forgedLength', [], 'string'), []), 'BAD_POINTER', /outside linear memory/);
    await rejects(m.call('notAString', sig(m, 'notAString', [], 'string'), []), 'INVALID_VALUE', /is not a string \(class id \d+\)/);
    await rejects(m.call('notAString', sig(m, 'notAString', [], 'Float64Array'), []), 'INVALID_VALUE', /is not a Float64Array/);
    await rejects(m.call('forgedArray', sig(m, 'forgedArray', [], 'Int32Array'), []), 'BAD_POINTER');
  });
  await withModule(
    PLAIN,
    async (m) => {
      await rejects(call(m, 'repeat', ['ab', '300000']), 'LIMIT_EXCEEDED', /above the host-call limit/);
    },
    { bindings: BINDINGS },
  );
});

test('a trace flood is held to the per-call log budget, with a marker and a count of what was dropped', async () => {
  const lines: string[] = [];
  await withModule(
    HOSTILE,
    async (m) => {
      assert.equal((await call(m, 'traceFlood', ['20000'])).value, 20000);
    },
    { onLog: (_app: string, _level: number, message: string) => lines.push(message) },
  );
  // the worker posts its log lines before its result on the same port: they are all here (polled all the same)
  for (const end = Date.now() + 60_000; !lines.some((l) => /more trace lines dropped/.test(l)) && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 20));
  const bytes = lines.reduce((n, l) => n + l.length, 0);
  assert.ok(bytes <= LOG_BYTES_PER_CALL, `${bytes} bytes of trace`);
  assert.ok(lines.some((l) => /trace budget of \d+ bytes per call reached/.test(l)));
  assert.ok(lines.some((l) => /more trace lines dropped/.test(l)));
});

test('a runtime whose __new returns an address outside memory: BAD_POINTER, nothing written', async () => {
  const b = new WasmBuilder().memory(1);
  const bogusNew = b.func(['i32', 'i32'], ['i32'], [op.i32_const(0x7ffffff0)]);
  const pin = b.func(['i32'], ['i32'], [op.local_get(0)]);
  const unpin = b.func(['i32'], [], []);
  const f = b.func(['i32'], ['i32'], [op.local_get(0)]);
  const base = b.global(0);
  b.exportFunc('__new', bogusNew).exportFunc('__pin', pin).exportFunc('__unpin', unpin).exportGlobal('__rtti_base', base);
  b.exportFunc('f', f).exportMemory();
  await withModule(b.bytes(), async (m) => {
    assert.is(m.kind, 'assemblyscript');
    await rejects(m.call('f', sig(m, 'f', ['string'], 'i32'), ['abc']), 'BAD_POINTER', /the string the module's __new allocated/);
  });
});

test('export names the loader would demangle onto Object.prototype are refused', async () => {
  assert.ok(loaderSafeExportName('add'));
  assert.ok(loaderSafeExportName('Foo#constructor'));
  assert.ok(loaderSafeExportName('ns.Foo#get:x'));
  for (const name of ['constructor#x', 'a.constructor#get:x', '__proto__.x', 'x.prototype', 'Foo#__proto__']) {
    assert.not.ok(loaderSafeExportName(name), name);
  }
  const b = new WasmBuilder().memory(1);
  const f = b.func([], ['i32'], [op.i32_const(1)]);
  b.exportFunc('constructor#toString', f).exportMemory();
  await rejects(InvokeModule.open(b.bytes(), { name: 'proto.wasm' }), 'INVALID_MODULE', /constructor#toString/);
});

test('imports: only env.abort/trace/seed with their signatures; a memory import is refused', async () => {
  const withImport = (module: string, name: string, params: ('i32' | 'f64')[], results: ('i32' | 'f64')[]) => {
    const b = new WasmBuilder();
    b.importFunc(module, name, params, results);
    b.memory(1);
    b.exportFunc('f', b.func([], [], []));
    return b.bytes();
  };
  await rejects(
    InvokeModule.open(withImport('peeros:isa/log@0.1.0', 'write', ['i32', 'i32', 'i32'], [])),
    'LINK_ERROR',
    /import peeros:isa\/log@0\.1\.0::write is refused/,
  );
  await rejects(
    InvokeModule.open(withImport('env', 'abort', ['i32'], [])),
    'LINK_ERROR',
    /env::abort has signature \(i32\) -> \(\), expected/,
  );
  await rejects(InvokeModule.open(withImport('env', 'memcpy', [], [])), 'LINK_ERROR', /env::memcpy is refused/);
  const seedOnly = await InvokeModule.open(withImport('env', 'seed', [], ['f64']));
  await seedOnly.close();
  const mem = new WasmBuilder();
  mem.importMemory('env', 'memory', 1);
  await rejects(InvokeModule.open(mem.bytes()), 'LINK_ERROR', /env::memory is refused/);
});

test('an SDK app is called through its glue; an ISA import is refused, naming its capability: invoke grants none', async () => {
  await withModule(new Uint8Array(readFileSync(join(ROOT, 'apps/calculator/build/calculator.wasm'))), async (m) => {
    assert.is(m.kind, 'sdk');
    assert.equal((await m.callCommand('add', { a: '1.5', b: '2' })).value, '3.5');
    await rejects(m.callCommand('nope', {}), 'APP_ERROR', /UNKNOWN_COMMAND/);
  });
  const probe = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/build/isa-probe.wasm')));
  await rejects(
    InvokeModule.open(probe),
    'CAPABILITY_DENIED',
    /import peeros:isa\/\w+@0\.1\.0::\w+ needs capability '[\w.]+': peeros invoke grants no capability/,
  );
});

test('the memory cap applies: a module starting above --memory-pages is refused', async () => {
  const b = new WasmBuilder().memory(8);
  b.exportFunc('f', b.func([], [], [])).exportMemory();
  await rejects(InvokeModule.open(b.bytes(), { memoryPages: 4 }), 'LIMIT_EXCEEDED', /starts at 8 pages/);
});

test.run();
