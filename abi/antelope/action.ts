/**
 * Antelope `action`: the contract account, the action name, the authorizations and the action's
 * arguments serialized with the contract's ABI. JSON `data` is hex; `Action.from` also takes the
 * arguments as an object together with the ABI and serializes them.
 */
import { AntelopeError, describe } from './error.js';
import { Name, type NameType } from './name.js';
import { PermissionLevel, type PermissionLevelType } from './permission-level.js';
import { bytesEqual, bytesToHex, hexToBytes } from './bytes.js';
import { AbiSerializer } from './abi-serializer.js';
import type { AbiType } from './abi-def.js';
import { encodeWith, type BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export interface ActionFields {
  account: NameType;
  name: NameType;
  authorization: PermissionLevelType[];
  /** Serialized arguments (bytes or hex), or the arguments as an object when an ABI is given. */
  data: Uint8Array | string | Record<string, unknown>;
  /** Serialized arguments as Leap's chain API prints them next to decoded `data`; used when given. */
  hex_data?: string;
}

export type ActionType = Action | ActionFields;

export class Action {
  readonly account: Name;
  readonly name: Name;
  readonly authorization: PermissionLevel[];
  readonly data: Uint8Array;

  constructor(account: Name, name: Name, authorization: PermissionLevel[], data: Uint8Array) {
    this.account = account;
    this.name = name;
    this.authorization = authorization;
    this.data = data;
  }

  /** Normalise; object `data` is serialized with `abi` (the contract's ABI or a serializer). */
  static from(value: ActionType, abi?: AbiType | AbiSerializer): Action {
    if (value instanceof Action) return value;
    if (typeof value !== 'object' || value === null)
      throw new AntelopeError('INVALID_VALUE', `action: expected an object, got ${describe(value)}`);
    const account = Name.from(value.account);
    const name = Name.from(value.name);
    if (!Array.isArray(value.authorization)) {
      throw new AntelopeError('INVALID_VALUE', `expected an array, got ${describe(value.authorization)}`, 'action.authorization');
    }
    const auth = value.authorization.map((a) => PermissionLevel.from(a));
    let data: Uint8Array;
    if (typeof value.hex_data === 'string') data = hexToBytes(value.hex_data, 'action.hex_data');
    else if (value.data instanceof Uint8Array) data = value.data;
    else if (typeof value.data === 'string') data = hexToBytes(value.data, 'action.data');
    else {
      if (!abi)
        throw new AntelopeError('INVALID_VALUE', `action ${account}::${name}: data is an object, so an ABI is needed to serialize it`);
      const s = abi instanceof AbiSerializer ? abi : AbiSerializer.for(abi);
      data = s.encodeAction(name, value.data);
    }
    return new Action(account, name, auth, data);
  }

  static decode(r: BinaryReader): Action {
    const account = Name.decode(r);
    const name = Name.decode(r);
    const n = r.varuint32();
    if (n * 16 > r.remaining) throw new AntelopeError('DECODE_INVALID', `action: ${n} authorizations do not fit in ${r.remaining} byte(s)`);
    const auth: PermissionLevel[] = new Array(n);
    for (let i = 0; i < n; i++) auth[i] = PermissionLevel.decode(r);
    return new Action(account, name, auth, r.bytes());
  }

  /** The arguments decoded with the contract's ABI. */
  decodeData(abi: AbiType | AbiSerializer): unknown {
    const s = abi instanceof AbiSerializer ? abi : AbiSerializer.for(abi);
    return s.decodeAction(this.name, this.data);
  }

  equals(other: ActionType): boolean {
    const o = Action.from(other);
    return (
      o.account.equals(this.account) &&
      o.name.equals(this.name) &&
      o.authorization.length === this.authorization.length &&
      o.authorization.every((a, i) => a.equals(this.authorization[i]!)) &&
      bytesEqual(o.data, this.data)
    );
  }

  toJSON(): { account: string; name: string; authorization: { actor: string; permission: string }[]; data: string } {
    return {
      account: this.account.toString(),
      name: this.name.toString(),
      authorization: this.authorization.map((a) => a.toJSON()),
      data: bytesToHex(this.data),
    };
  }

  encode(w: BinaryWriter): void {
    this.account.encode(w);
    this.name.encode(w);
    w.varuint32(this.authorization.length);
    for (const a of this.authorization) a.encode(w);
    w.bytes(this.data);
  }

  toBinary(): Uint8Array {
    return encodeWith((w) => this.encode(w));
  }
}
