/**
 * The transaction service: apps' pushes become signed, dispatched (or queued) transactions; user
 * transactions (accounts, deployments); session grants with limits. See docs/hybrid-layers.md.
 */
export { TransactionService, type PushRequest, type PushOutcome, type TransactionServiceOptions } from './transaction-service.js';
export { TransactionServiceError, type TransactionServiceErrorCode } from './transaction-service-error.js';
export { buildTransaction, pushBody, type ChainHead, type UnsignedTransaction } from './transaction-builder.js';
export { renderConfirmation, type AppIdentity, type DecodedAction } from './confirmation.js';
export { checkActionsGranted, checkAmountGranted, movedAmounts } from './push-scope.js';
export { AbiSource } from './abi-source.js';
export { pickKeys } from './key-picker.js';
export { submitUserTransaction, type UserTransactionResult } from './user-transaction.js';
export { deployContract, deployContractBytes, MAX_CODE_BYTES, MAX_ABI_BYTES } from './contract-deployer.js';
export { createAccount, type CreateAccountOptions } from './account-creator.js';
export { SessionGrantStore, validateSessionGrant, parsePeriod, SESSION_GRANTS_FILE, type SessionGrant } from './session-grants.js';
export { GrantPolicyVerifier } from './grant-policy-verifier.js';
export { signingGrantFor, installSigningGrant } from './app-signing-grant.js';
export * as transactionLimits from './limits.js';
export { sealRequestOf, sealText, openText, SEALED_VERSION, MAX_SEALED_TEXT_BYTES } from './sealed-fields.js';
export { HostText } from './confirmation.js';
