// Minimal types for hypercore 11 (the package ships none): only what the node's block log uses.
declare module 'hypercore' {
  import type { EventEmitter } from 'node:events';
  export interface HypercoreGetOptions {
    wait?: boolean;
    timeout?: number;
    valueEncoding?: string;
  }
  export default class Hypercore extends EventEmitter {
    /** The key of a core signed by `publicKey` alone (the hash of its default manifest): what a writer's core key commits to. */
    static key(publicKey: Buffer): Buffer;
    readonly length: number;
    readonly byteLength: number;
    readonly contiguousLength: number;
    readonly key: Buffer | null;
    readonly discoveryKey: Buffer | null;
    readonly writable: boolean;
    readonly closed: boolean;
    /** The fork id: grows each time the writer truncates the core. */
    readonly fork: number;
    ready(): Promise<void>;
    close(): Promise<void>;
    append(blocks: Uint8Array | Uint8Array[]): Promise<{ length: number; byteLength: number }>;
    get(index: number, opts?: HypercoreGetOptions): Promise<Buffer | null>;
    has(start: number, end?: number): Promise<boolean>;
    truncate(newLength?: number): Promise<void>;
    /** The hash of the core's Merkle roots at `length` (default: its length now). */
    treeHash(length?: number): Promise<Buffer>;
    /** Deletes blocks [start, end) from local storage (the tree stays). */
    clear(start: number, end?: number): Promise<unknown>;
    /** Closes every session of the core and deletes it from storage. */
    purge(): Promise<void>;
    update(opts?: { wait?: boolean }): Promise<boolean>;
    download(range?: { start?: number; end?: number; linear?: boolean }): { done(): Promise<void>; destroy(): void };
    replicate(isInitiatorOrStream: boolean | NodeJS.ReadWriteStream, opts?: object): NodeJS.ReadWriteStream;
    /** The writer's key pair (libsodium's 64-byte secret key) on a writable core; a replica has only the public half. */
    readonly keyPair: { publicKey: Buffer; secretKey: Buffer | null } | null;
    /** The peers replicating this core now (one per open channel). */
    readonly peers: HypercorePeer[];
    /** A named extension message on this core's channels (raw bytes by default). */
    registerExtension(name: string, handlers?: { onmessage?: (message: Buffer, peer: HypercorePeer) => void }): HypercoreExtension;
  }
  export interface HypercorePeer {
    /** The connection's encrypted stream: its Noise handshake hash is the same on both ends. */
    readonly stream: { readonly handshakeHash: Buffer | null };
    /** Messages of this peer hypercore is still verifying and writing (internal; they land even after the peer left). */
    readonly dataProcessing: number;
  }
  export interface HypercoreExtension {
    send(message: Uint8Array, peer: HypercorePeer): void;
    destroy(): void;
  }
}
