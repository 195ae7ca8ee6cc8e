/**
 * eosio.msig written with the PeerOS contract SDK: the same actions, tables and checks as the
 * reference contract (AntelopeIO/reference-contracts), so tools that read eosio.msig's ABI
 * decode it. A proposer stores a transaction and the permissions whose approval it needs; each of
 * them approves (optionally pinning the transaction's hash) or unapproves; `exec` runs the
 * transaction inline once the approvals satisfy its authorizations as the chain would check them
 * (`check_transaction_authorization`, approvals as the only provided permissions). Deploy it on a
 * privileged account: its inline actions carry the proposal's authorizations, not its own.
 *
 *   propose(proposer, proposal_name, requested, trx)   proposer's auth; trx not expired and
 *                                                      satisfiable by `requested`
 *   approve(proposer, proposal_name, level, proposal_hash$)  level's auth; level requested
 *   unapprove(proposer, proposal_name, level)          level's auth; level had approved
 *   cancel(proposer, proposal_name, canceler)          the proposer, or anyone once expired
 *   exec(proposer, proposal_name, executer)            executer's auth; approvals satisfy trx
 *   invalidate(account)                                every approval `account` gave so far stops counting
 *
 * Differences from the reference: no legacy `approvals` table (a chain that starts with this
 * contract never had one), so no "old proposal" rules.
 */
import { Bytes, Name, TimePoint, Checksum256, BinaryExtension, Optional, DataStream, Table, check, requireAuth, requireAuth2, self } from "../../sdk-as/contract/index";
import { current_time, assert_sha256, check_transaction_authorization } from "../../sdk-as/contract/env";
import { PermissionLevel, Transaction, checkNotExpired, nowSeconds, sendActionsInline } from "../shared/transaction";

@table("proposal")
class Proposal {
  @primary proposalName: Name = 0;
  packedTransaction: Bytes = new ArrayBuffer(0);
  /** Set while the approvals satisfy the transaction: the time from which `exec` may run it. */
  earliestExecTime: BinaryExtension<Optional<TimePoint>> = new BinaryExtension<Optional<TimePoint>>(Optional.none<TimePoint>(0));
}

class Approval {
  level: PermissionLevel = new PermissionLevel();
  time: TimePoint = 0;
}

@table("approvals2")
class ApprovalsInfo {
  version: u8 = 1;
  @primary proposalName: Name = 0;
  requestedApprovals: Approval[] = [];
  providedApprovals: Approval[] = [];
}

@table("invals")
class Invalidation {
  @primary account: Name = 0;
  lastInvalidationTime: TimePoint = 0;
}

function now(): TimePoint { return <i64>current_time(); }

function approvalAt(level: PermissionLevel, time: TimePoint): Approval {
  const a = new Approval();
  a.level = level;
  a.time = time;
  return a;
}

function indexOf(list: Approval[], level: PermissionLevel): i32 {
  for (let i = 0; i < list.length; i++) if (list[i].level.same(level)) return i;
  return -1;
}

/** Packed vector<permission_level>, as check_transaction_authorization reads it. */
function packLevels(levels: PermissionLevel[]): DataStream {
  const ds = new DataStream();
  ds.writeVarU32(<u32>levels.length);
  for (let i = 0; i < levels.length; i++) levels[i].pack(ds);
  return ds;
}

/** Whether the chain would accept `packed` signed by exactly the permissions `levels`. */
function authorized(packed: Bytes, levels: PermissionLevel[]): bool {
  const perms = packLevels(levels);
  return check_transaction_authorization(changetype<usize>(packed), <u32>packed.byteLength, 0, 0, perms.ptr, perms.end) > 0;
}

/** The approvals that count: each given after its approver's last `invalidate`. */
function countedApprovals(a: ApprovalsInfo): PermissionLevel[] {
  const invals = Invalidation.table(self());
  const counted: PermissionLevel[] = [];
  for (let i = 0; i < a.providedApprovals.length; i++) {
    const given = a.providedApprovals[i];
    const inv = invals.find(given.level.actor);
    if (inv === null || inv.lastInvalidationTime < given.time) counted.push(given.level);
  }
  return counted;
}

/**
 * The reference's `earliest_exec_time`: set (now + the transaction's delay_sec) when the approvals
 * come to satisfy the transaction, cleared when they stop; `exec` refuses before it.
 */
function updateEarliestExecTime(proposals: Table<Proposal>, p: Proposal, a: ApprovalsInfo, proposer: Name): void {
  const ok = authorized(p.packedTransaction, countedApprovals(a));
  const has = p.earliestExecTime.value.present;
  if (ok == has) return;
  p.earliestExecTime = new BinaryExtension<Optional<TimePoint>>(
    ok ? new Optional<TimePoint>(now() + <i64>unpackTransaction(p.packedTransaction).delaySec * 1000000) : Optional.none<TimePoint>(0),
  );
  proposals.modify(p, proposer);
}

