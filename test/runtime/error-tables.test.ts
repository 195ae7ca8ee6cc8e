// Every domain's table from its codes to ISA codes is total (one entry per code, nothing else) and
// lands on a real ISA error-code; the bridge picks the table by class and never by message text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IsaErrorCode, BOUNDARY_ERROR_CODES, BOUNDARY_ISA_CODES, BoundaryError } from '../../abi/boundary-errors.js';
import { ANTELOPE_ERROR_CODES, ANTELOPE_ISA_CODES, AntelopeError } from '../../abi/antelope/index.js';
import { CodedError } from '../../lib/coded-error.js';
import { FileLockTimeoutError } from '../../lib/file-lock.js';
import { VAULT_ERROR_CODES, VAULT_ISA_CODES, VaultError } from '../../skv/index.js';
import { ANTELOPE_CHAIN_EXCEPTIONS, CHAIN_EXCEPTIONS, ChainError, toChainError } from '../../dmcs/chain-error.js';
import { CONTRACT_ERROR_CODES, ContractError } from '../../dmcs/vm/contract-error.js';
import { HOST_ERROR_CODES, HOST_ISA_CODES, BOUNDARY_HOST_CODES, HostError } from '../../runtime/errors.js';
import { DMCS_ERROR_CODES, DMCS_ISA_CODES, REJECTED_ISA_CODES, DmcsError } from '../../runtime/dispatch/dmcs-error.js';
import {
  TRANSACTION_SERVICE_ERROR_CODES,
  TRANSACTION_SERVICE_ISA_CODES,
  VAULT_SIGN_REFUSALS,
  TransactionServiceError,
} from '../../runtime/transaction-service/transaction-service-error.js';
import { QUEUE_ERROR_CODES, QUEUE_ISA_CODES, QueueError } from '../../runtime/offline-queue/queue-error.js';
import { SESSION_ERROR_CODES, SESSION_ISA_CODES, SessionError } from '../../runtime/session/session-error.js';
import { BridgeError, FILE_LOCK_ISA_CODES, toBridgeError } from '../../runtime/host-bridge/bridge-error.js';
import { antelopeErrorFrom } from '../../runtime/dispatch/chain-reply.js';

const ISA_VALUES = new Set<number>(Object.values(IsaErrorCode));

const TABLES: Array<[string, readonly string[], Record<string, number>, (code: string) => Error]> = [
  ['BoundaryError', BOUNDARY_ERROR_CODES, BOUNDARY_ISA_CODES, (c) => new BoundaryError(c as never, 'm')],
  ['AntelopeError', ANTELOPE_ERROR_CODES, ANTELOPE_ISA_CODES, (c) => new AntelopeError(c as never, 'm')],
  ['VaultError', VAULT_ERROR_CODES, VAULT_ISA_CODES, (c) => new VaultError(c as never, 'm')],
  ['HostError', HOST_ERROR_CODES, HOST_ISA_CODES, (c) => new HostError(c as never, 'm')],
  ['DmcsError', DMCS_ERROR_CODES, DMCS_ISA_CODES, (c) => new DmcsError(c as never, 'm')],
  [
    'TransactionServiceError',
    TRANSACTION_SERVICE_ERROR_CODES,
    TRANSACTION_SERVICE_ISA_CODES,
    (c) => new TransactionServiceError(c as never, 'm'),
  ],
  ['QueueError', QUEUE_ERROR_CODES, QUEUE_ISA_CODES, (c) => new QueueError(c as never, 'm')],
  ['SessionError', SESSION_ERROR_CODES, SESSION_ISA_CODES, (c) => new SessionError(c as never, 'm')],
  ['FileLockTimeoutError', ['LOCK_TIMEOUT'], FILE_LOCK_ISA_CODES, () => new FileLockTimeoutError('/x', 1, 5)],
];

for (const [name, codes, table] of TABLES) {
  test(`${name}: the ISA table has exactly one entry per code, each a valid ISA error-code`, () => {
    assert.equal(Object.keys(table).sort(), [...codes].sort());
    assert.is(new Set(codes).size, codes.length, 'codes are unique');
    for (const c of codes) assert.ok(ISA_VALUES.has(table[c]!), `${name}.${c} → ${table[c]}`);
  });
}

