// What crosses to an app's worker with a call is the call's bytes and nothing else. The host packs
// every app's data with one codec (abi/msgpack/codec.ts: msgpackr, one reused buffer, each message a
// window of it), and postMessage clones a window's whole buffer: before lib/own-bytes.ts, a call's
// arguments carried along whatever the host had packed before them, e.g. another app's drive key
// (fs.drive-key's answer). Likewise the vault's replies (test/skv/no-private-key-path.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../../../runtime/sandbox/app-process.js';
import { pack } from '../../../abi/msgpack/codec.js';
import { standInSpec } from '../helpers.js';

const WORKER = new URL('../../fixtures/workers/bytes-report-worker.js', import.meta.url);
const home = mkdtempSync(join(tmpdir(), 'peeros-worker-bytes-'));

test("a call's arguments reach the worker alone, not the codec buffer they were packed in", async () => {
  const proc = new AppProcess(standInSpec('victim-next-door', 5000, home), () => {}, WORKER);
  try {
    // another app's secret, packed by the host just before (as the drive key's answer is)
    const secret = 'drive-key-of-another-app-0123456789abcdef';
    pack({ account: 'alice', key: secret });
    const args = pack({ to: 'bob', memo: 'hi' });
    assert.ok(args.buffer.byteLength > args.byteLength, 'the codec returns a window of a larger buffer (the premise)');
    const r = await proc.call('go', args);
    assert.equal([...r.bytes], [...args], 'exactly the arguments reached the worker');
    assert.not.ok(Buffer.from(r.bytes).includes(secret), "the other app's secret stayed in the host");
    // the caller's bytes are untouched (the copy was transferred, not the caller's buffer)
    assert.is(args.byteLength > 0 && args.buffer.byteLength > 0, true);
  } finally {
    await proc.close();
  }
});

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
