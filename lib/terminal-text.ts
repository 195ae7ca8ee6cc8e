/**
 * Untrusted text made safe for a terminal. Anything an app or a manifest wrote (log messages, error
 * codes and messages, descriptions, scopes, ABI field names) can carry ANSI/OSC escapes that clear
 * the screen or retitle the window, a carriage return or newline that starts a fake host line
 * ("Approve? [y/N] y"), bidi overrides that reverse what is read, or invisible characters. Each
 * such character becomes a visible escape (`\x1b`, `\n`, `\u202e`, `\u0085`) so the user sees
 * that it was there and the terminal never acts on it; printable text passes unchanged.
 *
 * Escaped: every control (C0, DEL, C1: Unicode Cc), every format character (Cf: bidi embeddings,
 * overrides and isolates U+202A–202E and U+2066–2069, U+200E/200F/061C marks, zero-width space and
 * joiners, BOM, soft hyphen, tag characters), line and paragraph separators (Zl, Zp), lone
 * surrogates (Cs), private-use (Co) and unassigned (Cn) code points, and the few invisible
 * characters Unicode files under letters or marks (Hangul fillers, variation selectors, U+034F).
 *
 * This module imports only lib/scalar-text.ts, which imports nothing: the vault (skv/) and the runtime both use it.
 */
import { scalarText } from './scalar-text.js';

/** Longest rendering of one untrusted string: 4096 chars — a screenful; more is a flood, not information. */
export const MAX_TERMINAL_TEXT_CHARS = 4096;
/** Narrowest text column worth wrapping into: 16 — on a narrower terminal, wrapping would only add rows. */
const MIN_WRAP_COLUMNS = 16;

/** The characters a terminal may act on or that the reader cannot see. */
const OTHER_UNSAFE = String.raw`\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}`;
/** Unicode Cc is exactly C0, DEL and C1; spelled out so the newline can be left out without a slow lookahead. */
const UNSAFE_CLASS = String.raw`\x00-\x1f\x7f-\x9f` + OTHER_UNSAFE;
const UNSAFE_BUT_NEWLINE_CLASS = String.raw`\x00-\x09\x0b-\x1f\x7f-\x9f` + OTHER_UNSAFE;
const UNSAFE_ONE = new RegExp(`^[${UNSAFE_CLASS}]$`, 'u');
const UNSAFE_ANY = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
/** Printable ASCII (and the newline): the common case, checked first because Unicode property classes are slow. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const PLAIN_ASCII_LINES = /^[\n\x20-\x7e]*$/;
/** Same set without the newline: for host-written multi-line text whose line breaks are the host's own. */
const UNSAFE_BUT_NEWLINE = `[${UNSAFE_BUT_NEWLINE_CLASS}]`;
const UNSAFE_BUT_NEWLINE_ANY = new RegExp(UNSAFE_BUT_NEWLINE, 'u');
const UNSAFE_BUT_NEWLINE_ALL = new RegExp(UNSAFE_BUT_NEWLINE, 'gu');

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Whether one character (one code point, or one lone surrogate) must not reach a terminal as is. */
export function isTerminalUnsafe(char: string): boolean {
  return UNSAFE_ONE.test(char);
}

/**
 * The visible escape of one unsafe character: `\n`, `\r`, `\t`, `\xHH` for the other C0 controls,
 * `\uHHHH` for the rest (a surrogate pair of them beyond the BMP). Only C0 controls get `\x`, and
 * JSON.stringify already escapes those, so escaping JSON text this way leaves it valid JSON.
 */
export function escapeChar(char: string): string {
  const cp = char.codePointAt(0)!;
  if (cp === 0x0a) return '\\n';
  if (cp === 0x0d) return '\\r';
  if (cp === 0x09) return '\\t';
  if (cp < 0x20) return `\\x${hex(cp, 2)}`;
  let out = '';
  for (let i = 0; i < char.length; i++) out += `\\u${hex(char.charCodeAt(i), 4)}`;
  return out;
}

function cutMarker(total: number): string {
  return `… (cut, ${total} chars in all)`;
}

