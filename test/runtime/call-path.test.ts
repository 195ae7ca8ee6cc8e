// The call path in one thread: name + args in through cabi_realloc, run, return area, copy out,
// post-return; and the ISA implementations seen from a guest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack, unpackGuest, IsaErrorCode } from '../../abi/boundary.js';
import type { HostError } from '../../runtime/index.js';
import { op } from '../fixtures/wasm-builder.js';
import * as M from '../fixtures/hostile/modules.js';
import { instantiate, tempHome, cleanup } from './helpers.js';
import { STORAGE_RECORD_OVERHEAD_BYTES } from '../../runtime/limits.js';

const home = tempHome('call-path');
const enc = (s: string) => new TextEncoder().encode(s);
const area = (inst: ReturnType<typeof instantiate>, unit = false) => {
  const r = inst.run('go', pack({}));
  assert.ok(r.ok);
  return M.readArea(unpackGuest(r.bytes, 4) as Uint8Array, unit);
};

test('run returns the msgpack result; post-return lets the guest free it', () => {
  const inst = instantiate(M.appModule({ result: pack({ sum: 3 }) }));
  for (let i = 0; i < 3000; i++) {
    const r = inst.run('go', pack({ a: 1, b: 2 }));
    assert.ok(r.ok);
    assert.equal(unpackGuest(r.bytes, 8), { sum: 3 });
  }
  // 3000 calls of bump allocation would have grown memory without post-return resetting the heap
  assert.is(inst.memoryPages, 2);
});

test('an app error comes back as ok=false with its {code, message} map', () => {
  const r = instantiate(M.appError()).run('go', pack({}));
  assert.is(r.ok, false);
  assert.equal(unpackGuest(r.bytes, 4), { code: 'E_TEST', message: 'nope' });
});

test('diag.echo hands the payload back through a fresh guest allocation', () => {
  const inst = instantiate(M.echoArgs(), { diag: {} });
  for (const v of [{ n: 1 }, 'x'.repeat(5000), [1, [2, [3]]]]) {
    const r = inst.run('go', pack(v));
    assert.ok(r.ok);
    assert.equal(unpackGuest(r.bytes, 8), v);
  }
});

test('diag.echo over the depth limit is invalid-argument, not a trap', () => {
  const deep = pack([[[[[[1]]]]]]);
  const inst = instantiate(
    M.isaProbe('diag', 'echo', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(deep.length)], [[1024, deep]]),
    { diag: {} },
    { msgpackDepth: 3 },
  );
  assert.equal(area(inst), { tag: 1, code: IsaErrorCode.INVALID_ARGUMENT });
  const ok = instantiate(
    M.isaProbe('diag', 'echo', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(deep.length)], [[1024, deep]]),
    { diag: {} },
    { msgpackDepth: 6 },
  );
  assert.equal(area(ok).tag, 0);
});

test('random.bytes: len bytes in guest memory; above the host-call limit is limit-exceeded', () => {
  const r = area(instantiate(M.isaProbe('random', 'bytes', ['i32', 'i32'], [op.i32_const(32)]), { random: {} }));
  assert.is(r.tag, 0);
  assert.is(r.len, 32);
  const big = area(
    instantiate(M.isaProbe('random', 'bytes', ['i32', 'i32'], [op.i32_const(5000)]), { random: {} }, { hostCallBytes: 4096 }),
  );
  assert.equal(big, { tag: 1, code: IsaErrorCode.LIMIT_EXCEEDED });
});

test('ual.account is no-session until a session exists, then the account', () => {
  const probe = () => instantiate(M.isaProbe('ual', 'account', ['i32'], []), { ual: {} }, {}, home);
  assert.equal(area(probe()), { tag: 1, code: IsaErrorCode.NO_SESSION });
  writeFileSync(join(home, 'session.json'), JSON.stringify({ account: 'alice' }));
  const r = area(probe());
  assert.is(r.tag, 0);
  assert.is(r.len, 5);
});

test('chain and dmcs answer unavailable inside their scope, capability-denied outside it', () => {
  assert.equal(area(instantiate(M.isaProbe('chain', 'get-info', ['i32'], []), { 'chain.read': { contracts: [] } })), {
    tag: 1,
    code: IsaErrorCode.UNAVAILABLE,
  });
  const q = pack({ code: 'eosio.token', scope: 'alice', table: 'accounts' });
  const rows = (contracts: string[]) =>
    area(
      instantiate(M.isaProbe('chain', 'get-table-rows', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(q.length)], [[1024, q]]), {
        'chain.read': { contracts },
      }),
    );
  assert.equal(rows(['eosio.token']), { tag: 1, code: IsaErrorCode.UNAVAILABLE });
  assert.equal(rows(['other']), { tag: 1, code: IsaErrorCode.CAPABILITY_DENIED });
  const acts = pack([{ account: 'eosio.token', name: 'transfer', data: {} }]);
  const push = (contracts: Record<string, string[]>) =>
    area(
      instantiate(M.isaProbe('dmcs', 'push', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(acts.length)], [[1024, acts]]), {
        'dmcs.push': { contracts },
      }),
    );
  assert.equal(push({ 'eosio.token': ['transfer'] }), { tag: 1, code: IsaErrorCode.UNAVAILABLE });
  assert.equal(push({ 'eosio.token': ['issue'] }), { tag: 1, code: IsaErrorCode.CAPABILITY_DENIED });
});

