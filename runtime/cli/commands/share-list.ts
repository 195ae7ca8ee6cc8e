/**
 * `peeros share list`: the outgoing shares and the incoming ones synced, read from the records
 * without the store's lock or the vault (it works beside a running `share serve`).
 */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { printJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { listShares } from '../../fs/share-records.js';

export function list(positionals: string[], json: boolean, io: CliIO): number {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${terminalText(positionals[0]!)}'`);
  const { outgoing, incoming } = listShares(peerosHome(io.env));
  if (json) {
    printJson(io, { outgoing, incoming });
    return 0;
  }
  if (outgoing.length === 0 && incoming.length === 0) {
    io.out('no peer-to-peer shares on this host');
    return 0;
  }
  if (outgoing.length > 0) io.out('shared by this host:');
  for (const s of outgoing)
    io.out(
      terminalText(
        `  ${s.id}  ${s.app}  ${s.account} → ${s.to}  ${s.path}${s.folder ? '/' : ''}  ${s.revoked ? 'revoked' : `served${s.at ? ` at ${s.at}` : ''}, ${s.blocks} blocks, ${s.bytes} bytes`}  core ${s.core.slice(0, 16)}…`,
      ),
    );
  if (incoming.length > 0) io.out('synced for you:');
  for (const s of incoming)
    io.out(
      terminalText(
        `  ${s.app}  ${s.from} → ${s.account}  ${s.path}${s.folder ? '/' : ''}  ${s.files} files, ${s.blocks} blocks, ${s.bytes} bytes, synced ${new Date(s.synced).toISOString()}  core ${s.core.slice(0, 16)}…`,
      ),
    );
  return 0;
}
