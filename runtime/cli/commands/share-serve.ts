/**
 * `peeros share serve`: a long-lived share host without the console. It owns the host's share
 * store (the corestore lock: a second one, the console with --share-listen or a `share sync` is
 * refused with SHARE_BUSY, and so is this one while they run), serves the active share cores on
 * `listen`, and runs a share cycle (runtime/host-bridge/share-cycle.ts: publish, reconcile, sync)
 * at once and every SHARE_CYCLE_MS. Host services are opened for each cycle and closed after, so
 * the offline queue's lock is held only while a cycle runs. SIGINT or SIGTERM stops it: the timer
 * ends, a running cycle finishes, the server, the store and the vault close, and it exits 0.
 */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { unlockVault } from '../vault-unlock.js';
import { hostPortArg } from '../arg-checks.js';
import { peerosHome } from '../../../lib/home.js';
import { parseHostPort } from '../../../dmcs/endpoint.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { USER_APP, Vault } from '../../../skv/index.js';
import { HostServices } from '../../host-bridge/index.js';
import { runShareCycle, SHARE_CYCLE_MS, type ShareCycleReport } from '../../host-bridge/share-cycle.js';
import { ShareService } from '../../fs/share-service.js';
import { DEFAULT_SHARE_PORT, type PeerAddress } from '../../fs/share-peer.js';
import { untilInterrupted } from '../watch-folder.js';

/** What one cycle did, as lines for the terminal (app text escaped); nothing when it did nothing. */
export function cycleLines(r: ShareCycleReport): { out: string[]; err: string[] } {
  const out: string[] = [];
  if (r.published > 0) out.push(`published ${r.published} changed file(s)`);
  if (r.revoked.length > 0) out.push(`revoked ${r.revoked.join(', ')} (unshared on chain)`);
  for (const [app, synced] of Object.entries(r.synced))
    for (const s of synced)
      if (s.error) out.push(`${app}: ${s.id} ${s.from} ${s.path} failed: ${s.error}`);
      else if (s.saved!.length + s.removed!.length > 0)
        out.push(`${app}: ${s.id} ${s.from} ${s.path} saved ${s.saved!.length}, removed ${s.removed!.length}`);
  return { out: out.map((l) => terminalText(l)), err: r.errors.map((e) => terminalText(`share cycle: ${e}`)) };
}

export async function serveShares(
  o: { home: string; vault: Vault; listen: PeerAddress; announce?: PeerAddress; cycleMs?: number },
  io: CliIO,
): Promise<number> {
  const shares = await ShareService.open({
    home: o.home,
    vault: o.vault,
    userApp: USER_APP,
    serve: o.listen,
    ...(o.announce ? { announce: o.announce } : {}),
  });
  let cycle: Promise<void> | undefined;
  let lastErrors = '';
  const round = async (): Promise<void> => {
    try {
      const services = await HostServices.open({ home: o.home, vault: o.vault, flusher: false, shares });
      try {
        const lines = cycleLines(await runShareCycle(services));
        for (const l of lines.out) io.out(l);
        const errors = lines.err.join('\n');
        if (errors !== lastErrors && errors) io.err(errors); // the same failure every round is said once
        lastErrors = errors;
      } finally {
        await services.close();
      }
    } catch (err) {
      io.err(`share cycle: ${terminalText((err as Error).message)}`);
    }
  };
  const tick = (): void => {
    if (!cycle) cycle = round().finally(() => (cycle = undefined));
  };
  try {
    const at = shares.address!;
    const named = o.announce ? ` (descriptors name ${o.announce.host}:${o.announce.port})` : '';
    io.out(`serving peer-to-peer shares on ${at.host}:${at.port}${named}; Ctrl-C stops`);
    // a descriptor names the address its share was made on: peers dial there, not here
    const here = o.announce ? `${o.announce.host}:${o.announce.port}` : `${at.host}:${at.port}`;
    const elsewhere = shares.list().filter((s) => !s.revoked && s.at !== undefined && s.at !== here);
    if (elsewhere.length > 0)
      io.err(
        terminalText(
          `${elsewhere.length} active share(s) name another address (${[...new Set(elsewhere.map((s) => s.at))].join(', ')}): their recipients dial there, not here`,
        ),
      );
    const stopped = untilInterrupted();
    tick();
    const timer = setInterval(tick, o.cycleMs ?? SHARE_CYCLE_MS);
    await stopped;
    clearInterval(timer);
    await cycle;
    io.err('stopped serving shares');
    return 0;
  } finally {
    await shares.close();
  }
}

/** `peeros share serve [--listen HOST:PORT] [--announce HOST:PORT]`: its flags checked, the vault unlocked, then `serveShares`. */
export async function serve(positionals: string[], flags: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${terminalText(positionals[0]!)}'`);
  const hostPort = (flag: string): PeerAddress | undefined => {
    const v = flags[flag];
    if (typeof v !== 'string') return undefined;
    const e = parseHostPort(hostPortArg(v, `--${flag}`));
    return { host: e.host, port: e.port };
  };
  const listen = hostPort('listen') ?? { host: '127.0.0.1', port: DEFAULT_SHARE_PORT };
  const announce = hostPort('announce');
  if (announce && announce.port === 0) throw new UsageError('--announce names a port peers dial: not 0');
  const home = peerosHome(io.env);
  const vault = Vault.open({ home });
  try {
    await unlockVault(vault, home, io, flags);
    return await serveShares({ home, vault, listen, ...(announce ? { announce } : {}) }, io);
  } finally {
    await vault.close();
  }
}