test('storage: scope prefixes, quota, not-found, durable set/get/delete', () => {
  // room for one small key and its record charge, not for a second one of 60 bytes
  const scope = { storage: { prefixes: ['notes/'], maxBytes: STORAGE_RECORD_OVERHEAD_BYTES + 64 } };
  const key = enc('notes/a');
  const other = enc('secret/a');
  const val = enc('hello');
  const set = (k: Uint8Array, v: Uint8Array) =>
    area(
      instantiate(
        M.isaProbe(
          'storage',
          'set',
          ['i32', 'i32', 'i32', 'i32', 'i32'],
          [op.i32_const(1024), op.i32_const(k.length), op.i32_const(2048), op.i32_const(v.length)],
          [
            [1024, k],
            [2048, v],
          ],
          2,
        ),
        scope,
        {},
        home,
      ),
      true,
    );
  const get = (k: Uint8Array) =>
    area(
      instantiate(
        M.isaProbe('storage', 'get', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(k.length)], [[1024, k]]),
        scope,
        {},
        home,
      ),
    );
  const del = (k: Uint8Array) =>
    area(
      instantiate(
        M.isaProbe('storage', 'delete', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(k.length)], [[1024, k]], 2),
        scope,
        {},
        home,
      ),
      true,
    );
  assert.equal(get(key), { tag: 1, code: IsaErrorCode.NOT_FOUND });
  assert.equal(set(key, val), { tag: 0 });
  const g = get(key);
  assert.is(g.tag, 0);
  assert.is(g.len, 5);
  assert.equal(set(other, val), { tag: 1, code: IsaErrorCode.CAPABILITY_DENIED });
  assert.equal(get(other), { tag: 1, code: IsaErrorCode.CAPABILITY_DENIED });
  assert.equal(set(enc('notes/big'), new Uint8Array(60)), { tag: 1, code: IsaErrorCode.LIMIT_EXCEEDED });
  assert.equal(set(enc(''), val), { tag: 1, code: IsaErrorCode.INVALID_ARGUMENT });
  assert.equal(del(key), { tag: 0 });
  assert.equal(del(key), { tag: 1, code: IsaErrorCode.NOT_FOUND });
});

test('a host-call return area out of bounds or misaligned is BAD_POINTER', () => {
  const inst = instantiate(
    M.appModule({
      imports: [['random', 'bytes', ['i32', 'i32'], []]],
      prelude: () => [op.i32_const(4), op.i32_const(0x7ffffff0), op.call(0)],
    }),
    { random: {} },
  );
  try {
    inst.run('go', pack({}));
    assert.unreachable();
  } catch (e) {
    assert.is((e as HostError).code, 'BAD_POINTER');
    assert.match((e as Error).message, /app 'probe' command 'go': random\.bytes return area/);
  }
  assert.ok(inst.poisoned);
});

test('log.write records the message with the app name; an invalid level is a typed trap', () => {
  const logs: string[] = [];
  const msg = enc('hello log');
  instantiate(
    M.appModule({
      imports: [['log', 'write', ['i32', 'i32', 'i32'], []]],
      prelude: (b) => {
        b.data(1024, msg);
        return [op.i32_const(3), op.i32_const(1024), op.i32_const(msg.length), op.call(0)];
      },
    }),
    { log: {} },
    {},
    home,
    logs,
  ).run('go', pack({}));
  assert.equal(logs, ['probe:3:hello log']);
  const bad = instantiate(
    M.appModule({ imports: [['log', 'enabled', ['i32'], ['i32']]], prelude: () => [op.i32_const(9), op.call(0), op.drop] }),
    { log: {} },
  );
  assert.throws(
    () => bad.run('go', pack({})),
    (e: HostError) => e.code === 'INVALID_VALUE' && /log level 9/.test(e.message),
  );
});

test('a cabi_realloc that answers out of bounds is BAD_POINTER naming what was being copied', () => {
  const inst = instantiate(M.appModule({ realloc: () => [op.i32_const(0x7fffff00)] }));
  assert.throws(
    () => inst.run('go', pack({})),
    (e: HostError) => e.code === 'BAD_POINTER' && /command name: cabi_realloc result/.test(e.message),
  );
});

test.after(() => cleanup(home));
test.run();
