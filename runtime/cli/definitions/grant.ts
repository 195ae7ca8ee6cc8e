/** `peeros grant`: what it is called, takes and says in `--help` (the command itself: ../commands/grant.ts). */
import { CONTEXT_FLAGS } from '../shared-flags.js';
import type { CommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'grant',
  summary: "an app's signing grant in the vault, and auto-approval within limits",
  args: 'APP',
  usage: ['peeros grant APP --revoke [options]', 'peeros grant --list [--json]'],
  description: `Without limits: installs APP's signing grant into the vault, from its installed manifest (the
contracts and actions of its dmcs.push capability, its maxAmount per transaction, the chain of its
DMCS). The vault refuses to sign anything else for APP, whatever the host asks.

With --max-count: also a session grant — signatures for APP are approved without asking, up to N
per period (default 24h), moving at most X in total per period (without --max-amount: only
signatures that move no tokens). Beyond the limits you are asked as usual. The vault enforces the
amount again, per UTC day (maxAmountPerDay of the app's signing grant).`,
  flags: [
    { name: 'max-count', type: 'string', value: 'N', description: 'approvals per period (1..100000)' },
    { name: 'max-amount', type: 'string', value: '"X SYM"', description: 'total amount per period, e.g. "10.0000 RSN"' },
    { name: 'period', type: 'string', value: 'P', description: 'e.g. 24h, 30m, 7d (1m..30d; default 24h)' },
    { name: 'revoke', type: 'boolean', description: 'remove the session grant (the signing grant stays, without its daily amount)' },
    { name: 'list', type: 'boolean', description: 'the session grants and what is left of them' },
    {
      ...JSON_FLAG,
      description: 'with --list: print {"grants":[{"app","maxCount","maxAmount","periodMs","remaining":{"count","amount"}}]} as JSON',
    },
    ...CONTEXT_FLAGS,
  ],
};
