/**
 * `peeros/abi` — the codecs, no I/O: the Antelope protocol core (names, keys, signatures, the
 * ABI-driven serializer, transactions, the signing digest) and the app/host boundary (msgpack,
 * bounds-checked guest memory, stable boundary error codes).
 */
export * from './antelope/index.js';
export * from './boundary.js';
