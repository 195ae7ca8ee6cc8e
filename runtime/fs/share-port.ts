/** The port `peeros share serve` listens on when not told (on loopback): a module of its own, so the CLI's help reads it without the peer's code. */
export const DEFAULT_SHARE_PORT = 7447;
