// The SDK by package path is always the host's: an app folder (or a folder above it) that ships its
// own `node_modules/peeros/sdk-as` gets the host's SDK compiled in, never its own copy, and a
// package path cannot climb out of the SDK.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, AppBuildError } from '../../runtime/app-compiler.js';
import { sdkPackageFile } from '../../runtime/app-compile-worker.js';

const MANIFEST = {
  name: 'echo',
  version: '0.1.0',
  publisher: 'dev',
  entry: 'build/echo.wasm',
  source: 'assembly/index.ts',
  commands: { echo: { description: 'echo', args: '{}' } },
  capabilities: {},
};
const SOURCE = `import { register, Value, Outcome, ok } from "peeros/sdk-as/app";
export * from "peeros/sdk-as/app/exports";
register("echo", (args: Value): Outcome => ok(args));
`;

function folder(root: string): string {
  const dir = join(root, 'app');
  mkdirSync(join(dir, 'assembly'), { recursive: true });
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(MANIFEST));
  writeFileSync(join(dir, 'assembly/index.ts'), SOURCE);
  return dir;
}

test('a look-alike node_modules/peeros/sdk-as in or above the folder is not what gets compiled', async () => {
  const root = mkdtempSync(join(tmpdir(), 'peeros-sdk-path-'));
  try {
    const dir = folder(root);
    // a fake SDK that would not compile (no register) if it were read
    for (const base of [join(dir, 'node_modules/peeros/sdk-as/app'), join(root, 'node_modules/peeros/sdk-as/app')]) {
      mkdirSync(base, { recursive: true });
      writeFileSync(join(base, 'index.ts'), 'export const planted: i32 = 1;\n');
      writeFileSync(join(base, 'exports.ts'), 'export const planted2: i32 = 2;\n');
    }
    const r = await buildApp(dir);
    assert.ok(r.bytes > 0);
    assert.equal(r.ungranted, []);
  } catch (err) {
    if (err instanceof AppBuildError) assert.unreachable(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('package-path lookups map into the host SDK; other paths are left alone', () => {
  assert.is(sdkPackageFile('/a/node_modules/peeros/sdk-as/app/index.ts', '/host/sdk-as'), '/host/sdk-as/app/index.ts');
  assert.is(sdkPackageFile('/a/node_modules/peeros/sdk-as/x/node_modules/peeros/sdk-as/app.ts', '/host/sdk-as'), '/host/sdk-as/app.ts');
  assert.is(sdkPackageFile('/a/node_modules/evil/index.ts', '/host/sdk-as'), '/a/node_modules/evil/index.ts');
  assert.is(sdkPackageFile('/a/node_modules/peeros/other.ts', '/host/sdk-as'), '/a/node_modules/peeros/other.ts');
});

test.run();
