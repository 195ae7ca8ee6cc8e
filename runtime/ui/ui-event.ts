/**
 * An event from an app screen, as the page sends it: which node (`id`), the button's `value` if it
 * has one, and the current values of the screen's form fields (`form`: field id → string, number
 * or boolean). The page is the console's own, but its request body is still outside input: it is
 * checked here, bounded, and handed to the app's `ui.event` command as the msgpack map
 * `{id, value, form}` (form as a map, so no field id can become an object's prototype).
 */
import { UiError } from './ui-error.js';
import { MAX_VIEW_LABEL_CHARS, MAX_VIEW_TEXT_CHARS, VIEW_ID } from './view-tree.js';

/** Form fields one event carries: 64 — a long form. */
export const MAX_EVENT_FORM_FIELDS = 64;

export interface UiEvent {
  id: string;
  value: string;
  form: Map<string, string | number | boolean>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks an event body (`{id, value?, form?}`); throws UiError EVENT_INVALID. */
export function validateEvent(body: unknown): UiEvent {
  if (!isObject(body)) throw new UiError('EVENT_INVALID', 'an event is a map {id, value?, form?}');
  for (const k of Object.keys(body))
    if (k !== 'id' && k !== 'value' && k !== 'form') throw new UiError('EVENT_INVALID', 'an event has only id, value and form');
  const { id, value = '', form = {} } = body;
  if (typeof id !== 'string' || !VIEW_ID.test(id)) throw new UiError('EVENT_INVALID', 'event id: 1-64 of A-Z a-z 0-9 _ . : -');
  if (typeof value !== 'string' || value.length > MAX_VIEW_LABEL_CHARS)
    throw new UiError('EVENT_INVALID', `event value: a string of at most ${MAX_VIEW_LABEL_CHARS} characters`);
  if (!isObject(form)) throw new UiError('EVENT_INVALID', 'event form: a map of field id to value');
  const keys = Object.keys(form);
  if (keys.length > MAX_EVENT_FORM_FIELDS) throw new UiError('EVENT_INVALID', `event form: more than ${MAX_EVENT_FORM_FIELDS} fields`);
  const out = new Map<string, string | number | boolean>();
  for (const k of keys) {
    const v = form[k];
    if (!VIEW_ID.test(k)) throw new UiError('EVENT_INVALID', 'event form: a field id is 1-64 of A-Z a-z 0-9 _ . : -');
    if (typeof v === 'string' ? v.length > MAX_VIEW_TEXT_CHARS : typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v)))
      throw new UiError(
        'EVENT_INVALID',
        `event form: a value is a string of at most ${MAX_VIEW_TEXT_CHARS} characters, a number or a boolean`,
      );
    out.set(k, v as string | number | boolean);
  }
  return { id, value, form: out };
}
