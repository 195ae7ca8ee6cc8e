/** The bounds of `peeros agent`'s wallet API (wallet-agent.ts, commands/agent.ts): each value says why. */

/** Wallet API requests carry one transaction: 1 MiB is far above any Antelope transaction. */
export const MAX_REQUEST_BYTES = 1 << 20;

/**
 * sign_transaction requests waiting for the user's approval behind the one being asked. Approvals are
 * asked one at a time (two prompts at once shared one terminal answer: a single "y" signed 906 of
 * 1,000 concurrent requests); a tool signs one transaction at a time, a few scripts at once fit in 8,
 * and a process sending more gets `wallet_busy_exception` at once instead of queueing prompts.
 */
export const MAX_PENDING_SIGNS = 8;
