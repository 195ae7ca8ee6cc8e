// apps/calculator: exact decimal arithmetic, expression precedence, typed errors with positions.
// Logic through the minimal harness (test/isa/guest-harness.ts); one end-to-end run through the
// host's runtime (install + run in its worker).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGuest, AppErrorResult, type Guest } from '../isa/guest-harness.js';
import { CALCULATOR_WASM, ROOT } from '../isa/paths.js';
import { Host } from '../../runtime/index.js';

let calc: Guest;
test.before(async () => {
  calc = await loadGuest(CALCULATOR_WASM);
});

const evaluate = (expr: string): unknown => calc.run('eval', { expr });
const error = (cmd: string, args: unknown): Record<string, unknown> => {
  try {
    calc.run(cmd, args);
  } catch (e) {
    if (e instanceof AppErrorResult) return e.appError;
    throw e;
  }
  throw new Error(`${cmd} ${JSON.stringify(args)} did not fail`);
};

test('exact decimals: 0.1 + 0.2 is 0.3', () => {
  assert.is(evaluate('0.1 + 0.2'), '0.3');
  assert.is(calc.run('add', { a: 0.1, b: 0.2 }), '0.3');
  assert.is(calc.run('add', { a: '0.1', b: '0.2' }), '0.3');
  assert.is(evaluate('0.1 * 0.1'), '0.01');
  assert.is(evaluate('1.10 - 0.10'), '1');
});

test('the four commands on strings, ints and floats', () => {
  assert.is(calc.run('add', { a: 2, b: 3 }), '5');
  assert.is(calc.run('sub', { a: '1', b: 3 }), '-2');
  assert.is(calc.run('mul', { a: '-1.5', b: '2' }), '-3');
  assert.is(calc.run('div', { a: 1, b: 8 }), '0.125');
  assert.is(calc.run('add', { a: '1e3', b: '-2.5E-1' }), '999.75');
  assert.is(
    calc.run('mul', { a: '123456789012345678901234567890', b: '987654321098765432109876543210' }),
    '121932631137021795226185032733622923332237463801111263526900',
  );
});

test('precedence, parentheses and unary minus', () => {
  assert.is(evaluate('1 + 2 * 3'), '7');
  assert.is(evaluate('(1 + 2) * 3'), '9');
  assert.is(evaluate('2 * 3 + 4 * 5'), '26');
  assert.is(evaluate('10 - 4 - 3'), '3');
  assert.is(evaluate('64 / 4 / 2'), '8');
  assert.is(evaluate('-3 - -2'), '-1');
  assert.is(evaluate('-(2 + 3) * 2'), '-10');
  assert.is(evaluate('--4'), '4');
  assert.is(evaluate(' ( ( 1.5 ) ) '), '1.5');
  assert.is(evaluate('-0'), '0');
});

test('division keeps 20 decimal places, rounded half-up', () => {
  assert.is(evaluate('1 / 3'), '0.33333333333333333333');
  assert.is(evaluate('2 / 3'), '0.66666666666666666667');
  assert.is(evaluate('-2 / 3'), '-0.66666666666666666667');
  assert.is(evaluate('10 / 4'), '2.5');
  assert.is(evaluate('1 / 3 * 3'), '0.99999999999999999999');
});

test('division by zero is a typed error with the position of the operator', () => {
  assert.equal(error('eval', { expr: '1 + 2 / (3 - 3)' }), {
    code: 'DIVISION_BY_ZERO',
    message: 'division by zero at position 6',
    position: 6,
  });
  assert.is(error('div', { a: 1, b: '0.000' }).code, 'DIVISION_BY_ZERO');
});

test('bad syntax is a typed error with a position', () => {
  const cases: Array<[string, number]> = [
    ['1 +', 3],
    ['2 * (3', 6],
    ['1 2', 2],
    ['abc', 0],
    ['', 0],
    ['1 + )', 4],
    ['1.2.3', 3],
    ['1e', 2],
  ];
  for (const [expr, position] of cases) {
    const e = error('eval', { expr });
    assert.is(e.code, 'SYNTAX_ERROR', expr);
    assert.is(e.position, position, `position in ${JSON.stringify(expr)}`);
  }
});

test('argument errors and limits', () => {
  assert.is(error('add', { a: '1' }).code, 'MISSING_ARGUMENT');
  assert.equal(error('add', { a: 'x', b: 1 }), {
    code: 'BAD_NUMBER',
    message: "argument 'a' is not a decimal number: expected a number",
    field: 'a',
    position: 0,
  });
  assert.is(error('eval', {}).code, 'MISSING_ARGUMENT');
  assert.is(error('eval', { expr: `${'('.repeat(500)}1${')'.repeat(500)}` }).code, 'TOO_DEEP');
  assert.is(error('eval', { expr: `${'9'.repeat(900)} * ${'9'.repeat(900)}` }).code, 'TOO_LARGE');
  assert.is(error('eval', { expr: '1e1000 + 1' }).code, 'TOO_LARGE');
  assert.is(error('eval', { expr: '1e-1000' }).code, 'TOO_LARGE');
  assert.is(evaluate('1e999 / 1e999'), '1');
});

test('end to end through the host runtime', async () => {
  const home = await mkdtemp(join(tmpdir(), 'peeros-calc-'));
  const host = new Host({ home, onLog: () => {} });
  try {
    await host.install(join(ROOT, 'apps/calculator'), { grant: () => true });
    assert.is(await host.run('calculator', 'eval', { expr: '0.1 + 0.2 * (3 - 1)' }), '0.5');
    try {
      await host.run('calculator', 'div', { a: 1, b: 0 });
      assert.unreachable();
    } catch (e) {
      assert.is((e as { data?: { appCode?: string } }).data?.appCode ?? (e as { appCode?: string }).appCode, 'DIVISION_BY_ZERO');
    }
  } finally {
    await host.close();
    await rm(home, { recursive: true, force: true });
  }
});

test.run();
