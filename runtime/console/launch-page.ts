/**
 * The page the desktop's browser is given to open the console: a file only this user can read that
 * sends the browser on to the launch address. The address carries the one-use launch secret in its
 * fragment; handed to the opener as an argument (`xdg-open URL`), it sat in the opener's and often
 * the browser's command line, which other local users can read (`/proc/PID/cmdline`), and whoever
 * exchanged it first got the session. The file's path carries no secret (Jupyter does the same).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A launch page for `url` in a new folder only this user can open (0700, the file 0600); `remove` deletes both. */
export function writeLaunchPage(url: string, parent = tmpdir()): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(parent, 'peeros-console-'));
  const path = join(dir, 'open-console.html');
  // the address is ours (loopback, a port, a hex secret): JSON text is a safe script literal, and < is escaped anyway
  const target = JSON.stringify(url).replace(/</g, '\\u003c');
  const page = `<!doctype html><meta charset="utf-8"><title>PeerOS console</title><script>location.replace(${target});</script>\n`;
  writeFileSync(path, page, { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
