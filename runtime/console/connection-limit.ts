/**
 * The console's connection bounds (enforced by lib/connection-limit.ts). Before, thousands of idle
 * connections filled the host's descriptor table (4,200 filled a 4,096-descriptor host: the user's
 * browser was refused and the host could open no file for 30–40 s). Only a request of the session
 * keeps its connection from being closed for room.
 */

/**
 * Connections open at once. The page uses fetch only (no WebSocket, no event stream): a browser
 * opens at most 6 connections a host, shared by its tabs; 32 leaves room for a few browsers or
 * profiles and the tests' parallel requests.
 */
export const MAX_CONSOLE_CONNECTIONS = 32;
/** How long an idle keep-alive connection stays open: Node's 5 s, said here so it is one decision. */
export const CONSOLE_KEEP_ALIVE_MS = 5_000;