function render(text: string, maxChars: number, quote: boolean): string {
  if (!quote && text.length <= maxChars && (PLAIN_ASCII.test(text) || !UNSAFE_ANY.test(text))) return text;
  let out = '';
  for (const ch of text) {
    const piece = isTerminalUnsafe(ch) ? escapeChar(ch) : quote && (ch === '"' || ch === '\\') ? `\\${ch}` : ch;
    if (out.length + piece.length > maxChars) return out + cutMarker(text.length);
    out += piece;
  }
  return out;
}

/**
 * One untrusted string as one line of printable text: every unsafe character (newlines included)
 * escaped, cut at `maxChars` with a visible marker.
 */
export function terminalText(text: string, maxChars = MAX_TERMINAL_TEXT_CHARS): string {
  return render(String(text), maxChars, false);
}

/**
 * A value from another party (a node's reply, a table row) as one line of printable text: a string
 * as {@link terminalText} prints it, a number, boolean or bigint as written, anything else as its
 * JSON, escaped the same way (never through a `toString` the sender chose, which may be missing,
 * and then `String` throws).
 */
export function terminalValue(v: unknown, maxChars = MAX_TERMINAL_TEXT_CHARS): string {
  if (typeof v === 'string') return terminalText(v, maxChars);
  const scalar = scalarText(v);
  if (scalar !== undefined) return scalar;
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {
    json = undefined; // a bigint or a cycle inside
  }
  return terminalText(json ?? typeof v, maxChars);
}

/**
 * An untrusted string in double quotes, unambiguously: like {@link terminalText}, and `"` and `\`
 * inside are escaped too, so the string cannot end its quotes early and write past them.
 */
export function terminalQuoted(text: string, maxChars = MAX_TERMINAL_TEXT_CHARS): string {
  return `"${render(String(text), maxChars, true)}"`;
}

/**
 * The output boundary's last line of defence for host-written text that may embed app text: every
 * unsafe character except the newline escaped, no cut. Safe text passes unchanged, so text already
 * escaped by {@link terminalText} is not escaped twice.
 */
export function terminalLines(text: string): string {
  if (PLAIN_ASCII_LINES.test(text)) return text;
  return UNSAFE_BUT_NEWLINE_ANY.test(text) ? text.replace(UNSAFE_BUT_NEWLINE_ALL, escapeChar) : text;
}

/**
 * JSON text made safe for a terminal and still valid JSON for the same value: JSON.stringify
 * escapes C0 controls but leaves DEL, C1 controls, bidi overrides and other format characters raw;
 * those become `\uHHHH` escapes (surrogate pairs beyond the BMP). Newlines between tokens (indented
 * output) are kept: JSON strings never hold a raw newline.
 */
export function terminalJson(json: string): string {
  if (PLAIN_ASCII_LINES.test(json) || !UNSAFE_BUT_NEWLINE_ANY.test(json)) return json;
  return json.replace(UNSAFE_BUT_NEWLINE_ALL, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${hex(ch.charCodeAt(i), 4)}`;
    return out;
  });
}

/** Columns a character may take, counted high (ASCII 1, anything else 2) so a wrapped line never reaches the edge. */
function columnsOf(ch: string): number {
  return ch.charCodeAt(0) < 0x80 ? 1 : 2;
}

/**
 * Lays already-escaped `text` out after a host-written `prefix`, hard-wrapped so the terminal never
 * wraps it: an app could otherwise pad its text so that a forged host line ("peeros vault │ …",
 * "Approve? [y/N] y") starts a visual row. Each continuation row starts with `continuation` (default:
 * the prefix), so every row on screen begins with host text. `columns` is the terminal's width;
 * undefined (not a terminal) or too narrow to hold a prefix and some text: one line, unwrapped.
 */
export function terminalWrap(prefix: string, text: string, columns: number | undefined, continuation = prefix): string {
  const room = (p: string) => (columns ?? 0) - 1 - [...p].reduce((n, c) => n + columnsOf(c), 0);
  if (!columns || room(prefix) < MIN_WRAP_COLUMNS || room(continuation) < MIN_WRAP_COLUMNS) return prefix + text;
  const rows: string[] = [];
  let row = '';
  let width = 0;
  let limit = room(prefix);
  for (const ch of text) {
    const w = columnsOf(ch);
    if (width + w > limit) {
      rows.push((rows.length ? continuation : prefix) + row);
      row = '';
      width = 0;
      limit = room(continuation);
    }
    row += ch;
    width += w;
  }
  rows.push((rows.length ? continuation : prefix) + row);
  return rows.join('\n');
}
