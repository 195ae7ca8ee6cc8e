// A dev node with the dPay token deployed and an account `alice` holding 100.0000 RSN whose active
// key can be switched to a WebAuthn key: the common ground of the passkey tests. Transactions are
// built and pushed with wharfkit over HTTP; the signature comes from whatever signer a test passes.
import { readFileSync } from 'node:fs';
import { ABI, Serializer, Bytes, PackedTransaction, Signature as WSignature, SignedTransaction } from '@wharfkit/antelope';
import type { PublicKey, Signature } from '../../../abi/antelope/index.js';
import { startDevNode, transact, buildSigned, newAccountAction, testKey, keyAuth, type DevNode, type ActSpec } from '../helpers.js';

const ROOT = new URL('../../../../', import.meta.url);

export interface PasskeyTokenChain {
  dn: DevNode;
  /** updateauth alice@active to this one key (signed by alice's K1 owner key). */
  setActiveKey(key: PublicKey): Promise<void>;
  /** Builds a 1.0000 RSN transfer alice → dpay.token, lets `sign` sign its digest, pushes it. */
  pushTransfer(memo: string, sign: (digest: Uint8Array) => Signature): Promise<any>;
  /** The same with a signer that answers later (a browser). */
  pushTransferAsync(memo: string, sign: (digest: Uint8Array) => Promise<Signature>): Promise<any>;
  balance(account: string): Promise<string | undefined>;
}

export async function startPasskeyTokenChain(): Promise<PasskeyTokenChain> {
  const wasm = readFileSync(new URL('build/contracts/dpay/dpay.wasm', ROOT));
  const abi = ABI.from(JSON.parse(readFileSync(new URL('build/contracts/dpay/dpay.abi', ROOT), 'utf8')));
  const token = testKey('wa.token');
  const alice = testKey('wa.alice');
  const dn = await startDevNode();
  const c = dn.client;
  await transact(c, [newAccountAction('dpay.token', String(token.toPublic())), newAccountAction('alice', String(alice.toPublic()))]);
  const code = { account: 'dpay.token', vmtype: 0, vmversion: 0, code: Bytes.from(wasm).hexString };
  const abiHex = Serializer.encode({ object: abi }).hexString;
  await transact(
    c,
    [
      { account: 'eosio', name: 'setcode', authorization: 'dpay.token@active', data: code },
      { account: 'eosio', name: 'setabi', authorization: 'dpay.token@active', data: { account: 'dpay.token', abi: abiHex } },
    ],
    { keys: [token] },
  );
  const create = { issuer: 'alice', maximum_supply: '1000.0000 RSN' };
  await transact(c, [{ account: 'dpay.token', name: 'create', authorization: 'dpay.token@active', data: create }], { keys: [token] });
  const issue = { to: 'alice', quantity: '100.0000 RSN', memo: '' };
  await transact(c, [{ account: 'dpay.token', name: 'issue', authorization: 'alice@active', data: issue }], { keys: [alice] });

  async function pushTransferAsync(memo: string, sign: (digest: Uint8Array) => Promise<Signature>): Promise<any> {
    const act: ActSpec = {
      account: 'dpay.token',
      name: 'transfer',
      authorization: 'alice@active',
      data: { from: 'alice', to: 'dpay.token', quantity: '1.0000 RSN', memo },
    };
    const { trx } = await buildSigned(c, [act], { keys: [], abi });
    const info = await c.v1.chain.get_info();
    const sig = await sign(trx.signingDigest(info.chain_id).array);
    const signed = SignedTransaction.from({ ...trx, signatures: [WSignature.from(sig.toString())] });
    return c.v1.chain.push_transaction(PackedTransaction.fromSigned(signed));
  }

  return {
    dn,
    async setActiveKey(key) {
      const data = { account: 'alice', permission: 'active', parent: 'owner', auth: keyAuth(key.toString()) };
      await transact(c, [{ account: 'eosio', name: 'updateauth', authorization: 'alice@owner', data }], { keys: [alice] });
    },
    pushTransfer(memo, sign) {
      return pushTransferAsync(memo, async (d) => sign(d));
    },
    pushTransferAsync,
    async balance(account) {
      const rows = await c.v1.chain.get_table_rows({ code: 'dpay.token', scope: account, table: 'accounts' });
      return (rows.rows[0] as { balance?: string } | undefined)?.balance;
    },
  };
}