function unpackTransaction(packed: Bytes): Transaction {
  const trx = new Transaction();
  trx.unpack(DataStream.reading(packed));
  return trx;
}

@contract
class Multisig {
  @action("propose")
  propose(proposer: Name, proposalName: Name, requested: PermissionLevel[], trx: Transaction): void {
    requireAuth(proposer);
    checkNotExpired(trx);
    check(trx.contextFreeActions.length == 0, "not allowed to `propose` a transaction with context-free actions");
    const proposals = Proposal.table(proposer);
    check(proposals.find(proposalName) === null, "proposal with the same name exists");
    const ds = new DataStream();
    trx.pack(ds);
    const packed = ds.buffer.slice(0, <i32>ds.end);
    check(authorized(packed, requested), "transaction authorization failed");

    const p = new Proposal();
    p.proposalName = proposalName;
    p.packedTransaction = packed;
    proposals.store(p, proposer);

    const a = new ApprovalsInfo();
    a.proposalName = proposalName;
    for (let i = 0; i < requested.length; i++) a.requestedApprovals.push(approvalAt(requested[i], 0));
    ApprovalsInfo.table(proposer).store(a, proposer);
  }

  @action("approve")
  approve(proposer: Name, proposalName: Name, level: PermissionLevel, proposalHash: BinaryExtension<Checksum256>): void {
    requireAuth2(level.actor, level.permission);
    if (proposalHash.present) {
      const packed = Proposal.table(proposer).get(proposalName, "proposal not found").packedTransaction;
      // crypto_api_exception "hash mismatch", as the reference's assert_sha256
      assert_sha256(changetype<usize>(packed), <u32>packed.byteLength, proposalHash.value.bytes.dataStart);
    }
    const approvals = ApprovalsInfo.table(proposer);
    const a = approvals.get(proposalName, "proposal not found");
    const i = indexOf(a.requestedApprovals, level);
    check(i >= 0, "approval is not on the list of requested approvals");
    a.providedApprovals.push(approvalAt(level, now()));
    a.requestedApprovals.splice(i, 1);
    approvals.modify(a, proposer);
    const proposals = Proposal.table(proposer);
    updateEarliestExecTime(proposals, proposals.get(proposalName, "proposal not found"), a, proposer);
  }

  @action("unapprove")
  unapprove(proposer: Name, proposalName: Name, level: PermissionLevel): void {
    requireAuth2(level.actor, level.permission);
    const approvals = ApprovalsInfo.table(proposer);
    const a = approvals.get(proposalName, "proposal not found");
    const i = indexOf(a.providedApprovals, level);
    check(i >= 0, "no approval previously granted");
    a.requestedApprovals.push(approvalAt(level, now()));
    a.providedApprovals.splice(i, 1);
    approvals.modify(a, proposer);
    const proposals = Proposal.table(proposer);
    updateEarliestExecTime(proposals, proposals.get(proposalName, "proposal not found"), a, proposer);
  }

  @action("cancel")
  cancel(proposer: Name, proposalName: Name, canceler: Name): void {
    requireAuth(canceler);
    const proposals = Proposal.table(proposer);
    const p = proposals.get(proposalName, "proposal not found");
    if (canceler != proposer) {
      check(unpackTransaction(p.packedTransaction).expiration < nowSeconds(), "cannot cancel until expiration");
    }
    proposals.erase(proposalName);
    ApprovalsInfo.table(proposer).erase(proposalName);
  }

  @action("exec")
  exec(proposer: Name, proposalName: Name, executer: Name): void {
    requireAuth(executer);
    const proposals = Proposal.table(proposer);
    const p = proposals.get(proposalName, "proposal not found");
    const trx = unpackTransaction(p.packedTransaction);
    checkNotExpired(trx);
    check(trx.contextFreeActions.length == 0, "not allowed to `exec` a transaction with context-free actions");

    const approvals = ApprovalsInfo.table(proposer);
    const a = approvals.get(proposalName, "proposal not found");
    check(authorized(p.packedTransaction, countedApprovals(a)), "transaction authorization failed");
    const earliest = p.earliestExecTime.value;
    if (earliest.present) check(earliest.value <= now(), "too early to execute");
    sendActionsInline(trx, "exec");
    proposals.erase(proposalName);
    approvals.erase(proposalName);
  }

  @action("invalidate")
  invalidate(account: Name): void {
    requireAuth(account);
    const invals = Invalidation.table(self());
    const row = invals.find(account);
    if (row === null) {
      const r = new Invalidation();
      r.account = account;
      r.lastInvalidationTime = now();
      invals.store(r, account);
    } else {
      row.lastInvalidationTime = now();
      invals.modify(row, account);
    }
  }
}

