// The base error: a stable code, a cause, a plain form that survives JSON and structured clone;
// every domain's class extends it and keeps its name, so instanceof and printed names stay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CodedError, codeOf, isCodedError, peerMessage, peerText, MAX_ERROR_MESSAGE_CHARS } from '../../lib/coded-error.js';
import { vaultErrorFrom } from '../../skv/protocol.js';
import { FileLockTimeoutError } from '../../lib/file-lock.js';
import { AntelopeError } from '../../abi/antelope/index.js';
import { BoundaryError, IsaErrorCode } from '../../abi/boundary-errors.js';
import { WitSyntaxError } from '../../isa/generator/wit-parser.js';
import { IsaLoweringError } from '../../isa/generator/lower.js';
import { VaultError } from '../../skv/index.js';
import { ChainError } from '../../dmcs/chain-error.js';
import { ContractError } from '../../dmcs/vm/contract-error.js';
import { DataFolderError } from '../../dmcs/block/data-folder-error.js';
import { NodeClosedError } from '../../dmcs/node.js';
import { HostError } from '../../runtime/errors.js';
import { AppBuildError } from '../../runtime/app-build-error.js';
import { DmcsError } from '../../runtime/dispatch/dmcs-error.js';
import { TransactionServiceError } from '../../runtime/transaction-service/transaction-service-error.js';
import { QueueError } from '../../runtime/offline-queue/queue-error.js';
import { SessionError } from '../../runtime/session/session-error.js';
import { BridgeError } from '../../runtime/host-bridge/bridge-error.js';
import { UsageError } from '../../runtime/cli/command.js';

test("code, message and cause; the plain form carries the cause's plain form", () => {
  const inner = new VaultError('LOCKED', 'locked');
  const outer = new TransactionServiceError('NOT_APPROVED', 'no', { cause: inner });
  assert.is(outer.code, 'NOT_APPROVED');
  assert.is(outer.cause, inner);
  const data = JSON.parse(JSON.stringify(outer));
  assert.equal(data, {
    name: 'TransactionServiceError',
    code: 'NOT_APPROVED',
    message: 'no',
    cause: { name: 'VaultError', code: 'LOCKED', message: 'locked' },
  });
  assert.equal(structuredClone(outer.toJSON()), data);
  const plainCause = new SessionError('BAD_ARGUMENT', 'bad', { cause: new TypeError('t') });
  assert.equal(plainCause.toJSON().cause, { name: 'TypeError', code: '', message: 't' });
  assert.ok(isCodedError(outer, 'NOT_APPROVED'));
  assert.not.ok(isCodedError(outer, 'LOCKED'));
  assert.not.ok(isCodedError(Object.assign(new Error('x'), { code: 'NOT_APPROVED' })));
});

test('codeOf accepts only a code of the table: no prototype names, no other types', () => {
  const list = ['A', 'B'] as const;
  const record = { A: 1, B: 2 };
  for (const codes of [list, record]) {
    assert.is(codeOf(codes, 'A'), 'A');
    for (const bad of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'C', 1, null, undefined, {}])
      assert.is(codeOf(codes, bad), undefined, String(bad));
  }
  assert.is(peerMessage('x'.repeat(MAX_ERROR_MESSAGE_CHARS + 10)).length, MAX_ERROR_MESSAGE_CHARS + 1);
  assert.is(peerMessage(42), '42');
});

test("a peer's value as text never calls it: an object whose toString is not a function, as a structured clone can carry", () => {
  const hostile = structuredClone({ toString: 1, valueOf: 1 });
  assert.throws(() => String(hostile), TypeError);
  assert.is(peerMessage(hostile), '(a value of type object)');
  assert.is(peerText([1]), '(an array)');
  assert.is(peerText(null), 'null');
  assert.is(peerText(undefined), 'undefined');
  assert.is(peerText(7n), '7');
  assert.is(peerText(false), 'false');
  // the receivers that name an unknown code with it
  assert.is(HostError.fromData({ code: hostile, message: hostile } as never).code, 'INTERNAL');
  assert.match(HostError.fromData({ code: hostile, message: 'm' } as never).message, 'unknown code "(a value of type object)"');
  assert.is(vaultErrorFrom({ code: hostile, message: hostile }).code, 'INTERNAL');
});

test('every domain error is a CodedError with its own class name and a code', () => {
  const all: Array<[Error, string, string]> = [
    [new AntelopeError('INVALID_NAME', 'm'), 'AntelopeError', 'INVALID_NAME'],
    [new BoundaryError('BAD_POINTER', 'm'), 'BoundaryError', 'BAD_POINTER'],
    [new WitSyntaxError('f.wit', 3, 'm'), 'WitSyntaxError', 'WIT_SYNTAX'],
    [new IsaLoweringError('m'), 'IsaLoweringError', 'NOT_LOWERABLE'],
    [new VaultError('LOCKED', 'm'), 'VaultError', 'LOCKED'],
    [new ChainError('tx_duplicate', 'm'), 'ChainError', 'tx_duplicate'],
    [new ContractError('abort_called', 'm'), 'ContractError', 'abort_called'],
    [new DataFolderError('DATA_FOLDER_IN_USE', 'm', '/d'), 'DataFolderError', 'DATA_FOLDER_IN_USE'],
    [new NodeClosedError(), 'NodeClosedError', 'NODE_CLOSED'],
    [new HostError('TRAP', 'm'), 'HostError', 'TRAP'],
    [new AppBuildError('COMPILE_ERROR', 'm'), 'AppBuildError', 'COMPILE_ERROR'],
    [new DmcsError('UNREACHABLE', 'm'), 'DmcsError', 'UNREACHABLE'],
    [new TransactionServiceError('REJECTED', 'm'), 'TransactionServiceError', 'REJECTED'],
    [new QueueError('FULL', 'm'), 'QueueError', 'FULL'],
    [new SessionError('NOT_LOGGED_IN', 'm'), 'SessionError', 'NOT_LOGGED_IN'],
    [new BridgeError(IsaErrorCode.NOT_FOUND, 'm'), 'BridgeError', 'NOT_FOUND'],
    [new UsageError('m'), 'UsageError', 'USAGE'],
    [new FileLockTimeoutError('/l', 7, 20), 'FileLockTimeoutError', 'LOCK_TIMEOUT'],
  ];
  for (const [e, name, code] of all) {
    assert.instance(e, CodedError, name);
    assert.instance(e, Error, name);
    assert.is(e.name, name);
    assert.is((e as CodedError).code, code, name);
    assert.ok(String(e).startsWith(`${name}: `), name);
  }
});

test.run();
