/**
 * dBox's contract: files shared between accounts, each stored only as bytes sealed for the
 * recipient (the vault seals them end to end; this contract never sees a file's content). A share
 * lives in the recipient's scope of the `shares` table until the sender revokes it.
 *
 *   share(from, to, path, sealed)   require_auth(from); `to` exists and is not `from`;
 *                                   path 1..256 bytes; sealed 1..4200 bytes
 *   unshare(from, to, id)           require_auth(from); only the share's sender may revoke it
 */
import { Bytes, Name, TimePointSec, check, requireAuth, isAccount, requireRecipient } from "../../../sdk-as/contract/index";
import { current_time } from "../../../sdk-as/contract/env";

/** A sealed share: 4 KiB of content plus the keys, nonce and tag around it (the vault's message limit). */
const MAX_SEALED_BYTES = 4200;
/** The fs path limit (runtime/limits.ts MAX_FS_PATH_BYTES). */
const MAX_PATH_BYTES = 256;

@table("shares")
class ShareRow {
  @primary id: u64 = 0;
  from: Name = 0;
  path: string = "";
  sealed: Bytes = new ArrayBuffer(0);
  sent: TimePointSec = 0;
}

@contract
class DBox {
  @action("share")
  share(from: Name, to: Name, path: string, sealed: Bytes): void {
    requireAuth(from);
    check(from != to, "cannot share with yourself");
    check(isAccount(to), "recipient account does not exist");
    const n = String.UTF8.byteLength(path);
    check(n > 0 && n <= MAX_PATH_BYTES, "a shared path has 1 to 256 bytes");
    check(sealed.byteLength > 0 && sealed.byteLength <= MAX_SEALED_BYTES, "a sealed file has 1 to 4200 bytes");
    const last = ShareRow.table(to).last();
    const row = new ShareRow();
    row.id = last === null ? 1 : last.id + 1;
    row.from = from;
    row.path = path;
    row.sealed = sealed;
    row.sent = <u32>(current_time() / 1000000);
    ShareRow.table(to).store(row, from);
    requireRecipient(to);
  }

  @action("unshare")
  unshare(from: Name, to: Name, id: u64): void {
    requireAuth(from);
    const row = ShareRow.table(to).get(id, "no such share");
    check(row.from == from, "only the sender may revoke a share");
    ShareRow.table(to).erase(id);
  }
}
