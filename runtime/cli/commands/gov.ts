/**
 * `peeros gov …`: the whitepaper's rescue flows as eosio.msig proposals the active producers
 * approve (15 of 21: eosio.prods@active). Each proposal wraps its actions in eosio.wrap::exec,
 * which governance authorizes and which, privileged, acts with the hijacked account's own
 * authority: `freeze` sets the account's owner and active to eosio.prods@active, `rekey` gives it
 * new keys. Every active producer's `active` is requested; approve and exec with `peeros msig`.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg, integerArg } from '../arg-checks.js';
import { chainBackend } from '../chain-target.js';
import type { CliFlags } from '../vault-unlock.js';
import { Action, PublicKey, eosioSerializer } from '../../../abi/antelope/index.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { MAX_EXPIRE_HOURS, activeProducers, proposeAction, proposedTransaction, wrapExecAction } from '../msig-proposal.js';
import { printPushed, pushThroughVault, withPermission } from '../proposal-push.js';
import { definition } from '../definitions/gov.js';

const NAME_ALPHABET = '.12345abcdefghijklmnopqrstuvwxyz';

/** `prefix` and the current time in seconds, in name letters (12 characters at most). */
function defaultProposalName(prefix: string): string {
  let n = Math.floor(Date.now() / 1000);
  let s = '';
  while (n > 0) {
    s = NAME_ALPHABET[1 + (n % 31)] + s;
    n = Math.floor(n / 31);
  }
  return `${prefix}${s}`.slice(0, 12);
}

function authority(spec: { key: string } | { account: string }) {
  return 'key' in spec
    ? { threshold: 1, keys: [{ key: spec.key, weight: 1 }], accounts: [], waits: [] }
    : { threshold: 1, keys: [], accounts: [{ permission: { actor: spec.account, permission: 'active' }, weight: 1 }], waits: [] };
}

/** eosio::updateauth of ACCOUNT's owner and active, authorized by ACCOUNT@owner (eosio.wrap, privileged, supplies it). */
function setOwnerAndActive(account: string, owner: ReturnType<typeof authority>, active: ReturnType<typeof authority>): Action[] {
  const s = eosioSerializer();
  const update = (permission: string, parent: string, auth: ReturnType<typeof authority>) =>
    Action.from(
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: [{ actor: account, permission: 'owner' }],
        data: { account, permission, parent, auth },
      },
      s,
    );
  return [update('owner', '', owner), update('active', 'owner', active)];
}

function publicKeyArg(value: unknown, flag: string): string {
  if (typeof value !== 'string') throw new UsageError(`${flag} PUB is required`);
  try {
    return PublicKey.from(value).toString();
  } catch {
    throw new UsageError(`${flag}: ${terminalText(value, 80)} is not a public key`);
  }
}

async function proposeRescue(io: CliIO, flags: CliFlags, proposer: string, prefix: string, inner: Action[]): Promise<number> {
  const hours = typeof flags['expire-hours'] === 'string' ? integerArg(flags['expire-hours'], '--expire-hours', 1, MAX_EXPIRE_HOURS) : 72;
  const proposal = typeof flags.proposal === 'string' ? accountNameArg(flags.proposal, '--proposal') : defaultProposalName(prefix);
  const backend = await chainBackend(io, flags);
  const requested = (await activeProducers(backend)).map((actor) => ({ actor, permission: 'active' }));
  const wrapped = wrapExecAction(await proposedTransaction(backend, inner, hours));
  const trx = await proposedTransaction(backend, [wrapped], hours);
  const reply = await pushThroughVault(io, flags, backend, [proposeAction(proposer, proposal, requested, trx)], inner);
  if (flags.json === true) {
    printPushed(io, reply, true, '');
    return 0;
  }
  printPushed(io, reply, false, `proposed ${proposer}/${proposal}`);
  io.out(`requested: ${requested.length} producers (${requested.map((l) => l.actor).join(', ')})`);
  io.out(`next: peeros msig approve ${proposer} ${proposal} -p PRODUCER, then peeros msig exec ${proposer} ${proposal} -p ACCOUNT`);
  return 0;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== 'freeze' && sub !== 'rekey')
      throw new UsageError(
        sub === undefined ? 'missing subcommand (freeze, rekey)' : `unknown subcommand '${terminalText(sub, 32)}' (freeze, rekey)`,
      );
    const p = parseArgs(rest, flagSpec(definition, sub), `gov ${sub}`);
    const { rest: positionals, flags, permission } = withPermission(p.positionals, p.flags);
    if (positionals.length !== 1)
      throw new UsageError(`gov ${sub} takes ACCOUNT${sub === 'rekey' ? ' --owner PUB --active PUB' : ''} -p PROPOSER`);
    const account = accountNameArg(positionals[0]!, 'ACCOUNT');
    if (!permission) throw new UsageError(`gov ${sub} needs -p PROPOSER`);
    if (sub === 'freeze') {
      const prods = authority({ account: 'eosio.prods' });
      return proposeRescue(io, flags, permission.actor, 'frz', setOwnerAndActive(account, prods, prods));
    }
    const owner = publicKeyArg(flags.owner, '--owner');
    const active = flags.active === undefined ? owner : publicKeyArg(flags.active, '--active');
    return proposeRescue(
      io,
      flags,
      permission.actor,
      'rkey',
      setOwnerAndActive(account, authority({ key: owner }), authority({ key: active })),
    );
  },
};

export default command;
