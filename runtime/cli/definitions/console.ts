/** `peeros console`: what it is called, takes and says in `--help` (the command itself: ../commands/console.ts). */
import type { CommandDefinition } from '../command-definition.js';

export const definition: CommandDefinition = {
  name: 'console',
  summary: 'the PeerOS console in your browser: apps, grants, activity, DMCS, offline queue, vault',
  description: `Serves the console on loopback and prints one line:
  console: http://127.0.0.1:PORT/#SECRET
Open it in a browser on this machine. The secret works once: the page exchanges it for a session
cookie, so a copy of the address opens nothing. Unlock the vault on the page (or create it on the
first run); the host behind the console (app services, the offline queue and its flusher) runs
until Ctrl-C. Register a passkey on the Vault page: every signature, grant change and key export
then comes up in the console's signing dialog and needs the passkey, which the vault verifies
(without one, what no session grant covers is refused). Requests whose Host or Origin is not the
console's own are refused (DNS rebinding, other sites); see docs/console.md.`,
  flags: [
    {
      name: 'listen',
      type: 'string',
      value: 'HOST:PORT',
      description: 'where to listen (default 127.0.0.1:0, a free port); loopback only: 127.0.0.1, localhost or [::1]',
    },
    { name: 'no-open', type: 'boolean', description: 'do not open a browser (otherwise tried when a desktop session is present)' },
    {
      name: 'share-listen',
      type: 'string',
      value: 'HOST:PORT',
      description:
        'while unlocked, serve peer-to-peer shares (large files, folders, calendars) on this address, and every 10 s publish new writes to them, stop serving unshared ones and sync the shares sent to you; apps run from the console can then share peer to peer (peeros app run cannot), and the Shares page syncs now and revokes (docs/fs.md)',
    },
    {
      name: 'share-announce',
      type: 'string',
      value: 'HOST:PORT',
      description:
        'the address share descriptors name, where peers reach --share-listen (default: --share-listen itself; needed when it is 0.0.0.0)',
    },
  ],
};
