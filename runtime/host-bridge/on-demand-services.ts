/**
 * The host services of a one-shot process (`peeros app run`): nothing is opened until an app calls
 * `chain` or `dmcs`. A chain read opens dispatch and the persisted hybrid cache; a push also opens
 * the vault (passphrase from $PEEROS_PASSPHRASE, or the terminal) with the session-grant policy in
 * front of a terminal confirmation, and the offline queue. Without a configured DMCS every call is
 * `unavailable` (and says why on stderr), as before services existed.
 *
 * Why a failure happened is written to stderr (`onMessage`): the app itself only gets the code.
 */
import { createInterface } from 'node:readline/promises';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { pack } from '../../abi/msgpack/codec.js';
import { Vault, vaultPaths, renderVerificationRequest, verificationQuestion, type VerificationRequest } from '../../skv/index.js';
import { terminalLines, terminalQuoted, terminalText } from '../../lib/terminal-text.js';
import { promptHidden } from '../../skv/passphrase-source.js';
import { Dispatcher, DmcsRegistry, type ChainCheckedBackend } from '../dispatch/index.js';
import { CacheStore, HybridApi, defaultCachePath } from '../hybrid-cache/index.js';
import { GrantPolicyVerifier } from '../transaction-service/grant-policy-verifier.js';
import { SessionGrantStore } from '../transaction-service/session-grants.js';
import { HostBridge } from './host-bridge.js';
import { HostServices, requireGrant } from './host-services.js';
import { AppDirectory } from './app-directory.js';
import { readChain, openFieldOf } from './chain-reads.js';
import { BridgeError, toBridgeError } from './bridge-error.js';
import type { BridgeEndpoint, BridgeOp } from './bridge-protocol.js';
import { PendingRevocations } from '../transaction-service/pending-revocations.js';
import type { InstallDialogRequest } from '../app-install-request.js';
import { readHostState } from './host-state.js';

export interface OnDemandOptions {
  env?: NodeJS.ProcessEnv;
  /** Where explanations go (default stderr). */
  onMessage?: (text: string) => void;
}

