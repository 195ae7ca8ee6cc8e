// `peeros node`'s log lines: nodeos's block line, the level filter, JSON lines, Antelope names on
// errors, and app-or-peer text escaped before the terminal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeLog } from '../../../runtime/cli/node-log.js';
import { ChainError } from '../../../dmcs/index.js';

const BLOCK = { num: 7, id: new Uint8Array(32).fill(0xab), producer: 'eosio', timestamp: 2, transactions: 3, produced: true };

test('a produced block is one nodeos-style line: id prefix, number, block time, producer, transactions', () => {
  const lines: string[] = [];
  new NodeLog((l) => lines.push(l)).block(BLOCK);
  assert.is(lines.length, 1);
  assert.match(
    lines[0]!,
    /^info {2}\d{4}-\d\d-\d\dT[\d:.]+ nodeos {4}producer_plugin +\] Produced block abababababababab\.\.\. #7 @ 2000-01-01T00:00:01\.000 signed by eosio \[trxs: 3\]$/,
  );
  new NodeLog((l) => lines.push(l)).block({ ...BLOCK, produced: false });
  assert.match(lines[1]!, /net_plugin +\] Received block/);
});

test('--log-level warn hides block lines, keeps errors; --log-json writes one object a line', () => {
  const lines: string[] = [];
  const log = new NodeLog((l) => lines.push(l), { level: 'warn', json: true });
  log.block(BLOCK);
  log.error(new ChainError('tx_duplicate', 'duplicate transaction'));
  assert.is(lines.length, 1);
  const o = JSON.parse(lines[0]!);
  assert.is(o.level, 'error');
  assert.is(o.name, 'tx_duplicate');
  assert.is(o.event, 'error');
});

test('error text is escaped for the terminal', () => {
  const lines: string[] = [];
  new NodeLog((l) => lines.push(l)).error(new Error('bad \x1b[2J block'));
  assert.not.ok(lines[0]!.includes('\x1b'));
});

test.run();
