/**
 * The lines a verifier shows for a sign request, decoded by the host from the transaction bytes
 * themselves ("what you see is what you sign"): chain, then each action with its authorizations,
 * token transfers spelled out, other data as its size and a hex prefix. The runtime may pass richer
 * lines decoded with the contract's ABI; these are the fallback.
 */
import { decodeTokenTransfer } from '../abi/antelope/token-transfer.js';
import { transactionActions } from './transaction-actions.js';

export function summarizeTransaction(chainId: Uint8Array, packed: Uint8Array): string[] {
  const lines = [`chain: ${Buffer.from(chainId).toString('hex')}`];
  let actions;
  try {
    actions = transactionActions(packed);
  } catch (err) {
    return [...lines, `UNDECODABLE transaction (${(err as Error).message}); ${packed.length} bytes`];
  }
  for (const a of actions) {
    const auth = a.authorization.map((x) => `${x.actor}@${x.permission}`).join(', ') || 'no authorization';
    const head = `${a.contextFree ? 'context-free ' : ''}action ${a.account}::${a.name} by ${auth}`;
    const t = a.name === 'transfer' ? decodeTokenTransfer(a.data) : null;
    if (t) lines.push(`${head}: transfer ${t.quantity} from ${t.from} to ${t.to}, memo ${JSON.stringify(t.memo)}`);
    else
      lines.push(
        `${head}: ${a.data.length} bytes of data ${Buffer.from(a.data.subarray(0, 24)).toString('hex')}${a.data.length > 24 ? '…' : ''}`,
      );
  }
  return lines;
}
