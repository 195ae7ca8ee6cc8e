/**
 * Bytes handed to another thread go as a copy in a buffer of their own, exactly their length.
 *
 * `postMessage` clones a typed array's whole buffer, not the window it views. msgpackr packs every
 * message into one reused buffer and returns a window of it, so posting that window sent every
 * earlier message still in the buffer along (measured: 45-49 KB behind a 400-byte vault request or
 * reply): another app's bytes (its drive key, its storage values) to an app's worker, an earlier
 * vault reply (an exported key) to the host with every later reply. The copy's buffer belongs to
 * nobody else, so it can be transferred rather than cloned again.
 */
export function ownBytes(view: Uint8Array): Uint8Array<ArrayBuffer> {
  // not `view.slice()`: on a Node Buffer (what msgpackr returns) `slice` is another window
  return new Uint8Array(view);
}
