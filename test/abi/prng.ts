// The seeded PRNG lives with the fuzz harness (fuzz/prng.ts); property tests share it.
export { Prng } from '../../fuzz/prng.js';
