// Minimal types for corestore 7 (the package ships none): named hypercores in one directory.
declare module 'corestore' {
  import type Hypercore from 'hypercore';
  export interface CorestoreGetOptions {
    name?: string;
    key?: Uint8Array;
    valueEncoding?: string;
    exclusive?: boolean;
  }
  /** hypercore-storage 3's CorestoreStorage, as far as the block log uses it. */
  export interface CorestoreStorage {
    /** The RocksDB column family session the cores are written to. */
    db: { flush(): Promise<void> };
  }
  export default class Corestore {
    constructor(storage: string, opts?: object);
    readonly storage: CorestoreStorage;
    ready(): Promise<void>;
    close(): Promise<void>;
    get(opts: CorestoreGetOptions | Uint8Array): Hypercore;
    namespace(name: string): Corestore;
    /** The discovery keys of every core in the store. */
    list(namespace?: Uint8Array): AsyncIterable<Buffer>;
    /** What the store keeps of a core to open it: its key, and its key pair when this host can write it. */
    getAuth(discoveryKey: Uint8Array): Promise<{ key: Buffer; keyPair: { publicKey: Buffer; secretKey: Buffer | null } | null } | null>;
    replicate(isInitiatorOrStream: boolean | NodeJS.ReadWriteStream, opts?: object): NodeJS.ReadWriteStream;
  }
}
