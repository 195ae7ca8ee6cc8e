/**
 * Contract ABIs fetched from the DMCS (get_abi), as serializers, reused for `ABI_REUSE_MS`. While
 * the DMCS is unreachable the last ABI fetched is used however old (the offline queue still needs
 * transactions encoded and confirmations rendered). `eosio` uses the built-in native ABI.
 */
import { Abi, AbiSerializer, eosioSerializer } from '../../abi/antelope/index.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import { DmemoServiceError } from './dmemo-service-error.js';
import { ABI_REUSE_MS } from './limits.js';

export type AbiFetcher = (account: string) => Promise<Record<string, unknown>>;

export class AbiSource {
  readonly #fetch: AbiFetcher;
  readonly #now: () => number;
  readonly #cache = new Map<string, { s: AbiSerializer; at: number }>();

  constructor(fetch: AbiFetcher, now: () => number = Date.now) {
    this.#fetch = fetch;
    this.#now = now;
  }

  async serializer(account: string): Promise<AbiSerializer> {
    if (account === 'eosio') return eosioSerializer();
    const hit = this.#cache.get(account);
    if (hit && this.#now() - hit.at < ABI_REUSE_MS) return hit.s;
    let reply: Record<string, unknown>;
    try {
      reply = await this.#fetch(account);
    } catch (err) {
      if (hit && err instanceof DmcsError && err.code === 'UNREACHABLE') return hit.s;
      if (err instanceof DmcsError && err.code === 'UNREACHABLE') {
        throw new DmemoServiceError('UNAVAILABLE', `the ABI of ${account} is needed to encode the action, and the DMCS is unreachable (${err.message})`, { cause: err });
      }
      if (err instanceof DmcsError && err.code === 'REJECTED') {
        throw new DmemoServiceError('BAD_ACTIONS', `contract account '${account}' does not exist on this DMCS`, { cause: err });
      }
      throw err;
    }
    if (!reply.abi) throw new DmemoServiceError('BAD_ACTIONS', `account '${account}' has no contract ABI on this DMCS (is the contract deployed?)`);
    const s = new AbiSerializer(Abi.from(reply.abi as Parameters<typeof Abi.from>[0]));
    this.#cache.set(account, { s, at: this.#now() });
    return s;
  }
}
