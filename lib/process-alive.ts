/**
 * Whether a process id names a live process, for the lock files that record their owner's pid:
 * signal 0 checks existence without signalling; EPERM means it lives under another user.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
