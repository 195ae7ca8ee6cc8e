/**
 * eosio.wrap written with the PeerOS contract SDK: governance's way to act as any account.
 * `exec(executer, trx)` needs this contract's own authority (on a governed chain its permissions
 * are `eosio.prods@active`, so 15 of 21 producers through eosio.msig) and the executer's, then
 * sends the transaction's actions inline with whatever authorizations they name; deploy it on a
 * privileged account. As in the reference contract (AntelopeIO/reference-contracts) the actions run
 * now, inline: Leap 5 has no deferred transactions.
 */
import { Name, requireAuth, self } from "../../sdk-as/contract/index";
import { Transaction, checkNotExpired, sendActionsInline } from "../shared/transaction";

@contract
class Wrap {
  @action("exec")
  exec(executer: Name, trx: Transaction): void {
    requireAuth(self());
    requireAuth(executer);
    checkNotExpired(trx);
    sendActionsInline(trx, "exec");
  }
}
