/**
 * The login challenge: a transaction that proves control of `account@permission` and can never
 * execute. The vault only signs transactions, so login asks it to sign one whose only action is
 * `peeros.login::login` (data: a domain tag, a fresh 32-byte nonce, the account, the permission)
 * with TaPoS pointing at block 0 (`ref_block_num = 0, ref_block_prefix = 0`), which no Antelope
 * node accepts (`invalid_ref_block_exception`), and a short expiration. The user sees it decoded
 * as a login, not as a transfer.
 */
import { randomBytes } from 'node:crypto';
import {
  Abi,
  AbiSerializer,
  Action,
  Transaction,
  TimePointSec,
  signingDigest,
  BinaryWriter,
  Name,
  bytesToHex,
} from '../../abi/antelope/index.js';
import { LOGIN_CHALLENGE_TTL_S, LOGIN_NONCE_BYTES } from './limits.js';

/** Domain tag in the challenge data: a login signature cannot be mistaken for anything else. */
export const LOGIN_TAG = 'peeros-login-v1';
export const LOGIN_CONTRACT = 'peeros.login';
export const LOGIN_ACTION = 'login';

let loginSerializer: AbiSerializer | undefined;

/**
 * The challenge action's ABI (no chain holds it: `peeros.login` is no contract), so a signing
 * dialog can show the challenge decoded — the tag, the nonce, who logs in — rather than refuse it
 * as undecodable.
 */
export function loginChallengeSerializer(): AbiSerializer {
  loginSerializer ??= new AbiSerializer(
    Abi.from({
      version: 'eosio::abi/1.1',
      structs: [
        {
          name: LOGIN_ACTION,
          base: '',
          fields: [
            { name: 'tag', type: 'string' },
            { name: 'nonce', type: 'bytes' },
            { name: 'account', type: 'name' },
            { name: 'permission', type: 'name' },
          ],
        },
      ],
      actions: [{ name: LOGIN_ACTION, type: LOGIN_ACTION, ricardian_contract: '' }],
    }),
  ).validate();
  return loginSerializer;
}

export interface LoginChallenge {
  account: string;
  permission: string;
  chainId: string;
  nonce: string;
  bytes: Uint8Array;
  digest: Uint8Array;
  expiresAt: number;
  /** The lines the user approves. */
  summary: string[];
}

export function loginChallenge(o: { account: string; permission: string; chainId: string; dmcs: string; now?: number }): LoginChallenge {
  const now = o.now ?? Date.now();
  const nonce = randomBytes(LOGIN_NONCE_BYTES);
  const w = new BinaryWriter(96);
  w.string(LOGIN_TAG);
  w.bytes(nonce);
  Name.from(o.account).encode(w);
  Name.from(o.permission).encode(w);
  const action = Action.from({
    account: LOGIN_CONTRACT,
    name: LOGIN_ACTION,
    authorization: [{ actor: o.account, permission: o.permission }],
    data: w.finish(),
  });
  const expiresAt = Math.floor(now / 1000) * 1000 + LOGIN_CHALLENGE_TTL_S * 1000;
  const trx = Transaction.from({
    expiration: TimePointSec.from(new Date(expiresAt)),
    ref_block_num: 0,
    ref_block_prefix: 0,
    actions: [action],
  });
  const bytes = trx.toBinary();
  return {
    account: o.account,
    permission: o.permission,
    chainId: o.chainId,
    nonce: bytesToHex(nonce),
    bytes,
    digest: signingDigest(o.chainId, bytes).array,
    expiresAt,
    summary: [
      `log in to PeerOS as ${o.account}@${o.permission} on DMCS '${o.dmcs}' (chain ${o.chainId.slice(0, 12)}…)`,
      'this is a login challenge: it cannot execute on any chain and moves nothing',
    ],
  };
}
