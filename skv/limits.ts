/**
 * Every default and cap of the vault, each a named constant with the reason for its value.
 * Options may change the defaults within the stated bounds; the caps are not configurable.
 */

/** Idle time after which an unlocked vault locks itself (DESIGN §5: configurable, default 15 min). */
export const DEFAULT_AUTO_LOCK_MS = 15 * 60 * 1000;
/** The longest idle period a caller may configure: a day; longer is "never lock", which we refuse. */
export const MAX_AUTO_LOCK_MS = 24 * 60 * 60 * 1000;

/** Lifetime of a user-verification assertion: long enough to reach the vault, short enough to be useless later. */
export const DEFAULT_ASSERTION_TTL_MS = 60 * 1000;
/** The vault refuses assertions that claim to live longer than this, whatever the verifier minted. */
export const MAX_ASSERTION_TTL_MS = 5 * 60 * 1000;
/** Spent assertion nonces remembered at once; more live assertions than this is abuse, not use. */
export const MAX_REMEMBERED_NONCES = 100_000;

/** First delay after a wrong passphrase; doubles with each further failure. */
export const DEFAULT_BACKOFF_BASE_MS = 1000;
/** Longest delay between two passphrase attempts: slows guessing to a crawl without locking the owner out for good. */
export const MAX_BACKOFF_MS = 15 * 60 * 1000;

/** Largest dMemo message accepted: a chain transaction is at most 512 KiB; twice that covers cfd and framing. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Keys in one keystore: a personal vault, not an HSM; bounds the unlock time and the file size. */
export const MAX_KEYS = 1000;
/** Longest label for a key. */
export const MAX_LABEL_LENGTH = 128;
/** Longest passphrase accepted: long passphrases are fine, unbounded input to scrypt is not. */
export const MAX_PASSPHRASE_LENGTH = 4096;
/** Keys one sign request may ask for. */
export const MAX_SIGNING_KEYS = 16;
/** Largest keystore file read: MAX_KEYS entries of a few hundred bytes each, plus grants. */
export const MAX_KEYSTORE_BYTES = 4 * 1024 * 1024;
/** Deepest JSON nesting of a keystore body: the vault writes 4 levels; deeper parses but cannot be written back (stack). */
export const MAX_KEYSTORE_JSON_DEPTH = 32;

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 (≈ 32 MiB, ≈ 100 ms per attempt). The issue asks for N ≥ 2^15.
 * Lower N only through the explicit test option `insecureTestKdf`. The keystore stores what it used,
 * and unlock accepts exactly what the vault creates: anything else is refused (KDF_OUT_OF_RANGE)
 * before any derivation, so a crafted keystore can neither weaken the KDF nor make one unlock take
 * 30 s and 2 GiB (logN 20, r 16, p 4 asks for 128 · 2^20 · 16 bytes).
 */
export const SCRYPT_LOG_N = 15;
/** r and p are accepted only as written here: r multiplies scrypt's time and memory, p its time. */
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
/** Parameters for tests only (fast): N = 2^10. Never used or accepted unless a test passes `insecureTestKdf`. */
export const TEST_SCRYPT_LOG_N = 10;
/** An app identity: `PUB_K1_…` (≈ 57 chars) or `unverified:` + 32 hex; 128 leaves room, bounds the grant. */
export const MAX_IDENTITY_LENGTH = 128;
/** A sealed message's context: the contract account it is bound to, an Antelope name (at most 13 characters), or ''. */
export const MAX_MESSAGE_CONTEXT_LENGTH = 13;
/** The alphabet of a message context (Antelope names). */
export const MESSAGE_CONTEXT_PATTERN = /^[a-z1-5.]*$/;

/** Longest wait for the vault's cross-process lock (`vault/vault.lock`) before VAULT_BUSY: above any hold (one scrypt unlock under load). */
export const VAULT_LOCK_WAIT_MS = 20_000;

/** Life of a WebAuthn challenge the vault issued: a person reads the dialog and touches the authenticator. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 2 * 60 * 1000;
/** Challenges issued and not yet answered at once: one per dialog on screen; more is a host flooding the vault. */
export const MAX_PENDING_WEBAUTHN_CHALLENGES = 256;
/** Credentials registered in one keystore: a key and its backups, not a fleet. */
export const MAX_WEBAUTHN_CREDENTIALS = 8;
/** Credential id bytes: WebAuthn allows up to 1023. */
export const MAX_WEBAUTHN_CREDENTIAL_ID_BYTES = 1023;
/** Authenticator data, client data JSON or attestation object bytes: Leap caps a WA signature's variable part at 4096 too. */
export const MAX_WEBAUTHN_FIELD_BYTES = 4096;
/** An rp id is a DNS name (≤ 253); an origin adds a scheme and a port. */
export const MAX_WEBAUTHN_ORIGIN_LENGTH = 300;
/**
 * App signatures counted under one hold of the vault lock and one spend-ledger write (group commit):
 * 32 covers many apps signing at once and bounds how long one batch keeps other processes waiting
 * on the lock (each signature is about a millisecond of CPU).
 */
export const MAX_SIGN_BATCH = 32;
/**
 * dMemo requests the vault worker holds at once: app sign requests waiting for their group's ledger
 * write let the next request in, up to this many; beyond it they wait in the channel.
 */
export const MAX_REQUESTS_IN_FLIGHT = 32;
/**
 * The spend ledger is an append log of whole authenticated records (one per ledger write, one
 * datasync each); once the next record would take it past this many bytes it is rewritten with the
 * current record alone (atomic replace). 16 KiB is some fifty records of a few apps: each write
 * re-reads and authenticates the file, so it stays small.
 */
export const MAX_SPEND_LEDGER_BYTES = 16 * 1024;
/**
 * The vault's threads: the vault worker, which owns every piece of state (the unlocked keys, grants,
 * the single-use assertion ledger, the spend ledger) and decides every request, and one signing
 * thread it starts, which only turns digests of requests already checked and recorded into
 * signatures, while the vault worker writes their ledger record (skv/vault-signer.ts). 1 signs
 * inline in the vault worker (`VaultOptions.threads`; benchmarks compare the two).
 */
export const VAULT_THREADS = 2;
/** How long a signing thread told to wipe its keys and end may take before it is terminated. */
export const SIGNER_EXIT_WAIT_MS = 1000;
/**
 * Fewest signatures a group hands to the signing thread: a lone one is signed in the vault worker,
 * since waking the other thread and hearing back costs more than one K1 signature (~0.1 ms).
 */
export const SIGNER_MIN_JOBS = 2;
/**
 * The host keeps its copy of the vault's key list (`Vault.listKeys({ recent })`) only while less
 * than this share of the auto-lock time has passed since it last sent a request the vault answered
 * unlocked: the vault counts idleness from the latest request it received, so it cannot have locked
 * itself meanwhile; half leaves room for a wall clock moved forward (the vault reads both clocks).
 */
export const KEY_LIST_REUSE_SHARE = 0.5;