test('toBridgeError maps every code of every domain by its table, keeping class, code and message as cause', () => {
  for (const [name, codes, table, make] of TABLES) {
    for (const c of codes) {
      const err = make(c);
      assert.instance(err, CodedError, name);
      assert.is(err.name, name);
      const b = toBridgeError(err);
      assert.instance(b, BridgeError, `${name}.${c}`);
      assert.is((b as BridgeError).isaCode, table[c], `${name}.${c}`);
      assert.is((b as BridgeError).cause, err);
    }
  }
});

test("a DMCS refusal is not-found by the chain's exception name, whatever the message says", () => {
  const isa = (antelopeName: string, message: string) =>
    (toBridgeError(DmcsError.rejected('d', antelopeName, message)) as BridgeError).isaCode;
  assert.is(isa('account_query_exception', 'unknown key (account bob does not exist)'), IsaErrorCode.NOT_FOUND);
  assert.is(isa('permission_query_exception', 'anything'), IsaErrorCode.NOT_FOUND);
  assert.is(isa('tx_duplicate', 'this text says does not exist'), IsaErrorCode.INVALID_ARGUMENT);
  assert.is(isa('constructor', 'does not exist'), IsaErrorCode.INVALID_ARGUMENT);
  for (const [n, code] of Object.entries(REJECTED_ISA_CODES)) {
    assert.ok(Object.hasOwn(CHAIN_EXCEPTIONS, n), n);
    assert.ok(ISA_VALUES.has(code!), n);
  }
});

test('Leap\'s generic exception with an `unknown key` detail (its "no such account") is not-found; other generic ones are not', () => {
  const leap = (detail: string) =>
    antelopeErrorFrom('d', {
      code: 500,
      message: 'Internal Service Error',
      error: { code: 0, name: 'exception', what: 'unspecified', details: [{ message: detail }] },
    })!;
  assert.is((toBridgeError(leap('unknown key (eosio::chain::name): nobody')) as BridgeError).isaCode, IsaErrorCode.NOT_FOUND);
  assert.is((toBridgeError(leap('something else')) as BridgeError).isaCode, IsaErrorCode.INVALID_ARGUMENT);
});

test('an unknown error stays untyped (the app hears internal); a plain Error named like a domain error is not one', () => {
  const fake = Object.assign(new Error('the offline queue is full'), { name: 'QueueError', code: 'FULL' });
  assert.is(toBridgeError(fake), fake);
  const plain = new Error('x');
  assert.is(toBridgeError(plain), plain);
});

test('vault refusals of a push: a total table, SCOPE_DENIED is a denied capability, the rest not approved', () => {
  assert.equal(Object.keys(VAULT_SIGN_REFUSALS).sort(), [...VAULT_ERROR_CODES].sort());
  assert.is(VAULT_SIGN_REFUSALS.SCOPE_DENIED, 'CAPABILITY_DENIED');
  for (const c of VAULT_ERROR_CODES) if (c !== 'SCOPE_DENIED') assert.is(VAULT_SIGN_REFUSALS[c], 'NOT_APPROVED', c);
});

test('cross-domain tables are total: Antelope → chain exception, boundary → host, contract VM → chain', () => {
  assert.equal(Object.keys(ANTELOPE_CHAIN_EXCEPTIONS).sort(), [...ANTELOPE_ERROR_CODES].sort());
  for (const c of ANTELOPE_ERROR_CODES) {
    const e = toChainError(new AntelopeError(c, 'm'));
    assert.is(e.code, ANTELOPE_CHAIN_EXCEPTIONS[c]);
    assert.ok(Object.hasOwn(CHAIN_EXCEPTIONS, e.code));
  }
  assert.is(ANTELOPE_CHAIN_EXCEPTIONS.DECODE_EOF, 'unpack_exception');
  assert.is(ANTELOPE_CHAIN_EXCEPTIONS.COMPRESSION, 'tx_decompression_error');
  assert.equal(Object.keys(BOUNDARY_HOST_CODES).sort(), [...BOUNDARY_ERROR_CODES].sort());
  for (const c of BOUNDARY_ERROR_CODES) assert.ok(HOST_ERROR_CODES.includes(BOUNDARY_HOST_CODES[c]), c);
  for (const [c, n] of Object.entries(CONTRACT_ERROR_CODES)) {
    const e = toChainError(new ContractError(c as keyof typeof CONTRACT_ERROR_CODES, 'm'));
    assert.instance(e, ChainError);
    assert.is(e.code, c);
    assert.is(e.antelopeCode, n, `${c}: the VM and the chain agree on the number`);
  }
  assert.is(toChainError(Object.assign(new Error('m'), { antelopeName: 'constructor' })).code, 'transaction_exception');
});

test.run();
