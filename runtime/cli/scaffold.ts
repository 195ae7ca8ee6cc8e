/**
 * Scaffolding for `peeros app init` and `peeros contract init`: copies a template of the package's
 * `templates/` folder into a new folder, replacing the placeholders (`__NAME__`, …) in file
 * contents and file names. Templates are plain folders of the package, so what a new project
 * starts from can be read (and tested) as it is; a folder whose name starts with `_` holds files
 * shared by several templates.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './command.js';

/** The package's templates/: from dist/runtime/cli/ three levels up, from runtime/cli/ (sources) two. */
export function templatesDir(): string {
  const fromDist = fileURLToPath(new URL('../../../templates', import.meta.url));
  return existsSync(fromDist) ? fromDist : fileURLToPath(new URL('../../templates', import.meta.url));
}

/** The templates of one kind (`app`, or `contract` with its one template `.`). */
export async function templateNames(kind: 'app'): Promise<string[]> {
  const entries = await readdir(join(templatesDir(), kind), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('_')).map((e) => e.name);
}

async function copyTree(from: string, to: string, vars: Readonly<Record<string, string>>, written: string[]): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const target = join(to, substitute(e.name, vars));
    if (e.isDirectory()) await copyTree(join(from, e.name), target, vars, written);
    else if (e.isFile()) {
      const text = substitute(await readFile(join(from, e.name), 'utf8'), vars);
      await writeFile(target, text, { flag: 'wx' }); // never overwrites
      written.push(target);
    }
  }
}

function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [key, value] of Object.entries(vars)) out = out.split(`__${key}__`).join(value);
  return out;
}

/**
 * Writes `sources` (template folders, in order; later ones may not overwrite earlier files) into
 * `dest`, which must not exist or be empty. Returns the files written, relative to `dest`.
 */
export async function scaffold(sources: string[], dest: string, vars: Readonly<Record<string, string>>): Promise<string[]> {
  const target = resolve(dest);
  const existing = await readdir(target).catch(() => [] as string[]);
  if (existing.length > 0) throw new UsageError(`${dest} exists and is not empty; choose a new folder (or --dir)`);
  const written: string[] = [];
  for (const s of sources) await copyTree(s, target, vars, written);
  return written.map((f) => relative(target, f)).sort();
}
