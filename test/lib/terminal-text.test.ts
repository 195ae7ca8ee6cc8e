// lib/terminal-text.ts as an attacker would probe it: random strings mixing printable text with
// every kind of character a terminal acts on or hides. The oracle: the output never holds a
// control, format (bidi, zero-width), separator, surrogate, private-use or unassigned character,
// printable text passes unchanged, and what was escaped is visible. Seeded: a failure prints its seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  terminalText,
  terminalValue,
  terminalQuoted,
  terminalLines,
  terminalJson,
  terminalWrap,
  isTerminalUnsafe,
  MAX_TERMINAL_TEXT_CHARS,
} from '../../lib/terminal-text.js';
import { renderConfirmation } from '../../runtime/transaction-service/confirmation.js';
import { TerminalVerifier, renderVerificationRequest } from '../../skv/index.js';
import { Prng } from '../abi/prng.js';

/** The oracle: anything a terminal could act on, or a reader could not see. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;
const FORBIDDEN_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

const HOSTILE = [
  '\x1b[2J',
  '\x1b]0;pwned\x07',
  '\x1b[1A\x1b[2K',
  '\r',
  '\n',
  '\nApprove? [y/N] y',
  '\x00',
  '\x08',
  '\x7f',
  '\x9b',
  '\x85',
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u00ad',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udfff',
  '\u{e0041}',
  '\ue000',
  '\u3164',
  '\ufe0f',
  '\u034f',
];
const PRINTABLE = ['a', 'Z', '0', ' ', '"', '\\', '[', '~', 'é', 'ß', 'Ж', 'ש', 'ع', '中', '…', '─', '😀', '𝔸', 'Approve?'];

function randomString(r: Prng, hostileShare: number): string {
  let s = '';
  const n = r.range(0, 40);
  for (let i = 0; i < n; i++) {
    if (r.int(100) < hostileShare) s += r.pick(HOSTILE);
    else if (r.bool()) s += r.pick(PRINTABLE);
    else s += String.fromCodePoint(r.range(0, 0x10ffff)); // anything at all, surrogates included
  }
  return s;
}

test('property: terminalText never lets an unsafe character through, over 20,000 random strings', () => {
  for (let seed = 1; seed <= 20_000; seed++) {
    const s = randomString(new Prng(seed), 30);
    const out = terminalText(s);
    assert.not.ok(FORBIDDEN.test(out), `seed ${seed}: ${JSON.stringify(s)} → ${JSON.stringify(out)}`);
    assert.not.ok(FORBIDDEN.test(terminalQuoted(s)), `seed ${seed} (quoted)`);
    assert.not.ok(FORBIDDEN_BUT_NEWLINE.test(terminalLines(s)), `seed ${seed} (lines)`);
    assert.ok(out.length <= MAX_TERMINAL_TEXT_CHARS + 40, `seed ${seed}: ${out.length} chars`);
  }
});

test('property: printable text is unchanged, and escaping is idempotent', () => {
  for (let seed = 1; seed <= 5000; seed++) {
    const r = new Prng(seed);
    let printable = '';
    for (let i = r.range(0, 30); i > 0; i--) printable += r.pick(PRINTABLE);
    assert.is(terminalText(printable), printable, `seed ${seed}`);
    assert.is(terminalLines(printable), printable);
    assert.is(terminalJson(JSON.stringify(printable)), JSON.stringify(printable));
    const escaped = terminalText(randomString(r, 50));
    assert.is(terminalText(escaped), escaped, `seed ${seed}: escaped text is printable`);
  }
});

test('property: terminalJson (and the output boundary) keep JSON valid for the same value and holds no unsafe character', () => {
  for (let seed = 1; seed <= 5000; seed++) {
    const r = new Prng(seed);
    const value = { text: randomString(r, 40), list: [randomString(r, 40)], [randomString(r, 40)]: 1 };
    const json = terminalJson(JSON.stringify(value, null, 2));
    assert.not.ok(FORBIDDEN_BUT_NEWLINE.test(json), `seed ${seed}`);
    // lone surrogates already come out of JSON.stringify as \\udXXX escapes, so the value round-trips exactly
    assert.equal(JSON.parse(json), value, `seed ${seed}`);
    // the CLI's output boundary (terminalLines) keeps JSON that skipped terminalJson valid too
    assert.equal(JSON.parse(terminalLines(JSON.stringify(value, null, 2))), value, `seed ${seed} (lines)`);
  }
});

/** Columns a row can take at most: ASCII 1, anything else (wide CJK, emoji) 2. */
const maxColumns = (row: string) => [...row].reduce((n, c) => n + (c.charCodeAt(0) < 0x80 ? 1 : 2), 0);

test('property: terminalWrap keeps every row inside the terminal and starting with the host prefix, losing nothing', () => {
  for (let seed = 1; seed <= 5000; seed++) {
    const r = new Prng(seed);
    const columns = r.range(30, 200); // narrower than 12 + 16 + 1 is left unwrapped
    const text = terminalText(randomString(r, 20).repeat(r.range(1, 20)));
    const rows = terminalWrap('[app] info: ', text, columns, '[app] …  ').split('\n');
    rows.forEach((row, i) => {
      assert.ok(row.startsWith(i ? '[app] …  ' : '[app] info: '), `seed ${seed}: ${JSON.stringify(row)}`);
      assert.ok(maxColumns(row) < columns, `seed ${seed}: ${maxColumns(row)} ≥ ${columns}`);
    });
    assert.is(rows.map((row, i) => row.slice(i ? 9 : 12)).join(''), text, `seed ${seed}`);
  }
  assert.is(terminalWrap('p: ', 'x'.repeat(500), undefined), `p: ${'x'.repeat(500)}`, 'not a terminal: one line');
});

