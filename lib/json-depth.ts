/**
 * How deeply a JSON text nests, measured on the text without parsing it (iteratively, O(length)).
 * JSON.parse itself handles any depth, but what consumes the parsed value — JSON.stringify in an
 * error message or when a file is written back, a recursive walk — overflows the stack on a value
 * nested tens of thousands deep. Readers of untrusted JSON check this first and refuse deeper text.
 * Imports nothing: usable from every layer (see tsconfig include).
 */

/** The deepest nesting of arrays and objects in `text` (0 for a scalar); strings are skipped. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
