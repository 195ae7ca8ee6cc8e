/**
 * App screens' view trees: the host's one rule for what an app may put on its screen. An app
 * describes its screen as a tree of a FIXED component set (the table {@link COMPONENTS}); the host
 * checks every tree an app returns here, and the console renders only what comes out: a plain tree
 * of plain objects holding only the known fields, every string escaped as for the terminal
 * (lib/terminal-text.ts: controls, bidi overrides and invisible characters become visible escapes).
 * The page then sets the strings with `textContent`, so markup in them stays text.
 *
 * Everything is bounded before it is walked: encoded bytes ({@link MAX_VIEW_BYTES}, for
 * `ui.check`), depth, nodes (table cells and select options count), images, each string by its
 * field, and the text of the whole tree. Anything else (an unknown component or field, `__proto__` included, a
 * wrong type, a duplicate id, an image outside the package's `assets/`) is a typed {@link UiError}
 * naming the path of the node or field; nothing is cut or guessed.
 */
import { ACCOUNT_NAME_PATTERN } from '../../abi/antelope/index.js';
import { boundaryPackr, scanMsgpack, ScanStatus, scanStatusText } from '../../abi/msgpack/index.js';
import { terminalLines, terminalText } from '../../lib/terminal-text.js';
import { UiError } from './ui-error.js';

/** Encoded size of one view tree: 256 KiB — a long screen of text is a few KiB. */
export const MAX_VIEW_BYTES = 256 * 1024;
/** Nesting of components: 16 — a form in a row in a column in a list is 4. */
export const MAX_VIEW_DEPTH = 16;
/** Nodes in one tree (table cells and select options included): 2000 — a screenful many times over. */
export const MAX_VIEW_NODES = 2000;
/** Characters of one text (paragraph, input value, table cell): 16 Ki — a long note. */
export const MAX_VIEW_TEXT_CHARS = 16 * 1024;
/** Characters of a heading, label, placeholder, option, alt text or button value: 256. */
export const MAX_VIEW_LABEL_CHARS = 256;
/** Characters of all the strings of one tree together: 128 Ki. */
export const MAX_VIEW_TOTAL_CHARS = 128 * 1024;
/**
 * msgpack nesting of a tree within {@link MAX_VIEW_DEPTH}: a component is a map whose children
 * array holds the next level (two msgpack levels per component), and a table's rows and cells
 * nest two more below its map, plus one to spare.
 */
export const MAX_VIEW_MSGPACK_DEPTH = 2 * MAX_VIEW_DEPTH + 3;
/**
 * msgpack values of a tree within {@link MAX_VIEW_NODES}: a node is one map and at most 7 fields
 * (a key and a value each: 15 values), and every cell, option and row is a node or fewer values
 * than one; 16 per node bounds them all, so the scan refuses a flood before msgpackr builds it.
 */
export const MAX_VIEW_MSGPACK_VALUES = 16 * MAX_VIEW_NODES;
/** Columns of a table: 16. */
export const MAX_TABLE_COLUMNS = 16;
/** Options of a select: 100. */
export const MAX_SELECT_OPTIONS = 100;
/** Ids of nodes that emit events: 1–64 of A-Z a-z 0-9 _ . : - (they travel back in events). */
export const VIEW_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** An amount: an asset string such as `12.5000 RSN`, optionally negative (a history's debits). */
export const VIEW_ASSET = /^-?\d{1,20}(\.\d{1,18})? [A-Z]{1,7}$/;
/** A number field's value: a decimal of at most 40 digits each side. */
const VIEW_DECIMAL = /^-?\d{1,40}(\.\d{1,40})?$/;
/** Images come from the app's own package, under this folder (runtime/package-archive). */
export const VIEW_IMAGE_DIR = 'assets/';
/**
 * Images in one tree: 16 — a gallery screen. Each may decode to 16 MiB in the page
 * (runtime/console/screen-image.ts bounds its pixels); 2000 image nodes naming a package's many
 * small files would each cost that again.
 */
export const MAX_VIEW_IMAGES = 16;
/** Characters of an image path: 255 (ASCII only, so bytes: the package path limit). */
export const MAX_VIEW_IMAGE_PATH_CHARS = 255;
/**
 * An image path: `assets/` and at most 7 more segments of `A-Z a-z 0-9 . _ -` (1-64 each, not
 * starting with '.'), so no `..`, no absolute or drive path, no backslash, no scheme, no hidden
 * file. Stricter than a package path (runtime/package-archive/package-path.ts, which this layer
 * cannot import: the ISA's `ui.check` uses this file) — every path it accepts is one, and the
 * console checks the package rule again when it reads the file.
 */
export const VIEW_IMAGE_PATH = /^assets(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}){1,7}$/;