test('each attack is shown as a visible escape, on one line', () => {
  const out = terminalText('ok\x1b[2J\x1b]0;t\x07\r\nApprove? [y/N] y\u202eevil\u200b\x9b\x7f\ud800\u{e0041}');
  assert.is(out, 'ok\\x1b[2J\\x1b]0;t\\x07\\r\\nApprove? [y/N] y\\u202eevil\\u200b\\u009b\\u007f\\ud800\\udb40\\udc41');
  assert.is(terminalQuoted('say "hi"\\\n'), '"say \\"hi\\"\\\\\\n"');
  assert.is(terminalLines('host line\napp \x1b[31mred\u202e'), 'host line\napp \\x1b[31mred\\u202e');
  assert.is(terminalJson('"\u202e\x85"'), '"\\u202e\\u0085"');
  assert.ok(isTerminalUnsafe('\u2066') && isTerminalUnsafe('\x1b') && !isTerminalUnsafe('é') && !isTerminalUnsafe('😀'));
});

test('the cap: a 1.25 Mi-char hostile string becomes at most MAX_TERMINAL_TEXT_CHARS plus a marker, quickly', () => {
  const huge = '\x1b[2J\u202e'.repeat(1 << 18); // 1.25 Mi chars of escapes
  const t0 = performance.now();
  const out = terminalText(huge);
  const ms = performance.now() - t0;
  assert.ok(out.length <= MAX_TERMINAL_TEXT_CHARS + 40, `${out.length}`);
  assert.ok(out.endsWith(`… (cut, ${huge.length} chars in all)`), out.slice(-60));
  assert.ok(ms < 10_000, `${ms} ms`); // linear: milliseconds unloaded; loose for a loaded machine
  const lines = terminalLines(huge); // the output boundary does not cut, but it is linear
  assert.not.ok(FORBIDDEN_BUT_NEWLINE.test(lines));
  console.log(
    `  terminalText(1.25 Mi chars hostile) ${ms.toFixed(2)} ms; terminalLines(same) ${(performance.now() - t0 - ms).toFixed(1)} ms`,
  );
});

test('the transaction confirmation escapes ABI field names and values chosen by a hostile contract', () => {
  const lines = renderConfirmation({
    app: { name: 'evil', version: '1.0.0', publisher: 'evil' },
    account: 'alice',
    permission: 'active',
    dmcs: 'local',
    chainId: 'ab'.repeat(32),
    actions: [
      {
        account: 'evil',
        name: 'go',
        authorization: ['alice@active'],
        data: { 'to\nApprove? [y/N] y\x1b[2J': 'bob', memo: 'hi\u202eevil\x85\u200b' },
      },
    ],
  });
  for (const l of lines) assert.not.ok(FORBIDDEN.test(l), JSON.stringify(l));
  assert.match(lines[2]!, /to\\nApprove\? \[y\/N\] y\\x1b\[2J: bob/);
  assert.match(lines[2]!, /memo: "hi\\u202eevil\\u0085\\u200b"/);
});

test('the vault prompt: every line framed under "peeros vault", app text escaped, never at a line start', async () => {
  const shown: string[] = [];
  const asked: string[] = [];
  const v = new TerminalVerifier({
    show: (t) => shown.push(t),
    confirm: async (q) => {
      asked.push(q);
      return false;
    },
  });
  v.register({ scheme: 'hmac-sha256', secret: new Uint8Array(32), session: 's' } as never);
  await v
    .verify({
      purpose: 'sign',
      app: 'evil\n\x1b[2J',
      digest: new Uint8Array(32),
      summary: ['memo\nApprove? [y/N] y\u202e', '\x1b]0;t\x07'],
    })
    .catch(() => undefined);
  const text = shown.join('\n');
  assert.not.ok(FORBIDDEN_BUT_NEWLINE.test(text), text);
  for (const line of text.split('\n')) assert.ok(line.startsWith('peeros vault '), line);
  assert.match(text, /memo\\nApprove\? \[y\/N\] y\\u202e/);
  assert.equal(asked, ['peeros vault: Sign this transaction?']);
});

test('the vault prompt on a 60-column terminal: a padded summary line wraps under the frame, never at a row start', () => {
  const forged = `${' '.repeat(42)}peeros vault │   action 1: eosio.token::transfer — quantity: 0.0001 RSN`;
  const text = renderVerificationRequest({ purpose: 'sign', app: 'evil', digest: new Uint8Array(32), summary: [forged] }, 60);
  for (const row of text.split('\n')) {
    assert.ok(row.startsWith('peeros vault │') || row.startsWith('peeros vault ┌') || row.startsWith('peeros vault └'), row);
    assert.ok(maxColumns(row) < 60, row);
  }
});

test('terminalValue: text escaped, numbers as written, anything else as escaped JSON, never a toString of the sender', () => {
  assert.is(terminalValue('alice\u001b[2J'), 'alice\\x1b[2J');
  assert.is(terminalValue(12), '12');
  assert.is(terminalValue(true), 'true');
  assert.is(terminalValue(5n), '5');
  assert.is(terminalValue(null), 'null');
  assert.is(terminalValue(undefined), 'undefined');
  // an object whose toString is not a function: String() of it throws
  assert.is(terminalValue({ toString: false, valueOf: 1 }), '{"toString":false,"valueOf":1}');
  assert.is(terminalValue({ a: '\u009b31m' }), terminalText(JSON.stringify({ a: '\u009b31m' })));
  assert.not.ok([...terminalValue({ a: '\u009b31m' })].some(isTerminalUnsafe));
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.is(terminalValue(cycle), 'object');
  assert.is(terminalValue({ n: 1n }), 'object');
});

test.run();
