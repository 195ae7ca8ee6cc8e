// The compiler options of every contract build, in one place: the stock contracts' build
// (compile-contract.mjs) and `peeros contract build` (runtime/contract-compiler.ts, in the compile
// worker) both take them from here. Why each flag:
//   --runtime stub        no garbage collector: every action runs in a fresh instance, so nothing
//                         needs freeing, and execution stays simple and deterministic
//   --use abort=contractAbort  AssemblyScript's abort becomes an Antelope assertion (no env.abort
//                         import); a @global of the SDK (check.ts), found however the SDK is imported
//   --disable bulk-memory the VM (like Antelope) refuses memory.copy/fill: one instruction could do
//                         33 MiB of unmetered work; copies become metered wasm loops
//   --maximumMemory 528   33 MiB, Antelope's linear-memory limit
//   -O3 --shrinkLevel 1   fast code, small module
// Paths are relative to `baseDir`.

/** asc's argv for compiling `entry` into `outFile`. */
export function contractAscArgs({ entry, baseDir, outFile }) {
  return [
    entry,
    '--baseDir', baseDir,
    '--outFile', outFile,
    '--runtime', 'stub',
    '--use', 'abort=contractAbort',
    '--disable', 'bulk-memory',
    '--maximumMemory', '528',
    '-O3', '--shrinkLevel', '1',
    '--noColors',
  ];
}
