/**
 * The per-app daily spend of capped grants, persisted so a restart does not reset today's totals:
 * `$PEEROS_HOME/vault/spend-ledger`, two lines `<body JSON>\nmac=<hex>\n`, the MAC under a key
 * derived from the passphrase and bound to the keystore id. Written atomically after each counted
 * signature (a group of concurrent signatures shares one write). An unauthenticated ledger is refused (KEYSTORE_TAMPERED) rather than trusted; a missing
 * one means nothing was spent yet.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { VaultError } from './error.js';
import type { DailySpend } from './signing-scope.js';

interface LedgerBody {
  version: 1;
  keystoreId: string;
  entries: Record<string, { day: string; units: string; symbol: string; count?: number }>;
}

export class SpendLedger {
  private readonly entries = new Map<string, DailySpend>();

  private constructor(
    private readonly path: string,
    private readonly macKey: Buffer,
    private readonly keystoreId: string,
  ) {}

  static async load(path: string, macKey: Buffer, keystoreId: string): Promise<SpendLedger> {
    const ledger = new SpendLedger(path, macKey, keystoreId);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ledger;
      throw err;
    }
    const m = /^(.*)\nmac=([0-9a-f]{64})\n$/s.exec(text);
    const bad = () =>
      new VaultError(
        'KEYSTORE_TAMPERED',
        `the spend ledger ${path} failed authentication; the daily caps cannot be trusted — restore it, or delete it to restart today's totals at zero`,
      );
    if (!m) throw bad();
    const mac = Buffer.from(m[2]!, 'hex');
    const expected = ledger.mac(m[1]!);
    if (!timingSafeEqual(mac, expected)) throw bad();
    const body = JSON.parse(m[1]!) as LedgerBody;
    if (body.version !== 1 || body.keystoreId !== keystoreId) throw bad();
    for (const [app, e] of Object.entries(body.entries))
      ledger.entries.set(app, {
        day: e.day,
        units: BigInt(e.units),
        symbol: e.symbol,
        ...(e.count !== undefined ? { count: e.count } : {}),
      });
    return ledger;
  }

  private mac(bodyText: string): Buffer {
    return createHmac('sha256', this.macKey).update(bodyText).digest();
  }

  get(app: string): DailySpend | undefined {
    return this.entries.get(app);
  }

  /** Records `spend` in memory; `save` makes it durable. */
  put(app: string, spend: DailySpend): void {
    this.entries.set(app, spend);
  }

  async set(app: string, spend: DailySpend): Promise<void> {
    this.put(app, spend);
    await this.save();
  }

  /** Writes every entry (atomic, synced): one write for any number of `put`s. */
  async save(): Promise<void> {
    const body: LedgerBody = { version: 1, keystoreId: this.keystoreId, entries: {} };
    for (const [a, e] of this.entries)
      body.entries[a] = { day: e.day, units: e.units.toString(), symbol: e.symbol, ...(e.count !== undefined ? { count: e.count } : {}) };
    const text = JSON.stringify(body);
    await writeFileAtomic(this.path, `${text}\nmac=${this.mac(text).toString('hex')}\n`);
  }
}
