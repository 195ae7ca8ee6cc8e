// Shared fixtures of the vault tests: a fresh $PEEROS_HOME per test, a vault with the test KDF,
// and hand-built transactions (header + actions) so the tests do not depend on a serializer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Asset, BinaryWriter, Name } from '../../abi/antelope/index.js';
import {
  Vault,
  AutoApproveVerifier,
  AUTO_APPROVE_OPT_IN,
  VaultChannel,
  encodeMessage,
  decodeResponse,
  VaultError,
  limits,
  type VaultOptions,
  type DmemoOp,
  type DmemoResults,
  type VerifierRegistration,
} from '../../skv/index.js';

export const CHAIN_ID = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';
export const OTHER_CHAIN = '8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f';
export const PASS = 'correct horse battery staple';

/** The vault error code `p` rejects with, or 'OK' when it resolves (any other error is rethrown). */
export async function vaultErrorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof VaultError) return err.code;
    throw err;
  }
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'peeros-skv-'));
}

export function removeHome(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function autoApprove(opts: { ttlMs?: number } = {}): AutoApproveVerifier {
  return new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN, keepSeen: true, ...opts });
}

/** A vault over `home` with the fast test KDF, unlocked (keystore created) with one key. */
export async function openTestVault(
  home: string,
  opts: VaultOptions = {},
): Promise<{ vault: Vault; verifier: AutoApproveVerifier; pub: string }> {
  const vault = Vault.open({ home, insecureTestKdf: true, backoffBaseMs: 200, ...opts });
  const verifier = autoApprove();
  await vault.unlock(PASS, { verifier, create: true });
  const { publicKey } = await vault.createKey('test');
  return { vault, verifier, pub: publicKey };
}

export interface TestAction {
  account: string;
  name: string;
  actor?: string;
  data: Uint8Array;
}

export function transferData(from: string, to: string, quantity: string, memo = ''): Uint8Array {
  const w = new BinaryWriter();
  Name.from(from).encode(w);
  Name.from(to).encode(w);
  Asset.from(quantity).encode(w);
  w.string(memo);
  return w.finish();
}

export function transfer(quantity: string, contract = 'dpay.token', memo = ''): TestAction {
  return { account: contract, name: 'transfer', actor: 'alice', data: transferData('alice', 'bob', quantity, memo) };
}

/** A packed (uncompressed) transaction with the given actions. */
export function packTransaction(actions: TestAction[], opts: { expiration?: number; cfa?: TestAction[] } = {}): Uint8Array {
  const w = new BinaryWriter();
  w.u32(opts.expiration ?? Math.floor(Date.now() / 1000) + 600);
  w.u16(1234);
  w.u32(0xdeadbeef);
  w.varuint32(0);
  w.u8(0);
  w.varuint32(0);
  const writeActions = (list: TestAction[]) => {
    w.varuint32(list.length);
    for (const a of list) {
      Name.from(a.account).encode(w);
      Name.from(a.name).encode(w);
      if (a.actor) {
        w.varuint32(1);
        Name.from(a.actor).encode(w);
        Name.from('active').encode(w);
      } else w.varuint32(0);
      w.bytes(a.data);
    }
  };
  writeActions(opts.cfa ?? []);
  writeActions(actions);
  w.varuint32(0);
  return w.finish();
}

// ── speaking dMemo directly to the worker, bypassing the Vault facade ─────────────────────────

export class RawVault {
  readonly channel: VaultChannel;
  registration: VerifierRegistration | null = null;

  constructor(home: string, opts: { autoLockMs?: number; assertionMaxTtlMs?: number } = {}) {
    this.channel = new VaultChannel({
      home,
      autoLockMs: opts.autoLockMs ?? limits.DEFAULT_AUTO_LOCK_MS,
      assertionMaxTtlMs: opts.assertionMaxTtlMs ?? limits.DEFAULT_ASSERTION_TTL_MS,
      backoffBaseMs: 100,
      insecureTestKdf: true,
    });
  }

  async call<O extends DmemoOp>(op: O, fields: Record<string, unknown> = {}): Promise<DmemoResults[O]> {
    return decodeResponse(await this.channel.call(encodeMessage({ v: 1, op, ...fields })), op);
  }

  /** The error code of a call, or 'OK'. */
  code(op: DmemoOp, fields: Record<string, unknown> = {}): Promise<string> {
    return vaultErrorCode(this.call(op, fields));
  }

  async unlock(create = true): Promise<void> {
    const r = await this.call('unlock', { passphrase: PASS, create });
    this.registration = r.verifier;
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}

/** The body of the spend ledger's last whole record (skv/spend-ledger.ts: an append log of `<body>\nmac=<hex>\n`). */
export function lastLedgerRecord(text: string): unknown {
  const records = [...text.matchAll(/([^\n]*)\nmac=[0-9a-f]{64}\n/g)];
  if (records.length === 0) throw new Error('the spend ledger holds no whole record');
  return JSON.parse(records[records.length - 1]![1]!);
}
