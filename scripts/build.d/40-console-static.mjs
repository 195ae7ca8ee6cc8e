// Build step: copy the console's page (runtime/console/static: HTML, script, style, no build of
// its own) next to the compiled server in dist/, so the console serves it from a clone and from an
// npm package alike (package.json "files" ships dist/runtime/, not the TypeScript sources).
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export default async function ({ root }) {
  const to = join(root, 'dist/runtime/console/static');
  rmSync(to, { recursive: true, force: true });
  cpSync(join(root, 'runtime/console/static'), to, { recursive: true });
}