type Rule = 'id' | 'label' | 'lines' | 'bool' | 'decimal' | 'asset' | 'account' | 'image' | 'children' | 'options' | 'columns' | 'rows';

interface Component {
  /** Field → its rule; fields in `required` must be present. */
  fields: Readonly<Record<string, Rule>>;
  required: readonly string[];
}

const container: Component = { fields: { children: 'children' }, required: ['children'] };

/** The fixed component set: kind → fields. Nothing outside this table reaches the page. */
export const COMPONENTS: Readonly<Record<string, Component>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, Component>, {
    column: container,
    row: container,
    list: container,
    heading: { fields: { text: 'label' }, required: ['text'] },
    text: { fields: { text: 'lines' }, required: ['text'] },
    table: { fields: { columns: 'columns', rows: 'rows' }, required: ['columns', 'rows'] },
    input: {
      fields: { id: 'id', label: 'label', value: 'lines', placeholder: 'label', multiline: 'bool' },
      required: ['id'],
    },
    number: { fields: { id: 'id', label: 'label', value: 'decimal' }, required: ['id'] },
    select: { fields: { id: 'id', label: 'label', options: 'options', value: 'label' }, required: ['id', 'options'] },
    checkbox: { fields: { id: 'id', label: 'label', checked: 'bool' }, required: ['id'] },
    button: { fields: { id: 'id', label: 'label', value: 'label' }, required: ['id', 'label'] },
    image: { fields: { src: 'image', alt: 'label' }, required: ['src'] },
    amount: { fields: { value: 'asset', label: 'label' }, required: ['value'] },
    account: { fields: { name: 'account', label: 'label' }, required: ['name'] },
  }),
);

/** A checked node: `kind` plus only the fields its component has, strings escaped. */
export interface SafeNode {
  kind: string;
  [field: string]: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A key or path segment quoted for a message (app text: escaped, short). */
const quote = (s: string) => JSON.stringify(terminalText(s, 40));

class Walk {
  nodes = 0;
  chars = 0;
  images = 0;
  readonly ids = new Set<string>();

  count(n: number, path: string): void {
    this.nodes += n;
    if (this.nodes > MAX_VIEW_NODES) throw new UiError('VIEW_TOO_LARGE', `${path}: the view has more than ${MAX_VIEW_NODES} nodes`);
  }

  string(v: unknown, max: number, path: string): string {
    if (typeof v !== 'string') throw new UiError('VIEW_BAD_FIELD', `${path}: expected a string, got ${typeName(v)}`);
    if (v.length > max) throw new UiError('VIEW_STRING_TOO_LONG', `${path}: ${v.length} characters, more than ${max}`);
    this.chars += v.length;
    if (this.chars > MAX_VIEW_TOTAL_CHARS)
      throw new UiError('VIEW_TOO_LARGE', `${path}: the view's strings hold more than ${MAX_VIEW_TOTAL_CHARS} characters`);
    return v;
  }

