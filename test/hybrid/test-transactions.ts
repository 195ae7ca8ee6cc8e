/**
 * Signed test transactions built with the protocol core (abi/antelope): a token transfer from
 * alice signed with the well-known EOSIO development key, uncompressed or zlib.
 */
import { PrivateKey, PackedTransaction, Transaction, signingDigest } from '../../abi/antelope/index.js';
import type { PushTransactionBody } from '../../runtime/dispatch/index.js';

/** The EOSIO development key (public EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV). */
export const DEV_KEY = PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3');

export interface TestTxOptions {
  /** Makes each transaction distinct (goes into the action data). */
  n: number;
  /** Seconds from now (negative: already expired). Default 600. */
  expiresIn?: number;
  compression?: 'none' | 'zlib';
  now?: number;
}

export function signedTransfer(chainId: string, o: TestTxOptions): PushTransactionBody {
  const now = o.now ?? Date.now();
  const data = Buffer.alloc(8);
  data.writeBigUInt64LE(BigInt(o.n));
  const trx = Transaction.from({
    expiration: new Date(Math.floor(now / 1000) * 1000 + (o.expiresIn ?? 600) * 1000),
    ref_block_num: 1,
    ref_block_prefix: 0x01020304,
    actions: [
      { account: 'eosio.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data: new Uint8Array(data) },
    ],
  });
  const digest = signingDigest(chainId, trx.toBinary());
  const sig = DEV_KEY.sign(digest);
  const json = PackedTransaction.fromSigned(trx, [sig], [], o.compression ?? 'none').toJSON();
  return { ...json, compression: json.compression } as PushTransactionBody;
}

/** A test signer standing in for the vault: signs with the dev key if asked for it. */
export const testSigner = {
  calls: 0,
  async sign(o: {
    chainId: string;
    transaction: Uint8Array;
    contextFreeData?: Uint8Array;
    keys: string[];
    app: string;
  }): Promise<{ signatures: string[] }> {
    this.calls++;
    const pub = DEV_KEY.toPublic().toString();
    if (!o.keys.includes(pub)) throw new Error(`test signer holds ${pub}, was asked for ${o.keys.join(', ')}`);
    return { signatures: [DEV_KEY.sign(signingDigest(o.chainId, o.transaction, o.contextFreeData)).toString()] };
  },
};
