/**
 * Sealed fields: end-to-end encrypted values in action data and table rows, for apps such as
 * dMessenger. The key agreement (ECDH of the two accounts' K1 keys) and the encryption happen
 * inside the vault (`seal_message` / `open_message`); the host only moves the result.
 *
 * In a push, a field whose value is `{"$seal": TEXT, "for": ACCOUNT}` is replaced, before encoding,
 * by the sealed blob (ABI type `bytes`), sealed from the session's key to ACCOUNT's first active
 * key as the DMCS reports it. In a table read, `"open": FIELD` in the query opens that field of
 * every row whose blob names a key the vault holds (either side: received or sent); the row then
 * carries the text, and `FIELD_sealed: true`, or `FIELD_error` when it does not open.
 *
 * A field `{"$share": PATH, "for": ACCOUNT}` asks the host to share a file or folder of the app's
 * own drive peer to peer (runtime/fs/share-service.ts): the host makes the share and the field
 * becomes its descriptor (core key, content key, address), sealed like a `$seal` text. A host that
 * does not serve shares refuses the push.
 *
 * Blob, version 2: `0x02 ‖ sender key (33) ‖ recipient key (33) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`,
 * sealed for a context: the contract account of the action that carries it. It opens only when read
 * from that contract's tables (the vault binds the context into the AEAD's additional data), so a
 * blob copied into another contract's table does not open there; and the host opens a contract's
 * sealed fields only for an app granted dmcs.push on that contract (host-bridge/chain-reads.ts).
 * Version 1 (the same bytes, `0x01`, bound to no contract) is no longer opened: any app holding a
 * signing grant could open it.
 */
import { PublicKey, KeyType } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import { TransactionServiceError } from './transaction-service-error.js';

export const SEALED_VERSION = 2;
/** The blob version bound to no contract; refused (see above). */
const UNBOUND_SEALED_VERSION = 1;
/** Plaintext of one sealed field: the vault's limit. */
export const MAX_SEALED_TEXT_BYTES = 4096;

export interface SealRequest {
  text: string;
  for: string;
}

export function sealRequestOf(v: unknown): SealRequest | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return undefined;
  const o = v as Record<string, unknown>;
  if (!('$seal' in o)) return undefined;
  if (typeof o.$seal !== 'string' || typeof o.for !== 'string' || Object.keys(o).length !== 2) {
    throw new TransactionServiceError('BAD_ACTIONS', 'a sealed field must be {"$seal": text, "for": account}');
  }
  if (Buffer.byteLength(o.$seal) > MAX_SEALED_TEXT_BYTES)
    throw new TransactionServiceError('BAD_ACTIONS', `a sealed text holds at most ${MAX_SEALED_TEXT_BYTES} bytes`);
  return { text: o.$seal, for: o.for };
}

export interface ShareFieldRequest {
  path: string;
  for: string;
}

export function shareRequestOf(v: unknown): ShareFieldRequest | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return undefined;
  const o = v as Record<string, unknown>;
  if (!('$share' in o)) return undefined;
  if (typeof o.$share !== 'string' || typeof o.for !== 'string' || Object.keys(o).length !== 2)
    throw new TransactionServiceError('BAD_ACTIONS', 'a shared field must be {"$share": drive path, "for": account}');
  return { path: o.$share, for: o.for };
}

/** Seals `text` for the recipient, bound to `contract` (the account of the action whose data holds the field). */
export async function sealText(
  vault: Vault,
  app: string,
  contract: string,
  senderKey: string,
  recipientKey: string,
  text: string,
  identity?: string,
): Promise<Uint8Array> {
  const s = PublicKey.from(senderKey);
  const r = PublicKey.from(recipientKey);
  if (s.type !== KeyType.K1 || r.type !== KeyType.K1)
    throw new TransactionServiceError('BAD_ACTIONS', 'sealed fields need K1 keys on both sides');
  const { nonce, ciphertext } = await vault.sealMessage({
    key: senderKey,
    peer: recipientKey,
    plaintext: new TextEncoder().encode(text),
    app,
    ...(identity !== undefined ? { identity } : {}),
    context: contract,
  });
  const out = new Uint8Array(1 + 33 + 33 + nonce.length + ciphertext.length);
  out[0] = SEALED_VERSION;
  out.set(s.data, 1);
  out.set(r.data, 34);
  out.set(nonce, 67);
  out.set(ciphertext, 79);
  return out;
}

/**
 * Opens a blob read from `contract`'s tables if the vault holds either side's key; the text, or an
 * error message. It opens only if it was sealed for that contract.
 */
export async function openText(
  vault: Vault,
  app: string,
  contract: string,
  blob: Uint8Array,
  vaultKeys: readonly string[],
  identity?: string,
): Promise<{ text?: string; error?: string }> {
  if (blob.length < 1 + 33 + 33 + 12 + 16) return { error: 'not a sealed value' };
  if (blob[0] === UNBOUND_SEALED_VERSION)
    return { error: 'sealed before contexts (version 1): no longer opened, since any app could open it' };
  if (blob[0] !== SEALED_VERSION) return { error: 'not a sealed value' };
  const sender = new PublicKey(KeyType.K1, blob.slice(1, 34)).toString();
  const recipient = new PublicKey(KeyType.K1, blob.slice(34, 67)).toString();
  const [ours, peer] = vaultKeys.includes(recipient)
    ? [recipient, sender]
    : vaultKeys.includes(sender)
      ? [sender, recipient]
      : [undefined, undefined];
  if (!ours || !peer) return { error: 'not for this account (no key of it in the vault)' };
  try {
    const plain = await vault.openMessage({
      key: ours,
      peer,
      nonce: blob.slice(67, 79),
      ciphertext: blob.slice(79),
      app,
      ...(identity !== undefined ? { identity } : {}),
      context: contract,
    });
    return { text: new TextDecoder().decode(plain) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