  node(v: unknown, depth: number, path: string): SafeNode {
    if (depth > MAX_VIEW_DEPTH) throw new UiError('VIEW_TOO_DEEP', `${path}: components nest deeper than ${MAX_VIEW_DEPTH}`);
    if (!isPlainObject(v)) throw new UiError('VIEW_MALFORMED', `${path}: expected a component (a map with "kind"), got ${typeName(v)}`);
    this.count(1, path);
    const kind = v.kind;
    if (typeof kind !== 'string') throw new UiError('VIEW_MALFORMED', `${path}.kind: expected a component name, got ${typeName(kind)}`);
    if (!Object.hasOwn(COMPONENTS, kind))
      throw new UiError('VIEW_UNKNOWN_KIND', `${path}.kind: ${quote(kind)} is not a component (${Object.keys(COMPONENTS).join(', ')})`);
    const c = COMPONENTS[kind]!;
    if (kind === 'image' && ++this.images > MAX_VIEW_IMAGES)
      throw new UiError('VIEW_TOO_LARGE', `${path}: the view has more than ${MAX_VIEW_IMAGES} images`);
    for (const k of Reflect.ownKeys(v)) {
      if (k === 'kind') continue;
      if (typeof k !== 'string' || !Object.hasOwn(c.fields, k))
        throw new UiError(
          'VIEW_UNKNOWN_FIELD',
          `${path}: ${kind} has no field ${quote(String(k))} (it has ${Object.keys(c.fields).join(', ')})`,
        );
    }
    for (const r of c.required)
      if (v[r] === undefined || v[r] === null) throw new UiError('VIEW_BAD_FIELD', `${path}.${r}: ${kind} needs this field`);
    const out: SafeNode = { kind };
    for (const [field, rule] of Object.entries(c.fields)) {
      const value = v[field];
      if (value === undefined || value === null) continue;
      out[field] = this.field(rule, value, depth, `${path}.${field}`);
    }
    if (kind === 'select' && out.value !== undefined && !(out.options as string[]).includes(out.value as string))
      throw new UiError('VIEW_BAD_FIELD', `${path}.value: not one of the select's options`);
    if (kind === 'table') {
      const width = (out.columns as string[]).length;
      (out.rows as string[][]).forEach((row, i) => {
        if (row.length !== width) throw new UiError('VIEW_BAD_FIELD', `${path}.rows[${i}]: ${row.length} cells for ${width} columns`);
      });
    }
    return out;
  }

