/**
 * The app/host boundary, host side: the msgpack codec and scanner, bounds-checked guest memory and
 * the stable error codes that cross the boundary. No I/O. (`abi/index.ts` re-exports this.)
 */
export * from './msgpack/index.js';
export { GuestMemory, utf8Bytes } from './guest-memory.js';
export { BoundaryError, IsaErrorCode, ISA_ERROR_NAMES, isaErrorName } from './boundary-errors.js';
export type { BoundaryErrorCode } from './boundary-errors.js';
