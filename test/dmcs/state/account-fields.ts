// An account's fields as the chain sees them, for comparing two states' accounts: every field of
// `AccountRecord`, the permissions and links decoded (an account read back from the store decodes
// them on first use), without what only says how it is held (the summed hash, the snapshot epoch,
// the encoded permissions and links).
import type { AccountRecord } from '../../../dmcs/state/account-record.js';

export function accountFields(a: AccountRecord): Record<string, unknown> {
  return {
    name: a.name,
    value: a.value,
    creation: a.creation,
    privileged: a.privileged,
    code: a.code,
    codeHash: a.codeHash,
    codeHashHex: a.codeHashHex,
    lastCodeUpdate: a.lastCodeUpdate,
    codeSequence: a.codeSequence,
    abi: a.abi,
    abiSequence: a.abiSequence,
    ramUsage: a.ramUsage,
    recvSequence: a.recvSequence,
    authSequence: a.authSequence,
    permissions: [...a.permissions].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    links: [...a.links].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
  };
}
