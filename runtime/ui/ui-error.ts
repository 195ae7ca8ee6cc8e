/**
 * The one error class of app screens (runtime/ui): a view tree the host will not render, an event
 * it will not deliver, an app that was not granted `ui`. Each code names one rule; the message
 * gives the path of the node or field (`root.children[2].label`) and what was expected. Add codes
 * at the end; never rename.
 */
import { CodedError } from '../../lib/coded-error.js';

export const UI_ERROR_CODES = [
  /** Not one well-formed msgpack value (ui.check), or a node that is not a map. */
  'VIEW_MALFORMED',
  /** More bytes, nodes, images or text than the view bounds allow (view-tree.ts constants). */
  'VIEW_TOO_LARGE',
  /** Nested deeper than MAX_VIEW_DEPTH. */
  'VIEW_TOO_DEEP',
  /** A string longer than its field's bound. */
  'VIEW_STRING_TOO_LONG',
  /** A component kind outside the fixed set. */
  'VIEW_UNKNOWN_KIND',
  /** A field the component does not have (prototype keys such as `__proto__` included). */
  'VIEW_UNKNOWN_FIELD',
  /** A field of the wrong type or form (an id, an asset, an account name, an option). */
  'VIEW_BAD_FIELD',
  /** Two nodes with the same id: an event must name exactly one. */
  'VIEW_DUPLICATE_ID',
  /** An image path that is not a package path under `assets/`. */
  'VIEW_BAD_IMAGE_PATH',
  /** An event from the page that breaks the event rules (ui-event.ts). */
  'EVENT_INVALID',
  /** The app was not granted the `ui` capability, or has no `ui.render` command. */
  'UI_NOT_AVAILABLE',
  /** A screen's image is not in the app's package, too large, or not a PNG, JPEG, GIF or WebP image. */
  'IMAGE_UNAVAILABLE',
  /** A screen's image declares more pixels, or an animation more frames, than the console draws (runtime/console/screen-image.ts). */
  'IMAGE_TOO_LARGE',
] as const;

export type UiErrorCode = (typeof UI_ERROR_CODES)[number];

export class UiError extends CodedError<UiErrorCode> {
  override name = 'UiError';
}
