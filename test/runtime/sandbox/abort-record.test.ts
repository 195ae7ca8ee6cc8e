// An SDK app's abort (issue 17): the SDK's handler records AssemblyScript's message, file, line and
// column before it traps, and the host reports ABORT with them instead of a bare trap — through an
// installed app's real worker, and in process for the record's own defences (a trap that is not an
// abort stays TRAP; a forged record pointing outside memory is ignored).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from '../../../runtime/errors.js';
import { pack } from '../../../abi/msgpack/codec.js';
import { GuestMemory } from '../../../abi/guest-memory.js';
import { ABORT_MARK, readAbortRecord } from '../../../runtime/sandbox/abort-record.js';
import { cleanup, grantAll, instantiate, quietHost, tempHome } from '../helpers.js';
import { ROOT } from '../../e2e/world.js';

const APP_DIR = join(ROOT, 'test/fixtures/apps/abort');
const WASM = new Uint8Array(readFileSync(join(APP_DIR, 'build/abort.wasm')));

async function failure(p: Promise<unknown> | (() => unknown)): Promise<HostError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    assert.instance(err, HostError);
    return err as HostError;
  }
  throw new Error('expected a failure');
}

test('an installed app that aborts fails with ABORT carrying message, file, line and column', async () => {
  const home = tempHome('abort-record');
  const host = quietHost(home);
  try {
    await host.install(APP_DIR, grantAll);
    const e = await failure(host.run('abort', 'check', { balance: 1, amount: 3 }));
    assert.is(e.code, 'ABORT');
    assert.is(e.app, 'abort');
    assert.is(e.command, 'check');
    assert.equal({ ...e.abort!, line: 0 }, { message: 'insufficient funds: 3 > 1', file: 'assembly/index.ts', line: 0, column: 3 });
    assert.ok(e.abort!.line > 0);
    const std = await failure(host.run('abort', 'index', { i: 9 }));
    assert.is(std.code, 'ABORT');
    assert.is(std.abort!.message, 'Index out of range');
    assert.match(std.abort!.file, /^~lib\//);
    // the poisoned instance is replaced: the app keeps working
    assert.is(await host.run('abort', 'check', { balance: 5, amount: 3 }), 2);
  } finally {
    await host.close();
    cleanup(home);
  }
});

test('a trap that is not an abort stays TRAP', async () => {
  const app = instantiate(WASM);
  const e = await failure(() => app.run('trap', pack({})));
  assert.is(e.code, 'TRAP');
  assert.is(e.abort, undefined);
});

test('the record is read only with its mark and inside memory', () => {
  const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  const at = (ptr: number) => () => ptr;
  assert.is(readAbortRecord(at(64), mem), undefined); // no mark
  mem.dv.setUint32(64 + 16, ABORT_MARK, true);
  mem.dv.setUint32(64 + 8, 7, true);
  assert.equal(readAbortRecord(at(64), mem), { message: '', file: '', line: 7, column: 0 });
  mem.dv.setUint32(64, 0xfffffff0, true); // message pointer outside memory: a note, not a throw
  assert.match(readAbortRecord(at(64), mem)!.message, /unreadable abort message/);
  assert.is(readAbortRecord(at(65536 - 8), mem), undefined); // the record itself outside memory
  assert.is(readAbortRecord(at(66), mem), undefined); // misaligned
  assert.is(readAbortRecord(undefined, mem), undefined); // no export (an app built before issue 17)
});

test('ABORT details cross a worker boundary checked: text bounded, positions whole u32s, anything else dropped', () => {
  const good = HostError.fromData({
    code: 'ABORT',
    message: 'm',
    abort: { message: 'x'.repeat(10_000), file: 'f.ts', line: 3, column: 4 },
  });
  assert.is(good.abort!.line, 3);
  assert.ok(good.abort!.message.length < 5000, `${good.abort!.message.length}`);
  for (const abort of [
    { message: 1, file: '', line: 0, column: 0 },
    { message: '', file: '', line: -1, column: 0 },
    { message: '', file: '', line: 1.5, column: 0 },
    'x',
  ]) {
    const e = HostError.fromData({ code: 'ABORT', message: 'm', abort } as never);
    assert.is(e.code, 'ABORT');
    assert.is(e.abort, undefined, JSON.stringify(abort));
  }
});

test.run();
