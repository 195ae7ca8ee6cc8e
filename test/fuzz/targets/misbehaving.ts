// Targets that misbehave on purpose at known inputs, so the harness's tests can show each shared
// oracle fires and names the input: PEEROS_FUZZ_MISBEHAVE picks the behaviour (the worker imports
// this module by URL; its default export is the target).
import type { FuzzTarget } from '../../../fuzz/target.js';

/** The input index (first byte of the input) at which the target misbehaves. */
export const BAD_INDEX = 37;

const behaviour = process.env.PEEROS_FUZZ_MISBEHAVE ?? 'crash';
const leak: number[][] = [];

const target: FuzzTarget = {
  name: `misbehaving-${behaviour}`,
  about: 'a decoder with a planted bug',
  maxInputMs: 200,
  smokeInputs: 100,
  async open() {
    let index = 0;
    return {
      generate: () => Uint8Array.of(index++ & 0xff), // input i is [i]: the bug's index is known
      run(input) {
        if (input[0] !== BAD_INDEX) return input[0]! % 2 === 0;
        if (behaviour === 'crash') throw new TypeError('planted: cannot read properties of undefined');
        if (behaviour === 'hang')
          for (;;) {
            /* planted: an endless loop */
          }
        if (behaviour === 'slow') {
          const until = performance.now() + 400;
          while (performance.now() < until) {
            /* planted: 400 ms */
          }
          return true;
        }
        for (;;) leak.push(new Array(1 << 17).fill(0.5)); // planted: unbounded allocation (on the JS heap)
      },
    };
  },
};
export default target;