  field(rule: Rule, v: unknown, depth: number, path: string): unknown {
    switch (rule) {
      case 'id': {
        const id = this.string(v, 64, path);
        if (!VIEW_ID.test(id)) throw new UiError('VIEW_BAD_FIELD', `${path}: an id is 1-64 of A-Z a-z 0-9 _ . : -, got ${quote(id)}`);
        if (this.ids.has(id)) throw new UiError('VIEW_DUPLICATE_ID', `${path}: id ${quote(id)} is used twice`);
        this.ids.add(id);
        return id;
      }
      case 'label':
        return terminalText(this.string(v, MAX_VIEW_LABEL_CHARS, path));
      case 'lines':
        return terminalLines(this.string(v, MAX_VIEW_TEXT_CHARS, path));
      case 'bool':
        if (typeof v !== 'boolean') throw new UiError('VIEW_BAD_FIELD', `${path}: expected true or false, got ${typeName(v)}`);
        return v;
      case 'decimal': {
        const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : this.string(v, 82, path);
        if (!VIEW_DECIMAL.test(s)) throw new UiError('VIEW_BAD_FIELD', `${path}: expected a decimal number`);
        return s;
      }
      case 'asset': {
        const s = this.string(v, 64, path);
        if (!VIEW_ASSET.test(s)) throw new UiError('VIEW_BAD_FIELD', `${path}: expected an asset such as "1.0000 RSN", got ${quote(s)}`);
        return s;
      }
      case 'account': {
        const s = this.string(v, 12, path);
        if (!ACCOUNT_NAME_PATTERN.test(s))
          throw new UiError('VIEW_BAD_FIELD', `${path}: expected an Antelope account name, got ${quote(s)}`);
        return s;
      }
      case 'image': {
        const s = this.string(v, MAX_VIEW_IMAGE_PATH_CHARS, path);
        if (!VIEW_IMAGE_PATH.test(s))
          throw new UiError(
            'VIEW_BAD_IMAGE_PATH',
            `${path}: ${quote(s)} is not a file of the app's package assets (${VIEW_IMAGE_DIR} and names of A-Z a-z 0-9 . _ -)`,
          );
        return s;
      }
      case 'children': {
        if (!Array.isArray(v)) throw new UiError('VIEW_BAD_FIELD', `${path}: expected an array of components, got ${typeName(v)}`);
        if (v.length > MAX_VIEW_NODES) throw new UiError('VIEW_TOO_LARGE', `${path}: more than ${MAX_VIEW_NODES} children`);
        return v.map((child, i) => this.node(child, depth + 1, `${path}[${i}]`));
      }
      case 'options': {
        if (!Array.isArray(v)) throw new UiError('VIEW_BAD_FIELD', `${path}: expected an array of strings, got ${typeName(v)}`);
        if (v.length === 0 || v.length > MAX_SELECT_OPTIONS)
          throw new UiError('VIEW_BAD_FIELD', `${path}: a select has 1 to ${MAX_SELECT_OPTIONS} options, got ${v.length}`);
        this.count(v.length, path);
        return v.map((o, i) => terminalText(this.string(o, MAX_VIEW_LABEL_CHARS, `${path}[${i}]`)));
      }
      case 'columns': {
        if (!Array.isArray(v)) throw new UiError('VIEW_BAD_FIELD', `${path}: expected an array of column titles, got ${typeName(v)}`);
        if (v.length === 0 || v.length > MAX_TABLE_COLUMNS)
          throw new UiError('VIEW_BAD_FIELD', `${path}: a table has 1 to ${MAX_TABLE_COLUMNS} columns, got ${v.length}`);
        this.count(v.length, path);
        return v.map((t, i) => terminalText(this.string(t, MAX_VIEW_LABEL_CHARS, `${path}[${i}]`)));
      }
      case 'rows': {
        if (!Array.isArray(v)) throw new UiError('VIEW_BAD_FIELD', `${path}: expected an array of rows, got ${typeName(v)}`);
        if (v.length > MAX_VIEW_NODES) throw new UiError('VIEW_TOO_LARGE', `${path}: more than ${MAX_VIEW_NODES} rows`);
        return v.map((row, i) => {
          if (!Array.isArray(row)) throw new UiError('VIEW_BAD_FIELD', `${path}[${i}]: expected an array of cells, got ${typeName(row)}`);
          if (row.length > MAX_TABLE_COLUMNS) throw new UiError('VIEW_BAD_FIELD', `${path}[${i}]: more than ${MAX_TABLE_COLUMNS} cells`);
          this.count(row.length, `${path}[${i}]`);
          return row.map((cell, j) =>
            typeof cell === 'number' && Number.isFinite(cell)
              ? String(cell)
              : terminalText(this.string(cell, MAX_VIEW_TEXT_CHARS, `${path}[${i}][${j}]`)),
          );
        });
      }
    }
  }
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'binary';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

/**
 * Checks a decoded view tree (what an app's `ui.render` / `ui.event` returned) and returns the
 * safe tree the page renders. Throws {@link UiError}.
 */
export function validateView(view: unknown): SafeNode {
  return new Walk().node(view, 1, 'view');
}

/**
 * The same rule for encoded bytes (`ui.check`): at most {@link MAX_VIEW_BYTES}, one well-formed
 * msgpack value (scanned before decoding, so depth and value count are bounded first), then
 * {@link validateView}.
 */
export function validateViewBytes(bytes: Uint8Array, start = 0, stop = bytes.length): SafeNode {
  const len = stop - start;
  if (len > MAX_VIEW_BYTES) throw new UiError('VIEW_TOO_LARGE', `view: ${len} bytes, more than ${MAX_VIEW_BYTES}`);
  const status = scanMsgpack(bytes, MAX_VIEW_MSGPACK_DEPTH, start, stop, MAX_VIEW_MSGPACK_VALUES);
  if (status === ScanStatus.TOO_MANY_VALUES) {
    throw new UiError('VIEW_TOO_LARGE', `view: more than ${MAX_VIEW_MSGPACK_VALUES} msgpack values`);
  }
  if (status === ScanStatus.TOO_DEEP) throw new UiError('VIEW_TOO_DEEP', `view: msgpack nested deeper than ${MAX_VIEW_MSGPACK_DEPTH}`);
  if (status !== ScanStatus.OK) throw new UiError('VIEW_MALFORMED', `view: malformed msgpack: ${scanStatusText(status)}`);
  return validateView(boundaryPackr.unpack(bytes.subarray(start, stop)));
}
