/**
 * `peeros node`'s log, shaped like nodeos's so people and scripts that read nodeos logs read it:
 * one line per produced or received block (`Produced block <id prefix>... #N @ <block time> signed
 * by <producer> [trxs: N]`), errors with their Antelope exception names, a level filter
 * (`--log-level`) and one JSON object a line instead (`--log-json`). Lines go to stderr; stdout
 * keeps the start-up facts (and `--json`'s document).
 */
import { BLOCK_INTERVAL_MS, BLOCK_TIMESTAMP_EPOCH_MS, bytesToHex } from '../../abi/antelope/index.js';
import { CodedError } from '../../lib/coded-error.js';
import { terminalText } from '../../lib/terminal-text.js';
import { LOG_LEVELS, type LogLevel } from './log-levels.js';

export { LOG_LEVELS, type LogLevel };

export interface BlockFacts {
  num: number;
  id: Uint8Array;
  producer: string;
  /** block_timestamp_type slot. */
  timestamp: number;
  transactions: number;
  /** Sealed here (a producer), or received from the producer (a replica). */
  produced: boolean;
}

/** How many hex digits of the block id the text line shows, as nodeos does. */
const ID_PREFIX_CHARS = 16;

export class NodeLog {
  readonly #write: (line: string) => void;
  readonly #min: number;
  readonly #json: boolean;

  constructor(write: (line: string) => void, opts: { level?: LogLevel; json?: boolean } = {}) {
    this.#write = write;
    this.#min = LOG_LEVELS.indexOf(opts.level ?? 'info');
    this.#json = opts.json === true;
  }

  #emit(level: LogLevel, source: string, text: string, fields: Record<string, unknown>): void {
    if (LOG_LEVELS.indexOf(level) < this.#min) return;
    const time = new Date().toISOString().replace('Z', '');
    if (this.#json) this.#write(JSON.stringify({ level, time, source, ...fields }));
    else this.#write(`${level.padEnd(5)} ${time} nodeos    ${source.padEnd(16)} ] ${text}`);
  }

  block(b: BlockFacts): void {
    const id = bytesToHex(b.id);
    const at = new Date(BLOCK_TIMESTAMP_EPOCH_MS + b.timestamp * BLOCK_INTERVAL_MS).toISOString().replace('Z', '');
    const verb = b.produced ? 'Produced' : 'Received';
    this.#emit(
      'info',
      b.produced ? 'producer_plugin' : 'net_plugin',
      `${verb} block ${id.slice(0, ID_PREFIX_CHARS)}... #${b.num} @ ${at} signed by ${b.producer} [trxs: ${b.transactions}]`,
      {
        event: b.produced ? 'produced_block' : 'received_block',
        num: b.num,
        id,
        producer: b.producer,
        time_of_block: at,
        trxs: b.transactions,
      },
    );
  }

  /** An error, by its Antelope exception name when it has one (ChainError's code is that name). */
  error(err: unknown): void {
    const name = err instanceof CodedError ? String(err.code) : err instanceof Error ? err.name : 'error';
    const message = err instanceof Error ? err.message : String(err);
    this.#emit('error', 'controller', `${name}: ${terminalText(message)}`, { event: 'error', name, message });
  }

  info(text: string): void {
    this.#emit('info', 'main', terminalText(text), { event: 'info', message: text });
  }
}
