/**
 * A chain API reply already rendered to its JSON text, which the HTTP server sends as it is. A
 * push's reply is rendered from its trace as soon as the transaction executed, then waits for the
 * accepted journal's sync as this one string: the trace's many small objects are no longer held
 * through the wait, where every scavenge in between copied them (docs/performance.md, "Not done
 * yet"). Anything else that serializes it (`JSON.stringify`) gets the same document back through
 * `toJSON`.
 */

/** The chain API's JSON form of a value: bigints as decimal strings. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export class RenderedJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
