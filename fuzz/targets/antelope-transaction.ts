/**
 * Target `antelope-transaction`: Transaction.fromBinary on untrusted packed_trx bytes.
 * Oracles: only AntelopeError; an accepted transaction re-encodes canonically (encode∘decode is
 * the identity on its own output); @wharfkit/antelope decodes what we accept to the same bytes.
 */
import * as W from '@wharfkit/antelope';
import { AntelopeError, Transaction, bytesToHex } from '../../abi/antelope/index.js';
import { mutate, randomBytes } from '../mutate.js';
import { accepts, oracle, type FuzzTarget } from '../target.js';
import { transactionSeeds } from './antelope-seeds.js';

export const isAntelopeError = (e: unknown): boolean => e instanceof AntelopeError;

export const antelopeTransaction: FuzzTarget = {
  name: 'antelope-transaction',
  about: 'abi/antelope Transaction.fromBinary (packed_trx bytes), cross-checked with @wharfkit/antelope',
  maxInputMs: 1000,
  smokeInputs: 2000,
  async open() {
    const seeds = transactionSeeds();
    return {
      generate: (r) => (r.int(10) === 0 ? randomBytes(r, 512) : mutate(r, seeds)),
      run(input) {
        let t: Transaction | undefined;
        const ok = accepts(isAntelopeError, () => {
          t = Transaction.fromBinary(input);
        });
        if (!ok) return false;
        const again = t!.toBinary();
        const back = Transaction.fromBinary(again);
        oracle(bytesToHex(back.toBinary()) === bytesToHex(again), 'transaction: re-encoding is not canonical');
        const theirs = W.Serializer.decode({ data: again, type: W.Transaction }) as W.Transaction;
        oracle(
          bytesToHex(W.Serializer.encode({ object: theirs }).array) === bytesToHex(again),
          'transaction: @wharfkit/antelope re-encodes differently',
        );
        return true;
      },
    };
  },
};
