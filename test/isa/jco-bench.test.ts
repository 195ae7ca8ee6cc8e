// bench/jco.ts: the bench fixture runs through a jco-transpiled component with the host's echo
// rule, and benchJco reports jco.echo.64 in the shared BenchResult shape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pack, unpack } from 'msgpackr';
import { benchJco, hostEcho, instantiateBenchComponent, neutraliseDebugLog } from '../../bench/jco.js';

test('the host echo rule is the runtime one', async () => {
  const { echo, source } = await hostEcho();
  assert.match(source, /echoPayload/);
  const ok = pack({ a: [1, 2] });
  assert.equal([...echo(ok, 32)], [...ok]);
  assert.throws(() => echo(new Uint8Array([0xc1]), 32));
});

test('the transpiled component runs the bench commands', async () => {
  const { echo } = await hostEcho();
  const { command, cleanup, debugCallsRemoved } = await instantiateBenchComponent(echo);
  try {
    assert.ok(debugCallsRemoved > 0, "the glue's per-call _debugLog reads were neutralised (jco at its best)");
    assert.is(unpack(command.run('echo', pack({ n: 3, size: 64 }))), 64);
    assert.is(unpack(command.run('echo', pack({ n: 1, size: 4096 }))), 4096);
    assert.is(unpack(command.run('null', pack({ n: 5 }))), 5);
  } finally {
    await cleanup();
  }
});

test('neutraliseDebugLog rewrites calls, not the definition or other names', () => {
  const src = 'const _debugLog = (...args) => {};\n_debugLog("a", {x});\nfoo._debugLog(1); my_debugLog(2); f(_debugLog("b"));';
  const { js, removed } = neutraliseDebugLog(src);
  assert.is(removed, 2);
  assert.is(
    js,
    'const _debugLog = (...args) => {};\n(void 0) && _debugLog("a", {x});\nfoo._debugLog(1); my_debugLog(2); f((void 0) && _debugLog("b"));',
  );
});

test('benchJco reports jco.echo.64 in ns/op', async () => {
  const [r] = await benchJco({ runs: 2 });
  assert.is(r!.name, 'jco.echo.64');
  assert.is(r!.unit, 'ns/op');
  assert.is(r!.runs, 2);
  assert.ok(r!.median > 0 && r!.min <= r!.median && r!.median <= r!.max);
});

test.run();
