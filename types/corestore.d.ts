// Minimal types for corestore 7 (the package ships none): named hypercores in one directory.
declare module 'corestore' {
  import type Hypercore from 'hypercore';
  export interface CorestoreGetOptions {
    name?: string;
    key?: Uint8Array;
    valueEncoding?: string;
    exclusive?: boolean;
  }
  export default class Corestore {
    constructor(storage: string, opts?: object);
    ready(): Promise<void>;
    close(): Promise<void>;
    get(opts: CorestoreGetOptions | Uint8Array): Hypercore;
    namespace(name: string): Corestore;
    replicate(isInitiatorOrStream: boolean | NodeJS.ReadWriteStream, opts?: object): NodeJS.ReadWriteStream;
  }
}
