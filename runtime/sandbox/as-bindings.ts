/**
 * AssemblyScript's bindings metadata: the `.d.ts` asc writes beside a module built with
 * `--bindings esm|raw`. Each exported function has a doc comment naming its AssemblyScript types:
 *
 *     /**
 *      * plain/greet
 *      * @param name `~lib/string/String`
 *      * @returns `~lib/string/String`
 *      *\/
 *     export function greet(name: string): string;     (`export declare function` with --bindings esm)
 *
 * Read line by line, bounded ({@link MAX_BINDINGS_BYTES}); what is not understood is ignored
 * (the export then falls back to its wasm signature or the command-line types).
 */
import { typeFromBindings, type InvokeType } from './invoke-types.js';

/** Largest bindings file read: 1 MiB — a module with a thousand exports writes about 200 KiB. */
export const MAX_BINDINGS_BYTES = 1 << 20;

export interface BoundExport {
  /** The AssemblyScript type names as written (`~lib/string/String`). */
  params: string[];
  result: string;
  /** The types the loader lifts, or undefined for a name it cannot. */
  paramTypes: (InvokeType | undefined)[];
  resultType: InvokeType | undefined;
}

/** The functions the bindings describe, by export name. */
export function parseBindings(text: string): Map<string, BoundExport> {
  const out = new Map<string, BoundExport>();
  const lines = text.slice(0, MAX_BINDINGS_BYTES).split('\n');
  let doc: string[] | undefined;
  let last: string[] | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('/**')) doc = [];
    else if (doc && line.startsWith('*/')) {
      last = doc;
      doc = undefined;
    } else if (doc) doc.push(line.replace(/^\* ?/, ''));
    else {
      const fn = /^export (?:declare )?function ([\w$]+)\(/.exec(line);
      if (fn && last) {
        const params: string[] = [];
        let result = 'void';
        for (const d of last) {
          const p = /^@param \S+ `([^`]+)`/.exec(d);
          if (p) params.push(p[1]!);
          const r = /^@returns `([^`]+)`/.exec(d);
          if (r) result = r[1]!;
        }
        out.set(fn[1]!, { params, result, paramTypes: params.map(typeFromBindings), resultType: typeFromBindings(result) });
      }
      if (line) last = undefined;
    }
  }
  return out;
}
