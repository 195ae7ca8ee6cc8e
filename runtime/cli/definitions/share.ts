/** `peeros share`: what it is called, takes and says in `--help` (the command itself: ../commands/share.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';
import { DEFAULT_SHARE_PORT } from '../../fs/share-port.js';

export const definition: CommandDefinition = {
  name: 'share',
  summary: 'peer-to-peer shares of files, folders and calendars: sync, list, revoke, serve',
  description:
    "Files over 4 KiB, folders and calendars are shared peer to peer: only a sealed descriptor goes on chain, the content is replicated from the sender's host (docs/fs.md).",
  subcommands: [
    {
      name: 'sync',
      args: '[APP]',
      description:
        "replicate every peer-to-peer share in your scope of the contract's shares table from its sender, check it, and save it into APP's drive (default dbox) under shared/<from>/: all of a share's files or none. A share whose sender is unreachable, revoked or hostile is reported and the others still sync (a sender's peer must answer within 5 s; after 4 of its shares went unanswered, its others are SHARE_DEFERRED to the next sync, not dialled); exits 1 when any failed",
      flags: [
        {
          name: 'code',
          type: 'string',
          value: 'CONTRACT',
          description: 'the contract whose shares table to read (default: APP; a calendar uses dbox)',
        },
        { ...JSON_FLAG, description: 'print [{"id","from","path","saved","removed"} or {…,"error"}] as JSON' },
      ],
      sharedFlags: true,
    },
    {
      name: 'list',
      description:
        'the shares this host made (app, path, to, core, served or revoked, size) and the ones it synced for you (app, from, path, files, size, when); read from its records, so it works beside a running share serve or console',
      flags: [
        {
          ...JSON_FLAG,
          description:
            'print {"outgoing": [{"id","app","account","to","path","folder","core","at","revoked","blocks","bytes","made"}], "incoming": [{"app","account","from","path","folder","core","blocks","bytes","files","synced"}]} as JSON',
        },
      ],
    },
    {
      name: 'revoke',
      args: 'ID',
      description:
        "stop serving outgoing share ID (from share list) now: its core is deleted and never written again; the recipient keeps what it synced. The row stays on chain until the app's unshare. Needs the share store, so not while share serve or the console serves this home (stop that serve first, or use Revoke on the console's Shares page)",
    },
    {
      name: 'serve',
      description:
        "serve this host's shares without the console until Ctrl-C (SIGINT) or SIGTERM, running a share cycle at once and every 10 s: publish new writes of shared folders, revoke shares unshared on chain, sync the shares made for you. Refused while another process holds the share store",
      flags: [
        {
          name: 'listen',
          type: 'string',
          value: 'HOST:PORT',
          description: `where to serve shares (default 127.0.0.1:${DEFAULT_SHARE_PORT}; port 0: any free port)`,
        },
        {
          name: 'announce',
          type: 'string',
          value: 'HOST:PORT',
          description:
            'the address share descriptors name, where peers reach --listen (default: --listen itself; needed when it is 0.0.0.0)',
        },
      ],
      sharedFlags: true,
    },
  ],
  flags: VAULT_FLAGS,
  flagsHeading: 'vault options:',
  notes:
    "Nothing is sent to the sender but hypercore replication requests; the files land only under shared/<from>/, within the app's quota.",
};
