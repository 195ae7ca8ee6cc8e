// The compiler options of every contract build, in one place: the stock contracts' build
// (compile-contract.mjs) and `peeros contract build` (runtime/contract-compiler.ts, in the compile
// worker) both take them from here. Why each flag:
//   --runtime stub        no garbage collector: every action runs in a fresh instance, so nothing
//                         needs freeing, and execution stays simple and deterministic
//   --use abort=…         AssemblyScript's abort becomes an Antelope assertion (no env.abort import)
//   --disable bulk-memory the VM (like Antelope) refuses memory.copy/fill: one instruction could do
//                         33 MiB of unmetered work; copies become metered wasm loops
//   --maximumMemory 528   33 MiB, Antelope's linear-memory limit
//   -O3 --shrinkLevel 1   fast code, small module
// Paths are relative to `baseDir`; `abortPath` is the contract SDK's check module without extension.

/** asc's argv for compiling `entry` into `outFile`. */
export function contractAscArgs({ entry, baseDir, outFile, abortPath }) {
  return [
    entry,
    '--baseDir', baseDir,
    '--outFile', outFile,
    '--runtime', 'stub',
    '--use', `abort=${abortPath}/contractAbort`,
    '--disable', 'bulk-memory',
    '--maximumMemory', '528',
    '-O3', '--shrinkLevel', '1',
    '--noColors',
  ];
}