/** Asks on the terminal (stderr + stdin) with the vault's framed prompt (app text escaped); false without one. */
async function terminalConfirm(r: VerificationRequest, say: (t: string) => void): Promise<boolean> {
  say(renderVerificationRequest(r));
  if (!process.stdin.isTTY) {
    say('peeros vault: (no terminal to ask: declined; a session grant — peeros grant APP --max-count N — approves without asking)');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${verificationQuestion(r)} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * The install dialog on the terminal: the stale-view warning when there is one (as `peeros app
 * install APP` prints it), the host's consent block (app text already escaped), then a y/N
 * question; without a terminal nothing is installed.
 */
async function terminalInstallDialog(r: InstallDialogRequest, say: (t: string) => void): Promise<boolean> {
  if (r.stale) say(`peeros: warning: ${r.stale}`);
  for (const line of r.lines) say(`peeros: ${line}`);
  if (!process.stdin.isTTY) {
    say(
      `peeros: (no terminal to ask: the install of ${terminalQuoted(r.app)} that ${terminalQuoted(r.requestedBy)} requested was declined)`,
    );
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test(
      (
        await rl.question(
          `peeros: Install ${terminalQuoted(r.app)} as ${terminalQuoted(r.requestedBy)} asked, granting what it requests? [y/N] `,
        )
      ).trim(),
    );
  } finally {
    rl.close();
  }
}

export class OnDemandServices {
  readonly #home: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #say: (t: string) => void;
  readonly #bridge: HostBridge;
  readonly #apps: AppDirectory;
  #reads: { dispatcher: Dispatcher; cache: CacheStore; hybrid: Map<string, HybridApi> } | undefined;
  #full: Promise<{ vault: Vault; services: HostServices }> | undefined;

  constructor(home: string, opts: OnDemandOptions = {}) {
    this.#home = home;
    this.#env = opts.env ?? process.env;
    this.#say = opts.onMessage ?? ((t) => process.stderr.write(`${terminalLines(t)}\n`));
    this.#apps = new AppDirectory(home);
    this.#bridge = new HostBridge((app, op, payload) => this.#handle(app, op, payload), {
      onError: (err, app, op) => this.#say(`peeros: ${op} for app '${app}': ${terminalText((err as Error).message ?? String(err))}`),
    });
  }

  endpoint(app: string): BridgeEndpoint {
    return this.#bridge.endpoint(app);
  }

  async #handle(app: string, op: BridgeOp, payload: Uint8Array): Promise<Uint8Array> {
    try {
      if (op === 'fs.drive-key' || op === 'store.request-install') return await (await this.#services()).services.handle(app, op, payload);
      if (op === 'host.state') {
        requireGrant(await this.#apps.get(app), 'host.read', op);
        return pack(await readHostState(this.#home, () => this.#vaultStatus()));
      }
      const state = await new DmcsRegistry(this.#home).load();
      if (state.dmcs.length === 0) {
        throw new BridgeError(IsaErrorCode.UNAVAILABLE, "no DMCS is configured: add one with 'peeros dmcs add NAME URL'");
      }
      if (op === 'dmcs.push' || openFieldOf(op, payload) !== undefined)
        return await (await this.#services()).services.handle(app, op, payload);
      const r = (this.#reads ??= {
        dispatcher: new Dispatcher(new DmcsRegistry(this.#home)),
        cache: new CacheStore({ path: defaultCachePath(this.#home) }),
        hybrid: new Map(),
      });
      const hybridFor = (b: ChainCheckedBackend) => {
        let h = r.hybrid.get(b.chainId);
        if (!h) r.hybrid.set(b.chainId, (h = new HybridApi(b, r.cache, { chainId: b.chainId, persistDelayMs: 0 })));
        return h;
      };
      return await readChain(await this.#apps.get(app), op, payload, r.dispatcher, hybridFor);
    } catch (err) {
      throw toBridgeError(err);
    }
  }

  #services(): Promise<{ vault: Vault; services: HostServices }> {
    this.#full ??= (async () => {
      const vault = Vault.open({ home: this.#home });
      try {
        const st = await vault.status();
        if (st.keystore !== 'present')
          throw new BridgeError(
            IsaErrorCode.UNAVAILABLE,
            `no usable keystore at ${vaultPaths(this.#home).keystore} (${st.keystore}); create one with 'peeros key create'`,
          );
        let passphrase = this.#env.PEEROS_PASSPHRASE;
        if (passphrase === undefined) {
          if (!process.stdin.isTTY)
            throw new BridgeError(IsaErrorCode.UNAVAILABLE, 'the vault is locked: set PEEROS_PASSPHRASE or run in a terminal');
          passphrase = await promptHidden('Vault passphrase: ');
        }
        const policy = new GrantPolicyVerifier({
          store: new SessionGrantStore(this.#home),
          fallback: (r) => terminalConfirm(r, this.#say),
        });
        await vault.unlock(passphrase, { verifier: policy });
        await new PendingRevocations(this.#home).flush(vault); // grants of apps removed while it was locked
        const services = await HostServices.open({
          home: this.#home,
          vault,
          policy,
          flusher: false,
          installDialog: (r) => terminalInstallDialog(r, this.#say),
        });
        return { vault, services };
      } catch (err) {
        await vault.close().catch(() => {});
        this.#full = undefined;
        throw err;
      }
    })();
    return this.#full;
  }

  /** The vault's status without unlocking it: the open one's, else a worker opened for the question. */
  async #vaultStatus(): Promise<{ keystore: 'missing' | 'present' | 'corrupt'; unlocked: boolean }> {
    const full = this.#full ? await this.#full.catch(() => undefined) : undefined;
    if (full) return full.vault.status();
    const vault = Vault.open({ home: this.#home });
    try {
      return await vault.status();
    } finally {
      await vault.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.#bridge.close();
    const full = await this.#full?.catch(() => undefined);
    if (full) {
      await full.services.close().catch(() => {});
      await full.vault.close().catch(() => {});
    }
    if (this.#reads) {
      await this.#reads.cache.persist().catch(() => {});
      await this.#reads.dispatcher.close();
    }
  }
}
