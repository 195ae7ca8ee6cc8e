// Issue 8, class 3: log flood. An app that calls log.write in a tight loop used to write 2 GB to
// stderr in one 3 s call while the host queued 2 GB of messages. Now each call records at most
// LOG_BYTES_PER_CALL (messages cut at LOG_MESSAGE_MAX_BYTES, each charged at least
// LOG_MESSAGE_CHARGE_BYTES), then one marker line; the rest costs the app only the bounds check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostError, Host } from '../../runtime/index.js';
import { LOG_BYTES_PER_CALL, LOG_MESSAGE_CHARGE_BYTES, LOG_MESSAGE_MAX_BYTES } from '../../runtime/limits.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, grantAll } from './helpers.js';

const home = tempHome('hostile-log-flood');
const lines: { app: string; level: number; message: string }[] = [];
let host: Host;
const logged = (app: string) => lines.filter((l) => l.app === app);
const bytesOf = (ls: { message: string }[]) => ls.reduce((n, l) => n + Buffer.byteLength(l.message), 0);
/** The marker line, the truncation suffix: text the host adds beside the budget. */
const MARGIN = 4096;

test.before(async () => {
  host = new Host({ home, bridge: null, logLevel: 0, onLog: (app, level, message) => lines.push({ app, level, message }) });
  await host.install(writeApp(home, 'good', M.appModule()), grantAll);
});

for (const [name, len] of [
  ['flood-small', 100],
  ['flood-empty', 0],
  ['flood-huge', 1 << 20],
] as const) {
  test(`log.write of ${len}-byte messages for a whole 2 s deadline → DEADLINE_EXCEEDED, at most the per-call budget recorded`, async () => {
    await host.install(writeApp(home, name, M.logFlood(len), { capabilities: { log: {} }, limits: { cpuMs: 2000 } }), grantAll);
    const rss0 = process.memoryUsage().rss;
    let rss = rss0;
    const sample = setInterval(() => {
      rss = Math.max(rss, process.memoryUsage().rss);
    }, 10);
    try {
      await host.run(name, 'go');
      assert.unreachable('the app logs forever');
    } catch (e) {
      assert.instance(e, HostError);
      assert.is((e as HostError).code, 'DEADLINE_EXCEEDED', (e as Error).message);
    } finally {
      clearInterval(sample);
    }
    // the messages the worker posted before it was stopped may still be on their way: wait for its marker line
    const MARKER = /^… log budget of 1 MiB per call reached/;
    for (const end = Date.now() + 60_000; !logged(name).some((l) => MARKER.test(l.message)); ) {
      if (Date.now() > end) throw new Error(`no marker line among ${logged(name).length} messages`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const mine = logged(name);
    const bytes = bytesOf(mine);
    assert.ok(bytes <= LOG_BYTES_PER_CALL + MARGIN, `${bytes} bytes logged`);
    assert.ok(mine.length <= LOG_BYTES_PER_CALL / LOG_MESSAGE_CHARGE_BYTES + 2, `${mine.length} messages logged`);
    assert.match(mine.at(-1)!.message, /^… log budget of 1 MiB per call reached: the rest of this call's log is dropped$/);
    if (len > LOG_MESSAGE_MAX_BYTES) assert.match(mine[0]!.message, /… \(truncated from 1048576 bytes\)$/);
    // Before: 250 MiB (1 MiB messages) to 45 MiB (100 bytes) recorded in 3 s.
    const grew = (rss - rss0) / 2 ** 20;
    assert.ok(grew < 128, `process RSS grew ${grew.toFixed(0)} MiB`);
    console.log(`  ${name}: ${bytes} bytes in ${mine.length} messages, RSS +${grew.toFixed(0)} MiB`);
    assert.equal(await host.run('good', 'go'), { ok: true });
  });
}

test('a call that overflows the budget and returns: one summary line of what was dropped; the next call has a full budget', async () => {
  const len = 1000;
  const times = 2000; // 2 MB: about half dropped
  await host.install(writeApp(home, 'chatty', M.logFlood(len, times), { capabilities: { log: {} } }), grantAll);
  assert.equal(await host.run('chatty', 'go'), { ok: true });
  const first = logged('chatty');
  const kept = Math.ceil(LOG_BYTES_PER_CALL / len);
  assert.is(first.length, kept + 2, 'kept messages, the marker, the summary');
  const dropped = times - kept;
  assert.is(first.at(-1)!.message, `… ${dropped * len} more log bytes in ${dropped} messages dropped (log budget of 1 MiB per call)`);
  assert.equal(await host.run('chatty', 'go'), { ok: true });
  assert.is(logged('chatty').length, 2 * first.length);
});

test.after(async () => {
  await host.close();
  cleanup(home);
});
test.run();
