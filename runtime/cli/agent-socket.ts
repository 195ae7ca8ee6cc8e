/**
 * `peeros agent`'s Unix socket, which only its user may ever open: anyone who can connect to it can
 * ask for signatures (no token on the socket). bind() creates the socket file under the process's
 * umask; it was set to 0600 by a chmod after listen, so for that moment it was 0775 under the
 * common umask 002 (its group could connect) or 0777 under 000 (18 of 20 starts, watched with
 * inotify). Now the umask is SOCKET_UMASK during the bind itself: node's `server.listen(path)`
 * creates and binds the socket synchronously in the main thread (net.js createServerHandle, for a
 * process that is no cluster worker), so no other code of ours runs under that umask, and it is
 * restored in a finally. The result is checked after (a socket, ours, 0600) rather than trusted.
 *
 * A `--socket` path can be in a shared folder, where other users create names too, so before the
 * bind: a folder that anyone may write in without the sticky bit (others could rename our socket
 * away and put theirs in its place), or one owned by another user, is refused; an existing file at
 * the path is replaced only when it is a socket of ours that nobody serves (an agent that died), and
 * never followed (a symlink there is refused, not its target touched).
 */
import { lstat, stat, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { CodedError } from '../../lib/coded-error.js';

/** The umask during the bind: the socket is created rw for its user only (0777 & ~0177 = 0600). */
export const SOCKET_UMASK = 0o177;
/** The socket's mode: its user may connect, nobody else. */
export const SOCKET_MODE = 0o600;

export class AgentSocketError extends CodedError<'SOCKET_FOLDER_UNSAFE' | 'SOCKET_PATH_TAKEN' | 'SOCKET_IN_USE' | 'SOCKET_NOT_PRIVATE'> {
  override name = 'AgentSocketError';
}

const S_ISVTX = 0o1000;

/** Listens on a Unix socket at `path` that is 0600 from the moment it exists; see the module doc for what is refused. */
export async function listenOnPrivateSocket(server: Server, path: string): Promise<void> {
  await checkFolder(dirname(path));
  await removeStaleSocket(path);
  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    server.once('error', failed);
    const previous = process.umask(SOCKET_UMASK);
    try {
      server.listen(path, () => {
        server.off('error', failed);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
  const s = await lstat(path);
  if (!s.isSocket() || s.uid !== process.getuid?.() || (s.mode & 0o777) !== SOCKET_MODE) {
    await new Promise((r) => server.close(r));
    throw new AgentSocketError('SOCKET_NOT_PRIVATE', `${path} is not a 0600 socket of this user after the bind: refusing to serve on it`);
  }
}

async function checkFolder(dir: string): Promise<void> {
  const d = await stat(dir);
  const me = process.getuid?.();
  if (me !== undefined && d.uid !== me && d.uid !== 0)
    throw new AgentSocketError(
      'SOCKET_FOLDER_UNSAFE',
      `${dir} belongs to another user, who could replace the agent's socket: choose a folder of yours`,
    );
  if ((d.mode & 0o002) !== 0 && (d.mode & S_ISVTX) === 0)
    throw new AgentSocketError(
      'SOCKET_FOLDER_UNSAFE',
      `${dir} is writable by everyone without the sticky bit, so anyone could replace the agent's socket: choose a folder of yours`,
    );
}

/** Removes a socket of ours at `path` that nobody serves; refuses anything else there. */
async function removeStaleSocket(path: string): Promise<void> {
  let s: Awaited<ReturnType<typeof lstat>>;
  try {
    s = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!s.isSocket() || s.uid !== process.getuid?.())
    throw new AgentSocketError('SOCKET_PATH_TAKEN', `${path} exists and is not a socket of this user: the agent replaces only its own`);
  if (await answers(path)) throw new AgentSocketError('SOCKET_IN_USE', `${path}: another agent is serving on it`);
  await unlink(path);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}
