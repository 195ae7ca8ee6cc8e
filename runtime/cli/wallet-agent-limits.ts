/** The bounds of `peeros agent`'s wallet API (wallet-agent.ts, commands/agent.ts): each value says why. */

/** Wallet API requests carry one transaction: 1 MiB is far above any Antelope transaction. */
export const MAX_REQUEST_BYTES = 1 << 20;
/**
 * Bytes of a refused request's body read and dropped after its answer (413 past MAX_REQUEST_BYTES,
 * 401, …), so that a client writing its whole request before reading the answer gets it: closing
 * at once gave cleos-like clients EPIPE or a reset instead. 16 MiB covers any body a tool sends by
 * mistake and costs the agent about 10 ms of reading on loopback; past it the connection is closed.
 */
export const MAX_DISCARDED_BYTES = 16 << 20;

/**
 * sign_transaction requests waiting for the user's approval behind the one being asked. Approvals are
 * asked one at a time (two prompts at once shared one terminal answer: a single "y" signed 906 of
 * 1,000 concurrent requests); a tool signs one transaction at a time, a few scripts at once fit in 8,
 * and a process sending more gets `wallet_busy_exception` at once instead of queueing prompts.
 */
export const MAX_PENDING_SIGNS = 8;

/**
 * Connections open at once on each listener (Unix socket, loopback TCP). Any local user can connect
 * to the TCP port: before, 1,200 silent sockets without the token took all 1,024 descriptors of the
 * agent, for ever, and the user's own cleos got EPIPE. Past it, a new connection closes the oldest
 * one not serving a request that showed the token (lib/connection-limit.ts). cleos and the wharfkit
 * plugin open one connection a call; 16 leaves room for several tools at once.
 */
export const MAX_AGENT_CONNECTIONS = 16;
/** A request's headers must arrive within 10 s of its first byte, as the console's and chain API's. */
export const AGENT_HEADERS_TIMEOUT_MS = 10_000;
/** A whole request body (at most MAX_REQUEST_BYTES) within 30 s; the wait for the user's approval is not counted. */
export const AGENT_REQUEST_TIMEOUT_MS = 30_000;
/** Idle keep-alive connections close after Node's 5 s, said here so it is one decision. */
export const AGENT_KEEP_ALIVE_MS = 5_000;

/**
 * Actions (context-free ones included) of one sign_transaction. Each is shown to the user (about 3
 * lines) and each contract's ABI is fetched from the chain: a 1 MiB request held 7,900 actions of
 * 7,900 contracts (16,000 prompt lines for 700 KB, one hostile action hidden among them, and a
 * chain lookup each). 100 actions is about 300 lines, the most a person can review in one prompt;
 * a tool sending more splits them into several transactions.
 */
export const MAX_SIGN_ACTIONS = 100;
