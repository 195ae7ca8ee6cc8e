/**
 * `peeros console`: the console, the PeerOS desktop in a browser. Serves runtime/console on
 * loopback, prints the one address to open (a per-launch secret in its fragment) and runs the
 * long-lived host behind it (vault, host services with the offline-queue flusher) until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { hostPortArg } from '../arg-checks.js';
import { untilInterrupted } from '../watch-folder.js';
import { peerosHome } from '../../../lib/home.js';
import { parseHostPort } from '../../../dmcs/endpoint.js';
import { ConsoleHost, ConsoleServer, isLoopbackHost, writeLaunchPage } from '../../console/index.js';

import { definition } from '../definitions/console.js';

/**
 * Opens `url` in the desktop's browser when there is a desktop, through a launch page (its secret
 * stays off command lines: launch-page.ts); silently does nothing otherwise. Returns what removes
 * the page.
 */
function openBrowser(url: string, env: NodeJS.ProcessEnv): () => void {
  const opener =
    process.platform === 'darwin'
      ? 'open'
      : process.platform === 'win32'
        ? undefined
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : undefined;
  if (!opener) return () => {};
  const page = writeLaunchPage(url);
  const child = spawn(opener, [page.path], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return page.remove;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'console');
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    let listenHost = '127.0.0.1';
    let port = 0;
    if (typeof flags.listen === 'string') {
      const at = parseHostPort(hostPortArg(flags.listen, '--listen'));
      if (!isLoopbackHost(at.host))
        throw new UsageError(
          `--listen: the console serves loopback only (127.0.0.1, localhost or [::1]), not '${at.host}': whoever reaches it reaches your unlocked vault`,
        );
      listenHost = at.host;
      port = at.port;
    }
    const shareListen =
      typeof flags['share-listen'] === 'string' ? parseHostPort(hostPortArg(flags['share-listen'], '--share-listen')) : undefined;
    const shareAnnounce =
      typeof flags['share-announce'] === 'string' ? parseHostPort(hostPortArg(flags['share-announce'], '--share-announce')) : undefined;
    if (shareAnnounce && !shareListen) throw new UsageError('--share-announce names where --share-listen is reached: give both');
    const host = await ConsoleHost.open({
      home: peerosHome(io.env),
      ...(shareListen ? { shareListen } : {}),
      ...(shareAnnounce ? { shareAnnounce } : {}),
    });
    let server: ConsoleServer | undefined;
    let removePage = () => {};
    try {
      server = await ConsoleServer.start({ host, listenHost, port });
      io.out(`console: ${server.launchUrl}`);
      if (flags['no-open'] !== true) removePage = openBrowser(server.launchUrl, io.env);
      await untilInterrupted();
      return 0;
    } finally {
      removePage();
      await server?.close();
      await host.close();
    }
  },
};

export default command;
