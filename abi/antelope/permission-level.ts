/**
 * Antelope `permission_level`: an account and one of its permissions (`alice@active`).
 * JSON `{ "actor": "alice", "permission": "active" }`; binary name ‖ name.
 */
import { AntelopeError, describe } from './error.js';
import { Name, type NameType } from './name.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export type PermissionLevelType = PermissionLevel | { actor: NameType; permission: NameType } | string;

export class PermissionLevel {
  readonly actor: Name;
  readonly permission: Name;
  constructor(actor: NameType, permission: NameType) {
    this.actor = Name.from(actor);
    this.permission = Name.from(permission);
  }
  /** From an object, or the `actor@permission` shorthand. */
  static from(value: PermissionLevelType): PermissionLevel {
    if (value instanceof PermissionLevel) return value;
    if (typeof value === 'string') {
      const at = value.indexOf('@');
      if (at < 0) throw new AntelopeError('INVALID_VALUE', `permission_level: expected "actor@permission", got ${describe(value)}`);
      return new PermissionLevel(value.slice(0, at), value.slice(at + 1));
    }
    if (typeof value !== 'object' || value === null) {
      throw new AntelopeError('INVALID_VALUE', `permission_level: expected { actor, permission }, got ${describe(value)}`);
    }
    return new PermissionLevel(value.actor, value.permission);
  }
  static decode(r: BinaryReader): PermissionLevel {
    return new PermissionLevel(Name.decode(r), Name.decode(r));
  }
  equals(other: PermissionLevelType): boolean {
    const o = PermissionLevel.from(other);
    return o.actor.equals(this.actor) && o.permission.equals(this.permission);
  }
  toString(): string {
    return `${this.actor}@${this.permission}`;
  }
  toJSON(): { actor: string; permission: string } {
    return { actor: this.actor.toString(), permission: this.permission.toString() };
  }
  encode(w: BinaryWriter): void {
    this.actor.encode(w);
    this.permission.encode(w);
  }
}
