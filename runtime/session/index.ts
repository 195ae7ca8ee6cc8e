/**
 * The single account model: `login` proves control of an account against its authority on the
 * DMCS and persists the session; `ual` and the transaction service read it. See docs/hybrid-layers.md.
 */
export { login, verifyLoginProof, checkAccountName, type LoginOptions } from './login.js';
export { loginChallenge, LOGIN_TAG, LOGIN_CONTRACT, type LoginChallenge } from './login-challenge.js';
export { readSession, requireSession, writeSession, clearSession, sessionPath, type Session } from './session-file.js';
export { loadPermissionTree, satisfyingKeys, PermissionTree, type AccountSource } from './authority-resolver.js';
export { SessionError, isSessionError, type SessionErrorCode } from './session-error.js';
export * as sessionLimits from './limits.js';
