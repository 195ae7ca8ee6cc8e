/**
 * What executing a transaction produced: one trace per action run (each receiver of each action,
 * in execution order), with Antelope's action receipt, console output and return value, shaped
 * after Leap's `action_trace` so the chain API can print them as clients expect.
 */
import type { PermissionLevel } from '../authority.js';

/** An action as the executor runs it (names as strings, data packed). */
export interface ExecAction {
  readonly account: string;
  readonly name: string;
  readonly authorization: readonly PermissionLevel[];
  readonly data: Uint8Array;
}

export interface ActionReceipt {
  receiver: string;
  actDigest: Uint8Array;
  globalSequence: number;
  recvSequence: number;
  /** [actor, sequence] sorted by actor. */
  authSequence: Array<[string, number]>;
  codeSequence: number;
  abiSequence: number;
}

export interface ActionTrace {
  actionOrdinal: number;
  creatorActionOrdinal: number;
  closestUnnotifiedAncestorActionOrdinal: number;
  receiver: string;
  act: ExecAction;
  contextFree: boolean;
  elapsedUs: number;
  console: string;
  returnValue: Uint8Array;
  receipt: ActionReceipt;
  /** RAM charged (+) or refunded (−) per account by this action run. */
  ramDeltas: Array<{ account: string; delta: number }>;
}

export interface TransactionTrace {
  /** Hex transaction id. */
  id: string;
  traces: ActionTrace[];
  elapsedUs: number;
  /** Metered contract CPU units (deterministic). */
  cpuUnits: number;
}
