/** `peeros queue`: what it is called, takes and says in `--help` (the command itself: ../commands/queue.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'queue',
  summary: 'the offline queue of signed transactions: list, flush, resign, drop',
  description: 'Signed transactions that could not reach their DMCS wait here, on disk, until they are sent.',
  subcommands: [
    {
      name: 'list',
      description:
        'every entry: id, status, app, DMCS, expiration, attempts, and why it waits or failed. Status: pending (waiting to be sent), sent (the node acknowledged it; waiting for its block), done, expired, failed (the chain refused it)',
      flags: [
        { ...JSON_FLAG, description: 'print the entries as a JSON array (without their signed bodies; "signatures" is their count)' },
      ],
    },
    {
      name: 'flush',
      description:
        'send every pending entry now and confirm acknowledged ones (waiting up to 5 s for their blocks); exits 1 when a DMCS cannot be reached (the entries stay queued)',
      flags: [
        {
          ...JSON_FLAG,
          description:
            'print {"sent","done","expired","failed","waiting":[full transaction ids],"unreachable","error"} as JSON (same exit codes)',
        },
      ],
    },
    {
      name: 'resign',
      args: 'ID',
      description:
        're-sign an expired entry (ID: at least 8 hex digits of its transaction id) with a fresh expiration and TaPoS, using the same keys from the vault, after you approve it; the new transaction is queued in its place',
      flags: [
        { name: 'force', type: 'boolean', description: 're-sign an entry that may already have executed (a push that got no answer)' },
      ],
      sharedFlags: true,
    },
    {
      name: 'drop',
      args: '[ID]',
      description:
        "discard an expired or failed entry (ID: at least 8 hex digits of its transaction id), or with --expired every expired one: it is listed as dropped and no longer counts toward its app's share of the queue (an app whose pushes all expired can queue again). Pending entries (they would be sent) and sent ones (they may still land) are refused. Dropping only forgets the local record: an entry marked uncertain may already have executed, and dropping cannot undo that; no --force is needed, since dropping never sends anything. Dropping an entry already dropped changes nothing",
      flags: [
        { name: 'expired', type: 'boolean', description: 'drop every expired entry not re-signed (instead of one ID)' },
        {
          name: 'app',
          type: 'string',
          value: 'NAME',
          description: 'with --expired: only the entries of this app (as `queue list` shows it)',
        },
        {
          ...JSON_FLAG,
          description: 'print {"dropped":[{"id","app","from","uncertain"}]} as JSON',
        },
      ],
    },
  ],
  flags: VAULT_FLAGS,
  flagsHeading: 'vault options of resign:',
  notes: `Nothing is marked sent without the node's acknowledgement, and a transaction the node already has
(tx_duplicate) is marked done, never sent twice.`,
};
