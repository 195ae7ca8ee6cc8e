// Build step: compile the plain AssemblyScript modules `peeros invoke` is tested with
// (test/fixtures/invoke/assembly/*.ts, built with the installed asc, no PeerOS SDK) into
// test/fixtures/invoke/build/ (gitignored): nothing binary is committed.
//   plain.wasm (+ plain.d.ts, plain.js)  --exportRuntime --bindings esm: types from the bindings
//   plain-bare.wasm                      --exportRuntime, no bindings: types from the flags
//   numbers.wasm, foreign.wasm           no runtime exports
//   hostile.wasm                         --exportRuntime: forged headers, abort and trace floods
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inputsDigest, unlessFresh } from '../build-inputs.mjs';

const DIR = 'test/fixtures/invoke';
const SRC = 'test/fixtures/invoke/assembly';
const BUILDS = [
  ['plain.ts', 'plain.wasm', ['--exportRuntime', '--bindings', 'esm']],
  ['plain.ts', 'plain-bare.wasm', ['--exportRuntime']],
  ['numbers.ts', 'numbers.wasm', []],
  ['foreign.ts', 'foreign.wasm', []],
  ['hostile.ts', 'hostile.wasm', ['--exportRuntime']],
];

export default async function ({ root }) {
  const asc = (await import(pathToFileURL(join(root, 'node_modules/assemblyscript/dist/asc.js')).href)).default;
  const digest = inputsDigest(root, [SRC, 'node_modules/assemblyscript/package.json', 'scripts/build.d/25-invoke-fixtures.mjs']);
  const outDir = join(root, DIR, 'build');
  const outputs = BUILDS.map(([, out]) => join(outDir, out));
  const built = await unlessFresh({ stamp: join(outDir, '.inputs-sha256'), digest, outputs }, async () => {
    for (const [source, out, extra] of BUILDS) {
      const stderr = asc.createMemoryStream();
      const { error } = await asc.main(
        [join(SRC, source), '--baseDir', root, '--outFile', join(DIR, 'build', out), '-O3', '--noColors', ...extra],
        { stderr },
      );
      if (error) throw new Error(`asc ${source}: ${error.message}\n${stderr.toString()}`);
    }
    return true;
  });
  process.stderr.write(built ? `  ${DIR}/build: ${outputs.length} modules\n` : `  ${DIR}/build: unchanged\n`);
}
